"""The segment query as typed, immutable values: what the parser builds, the printer prints and storage compiles.

Values are kept as written (a relative date stays `-30d`, not a resolved day), so a query prints back as the user
wrote it, in canonical spelling; `dates.resolve` turns a date value into a day when the query runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Operator(StrEnum):
    """A comparison, spelled as it is printed."""

    EQ = "="
    NE = "!="
    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="
    BETWEEN = "BETWEEN"
    CONTAINS = "CONTAINS"
    NOT_CONTAINS = "NOT CONTAINS"
    IS_NULL = "IS NULL"
    IS_NOT_NULL = "IS NOT NULL"


@dataclass(frozen=True)
class AbsoluteDate:
    """`2024-05-01`."""

    day: date


@dataclass(frozen=True)
class RelativeDate:
    """`-30d`, `+4w`, `-8m`, `-10y`: `amount` units from today (negative is the past)."""

    amount: int
    unit: str  # one of "d", "w", "m", "y"


@dataclass(frozen=True)
class NamedDate:
    """`today`, `yesterday`, `7_days_ago`, `30_days_ago`, `90_days_ago`, `12_months_ago`."""

    name: str


DateValue = AbsoluteDate | RelativeDate | NamedDate


@dataclass(frozen=True)
class Between:
    """The two inclusive ends of `BETWEEN low AND high`."""

    low: Decimal | DateValue
    high: Decimal | DateValue


# A string for text and enum filters (enums upper-cased), a number, a date, a range, a boolean for function results,
# a tuple of strings for a function parameter's list (`id: (1, 2)`), or None after IS [NOT] NULL.
Value = str | Decimal | DateValue | Between | bool | tuple[str, ...] | None


@dataclass(frozen=True)
class Comparison:
    """`filter operator value`, e.g. `amount_spent > 500`."""

    filter: str
    operator: Operator
    value: Value


@dataclass(frozen=True)
class Param:
    """One `name: value` argument of a function filter; date arguments keep their operator (`date: >= -30d`)."""

    name: str
    operator: Operator
    value: Value


@dataclass(frozen=True)
class FunctionCondition:
    """`name(param: value, ...) operator value`, e.g. `products_purchased(category: 'Shoes') = true`."""

    name: str
    params: tuple[Param, ...]
    operator: Operator
    value: Value

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Condition = Comparison | FunctionCondition
Node = And | Or | Not | Comparison | FunctionCondition


def filters_used(node: Node) -> set[str]:
    """The names of the filters (and function filters) `node` uses."""
    if isinstance(node, And | Or):
        return set().union(*(filters_used(i) for i in node.items))
    if isinstance(node, Not):
        return filters_used(node.item)
    return {node.filter if isinstance(node, Comparison) else node.name}
