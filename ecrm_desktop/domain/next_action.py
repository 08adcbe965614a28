"""Next best action: transparent rules over a customer's predictions, shown wherever the customer is shown.

The rules, first match wins:
1. a valuable customer (spend tier TOP or HIGH) at churn risk MEDIUM or HIGH with an open ticket → prioritise
   the ticket: losing them costs most, and an unanswered problem is the likeliest reason to leave;
2. churn risk HIGH (lapsed) → win-back offer;
3. likely to order soon (at least half an order expected within 90 days) with a recommended product →
   suggest that product;
4. otherwise nothing: no action is better than a made-up one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ecrm_desktop.domain.clv.clv import ChurnRisk, SpendTier
from ecrm_desktop.domain.clv.prediction import CustomerPrediction

LIKELY_SOON = 0.5  # expected orders within 90 days


class ActionKind(StrEnum):
    PRIORITISE = "PRIORITISE"
    WIN_BACK = "WIN_BACK"
    SUGGEST_PRODUCT = "SUGGEST_PRODUCT"


@dataclass(frozen=True)
class NextAction:
    kind: ActionKind
    text: str  # what to do
    reason: str  # why, from the numbers


def next_best_action(p: CustomerPrediction | None, open_tickets: int,
                     recommended: str | None) -> NextAction | None:
    """The action for this customer, or None when no rule applies (or there is no prediction yet)."""
    if p is None:
        return None
    valuable = p.spend_tier in (SpendTier.TOP, SpendTier.HIGH)
    if valuable and p.churn_risk is not ChurnRisk.LOW and open_tickets:
        tickets = "an open ticket" if open_tickets == 1 else f"{open_tickets} open tickets"
        return NextAction(ActionKind.PRIORITISE, "Prioritise: solve their open ticket first",
                          f"{p.spend_tier.lower()}-value customer at {p.churn_risk.lower()} churn risk with {tickets}")
    if p.churn_risk is ChurnRisk.HIGH:
        return NextAction(ActionKind.WIN_BACK, "Win back: send a personal offer", p.explanation)
    if p.expected_orders_90d >= LIKELY_SOON and recommended:
        return NextAction(ActionKind.SUGGEST_PRODUCT, f"Suggest: {recommended}",
                          f"likely to order within 90 days ({p.expected_orders_90d:.1f} orders expected); "
                          "customers who bought what they bought also bought it")
    return None
