"""Syntax trees back to canonical query text: `parse(to_text(tree)) == tree` for every tree `parse` returns."""

from __future__ import annotations

from decimal import Decimal

from ecrm_desktop.domain.segments import filters
from ecrm_desktop.domain.segments.ast import (
    AbsoluteDate,
    And,
    Between,
    Comparison,
    DateValue,
    FunctionCondition,
    NamedDate,
    Node,
    Not,
    Operator,
    Or,
    Param,
    RelativeDate,
    Value,
)
from ecrm_desktop.domain.segments.filters import Kind


def to_text(node: Node) -> str:
    """The query in canonical spelling: lower-case names, upper-case keywords, single spaces."""
    if isinstance(node, And):
        return " AND ".join(f"({to_text(i)})" if isinstance(i, Or) else to_text(i) for i in node.items)
    if isinstance(node, Or):
        return " OR ".join(to_text(i) for i in node.items)
    if isinstance(node, Not):
        return f"NOT ({to_text(node.item)})"
    kind = filters.FILTERS[node.name if isinstance(node, FunctionCondition) else node.filter].kind
    predicate = _predicate(node.operator, node.value, kind)
    if isinstance(node, Comparison):
        return f"{node.filter} {predicate}"
    spec = filters.FILTERS[node.name]
    return f"{node.name}({', '.join(_param(p, spec) for p in node.params)}) {predicate}"


def _predicate(operator: Operator, value: Value, kind: Kind) -> str:
    if operator in (Operator.IS_NULL, Operator.IS_NOT_NULL):
        return operator.value
    return f"{operator.value} {_value(value, kind)}"


def _param(param: Param, spec: filters.FilterSpec) -> str:
    pspec = spec.param(param.name)
    kind = pspec.kind if pspec is not None else Kind.TEXT
    if isinstance(param.value, tuple):
        return f"{param.name}: {_list(param.value, kind is Kind.IDS)}"
    if kind is Kind.DATE:
        return f"{param.name}: {_predicate(param.operator, param.value, kind)}"
    return f"{param.name}: {_value(param.value, kind)}"


def _value(value: Value, kind: Kind) -> str:
    if isinstance(value, Between):
        return f"{_value(value.low, kind)} AND {_value(value.high, kind)}"
    if isinstance(value, AbsoluteDate | RelativeDate | NamedDate):
        return _date(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return value if kind is Kind.ENUM else quote(value)
    raise TypeError(f"no text form for {value!r}")


def _date(value: DateValue) -> str:
    if isinstance(value, AbsoluteDate):
        return value.day.isoformat()
    if isinstance(value, RelativeDate):
        return f"{value.amount:+d}{value.unit}"
    return value.name


def _list(items: tuple[str, ...], bare_numbers: bool) -> str:
    texts = [i if bare_numbers and i.isdigit() and i.isascii() else quote(i) for i in items]
    return texts[0] if len(texts) == 1 else f"({', '.join(texts)})"


def quote(text: str) -> str:
    """`text` as a single-quoted string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
