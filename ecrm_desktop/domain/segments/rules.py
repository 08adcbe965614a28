"""The visual builder's face of a query: a list of rule rows joined by AND (all) or OR (any).

A condition on a plain filter becomes an editable row (filter, operator, value as written); anything else (a
function filter, NOT, a nested group) becomes an expression row holding its canonical text, so every query the
parser accepts round-trips: `parse(text_of(rules_of(tree))) == tree`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecrm_desktop.domain.segments.ast import And, Comparison, Node, Operator, Or
from ecrm_desktop.domain.segments.filters import FILTERS
from ecrm_desktop.domain.segments.printer import to_text

EXPRESSION = ""  # the `filter` of an expression row


@dataclass(frozen=True)
class Rule:
    """`filter operator value`; an expression row has filter and operator "" and its whole text as `value`."""

    filter: str
    operator: str
    value: str

    @property
    def text(self) -> str:
        if self.filter == EXPRESSION:
            return f"({self.value})"
        return " ".join(p for p in (self.filter, self.operator, self.value) if p)


@dataclass(frozen=True)
class RuleSet:
    """Rules that must all hold (`match_any` False) or of which one must."""

    rules: tuple[Rule, ...]
    match_any: bool = False


def rules_of(node: Node) -> RuleSet:
    """The builder's rows for a parsed query."""
    items = node.items if isinstance(node, And | Or) else (node,)
    return RuleSet(tuple(_rule(i) for i in items), isinstance(node, Or))


def text_of(rules: RuleSet) -> str:
    """The query text the rows say (to be parsed; empty rows are left out)."""
    joiner = " OR " if rules.match_any else " AND "
    return joiner.join(r.text for r in rules.rules if r.text.strip("() "))


def editable_filters() -> list[str]:
    """Filters a row can name: every filter that takes no parameters (function filters are expression rows)."""
    return [name for name, spec in FILTERS.items() if not spec.is_function]


def _rule(node: Node) -> Rule:
    if not isinstance(node, Comparison):
        return Rule(EXPRESSION, "", to_text(node))
    head = f"{node.filter} {node.operator.value}"
    value = "" if node.operator in (Operator.IS_NULL, Operator.IS_NOT_NULL) else to_text(node)[len(head) + 1:]
    return Rule(node.filter, node.operator.value, value)
