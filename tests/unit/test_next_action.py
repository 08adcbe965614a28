"""The next-best-action rules, one case per rule and the order in which they apply."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ecrm_desktop.domain.clv.clv import ChurnRisk, SpendTier
from ecrm_desktop.domain.clv.prediction import CustomerPrediction
from ecrm_desktop.domain.next_action import ActionKind, next_best_action

BASE = CustomerPrediction(customer_id=1, orders=4, days_since_last_order=30, usual_gap_days=60,
                          expected_orders_90d=1.2, expected_orders_365d=4.0, p_alive=0.9,
                          churn_risk=ChurnRisk.LOW, predicted_clv_cents=50_000,
                          expected_next_order_date=date(2026, 12, 20), spend_tier=SpendTier.TOP)


@pytest.mark.parametrize(("changes", "tickets", "product", "kind"), [
    ({"churn_risk": ChurnRisk.MEDIUM}, 1, "Socks", ActionKind.PRIORITISE),
    ({"churn_risk": ChurnRisk.HIGH, "spend_tier": SpendTier.HIGH}, 2, None, ActionKind.PRIORITISE),
    ({"churn_risk": ChurnRisk.HIGH, "spend_tier": SpendTier.LOW}, 1, "Socks", ActionKind.WIN_BACK),
    ({"churn_risk": ChurnRisk.HIGH}, 0, "Socks", ActionKind.WIN_BACK),
    ({}, 1, "Socks", ActionKind.SUGGEST_PRODUCT),  # a valuable customer at low risk: the ticket is no emergency
    ({"expected_orders_90d": 0.2}, 0, "Socks", None),
    ({}, 0, None, None),
])
def test_rules_apply_in_order(changes: dict[str, object], tickets: int, product: str | None,
                              kind: ActionKind | None) -> None:
    action = next_best_action(replace(BASE, **changes), tickets, product)  # type: ignore[arg-type]
    assert (action.kind if action else None) is kind
    if action is not None:
        assert action.text and action.reason


def test_reasons_quote_the_numbers() -> None:
    lapsed = replace(BASE, churn_risk=ChurnRisk.HIGH, days_since_last_order=200)
    win_back = next_best_action(lapsed, 0, None)
    assert win_back is not None and "last 200 days ago, usually buys every 60 days" in win_back.reason
    suggest = next_best_action(BASE, 0, "Nordic Henley")
    assert suggest is not None and suggest.text == "Suggest: Nordic Henley" and "1.2 orders" in suggest.reason
    assert next_best_action(None, 3, "Socks") is None
