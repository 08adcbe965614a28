"""How a customer's predictions read: a one-time buyer's chance of still buying is not given as the model's 100%."""

from __future__ import annotations

from dataclasses import replace

from ecrm_desktop.domain.clv.clv import ChurnRisk, SpendTier
from ecrm_desktop.domain.clv.prediction import CustomerPrediction

REPEAT = CustomerPrediction(customer_id=1, orders=3, days_since_last_order=40, usual_gap_days=60,
                            expected_orders_90d=0.8, expected_orders_365d=3.1, p_alive=0.874,
                            churn_risk=ChurnRisk.LOW, predicted_clv_cents=12_000, expected_next_order_date=None,
                            spend_tier=SpendTier.MEDIUM)


def test_a_repeat_buyer_shows_the_models_chance() -> None:
    assert REPEAT.still_buying == "87%"


def test_a_one_time_buyer_shows_that_it_is_not_known() -> None:
    once = replace(REPEAT, orders=1, usual_gap_days=None, p_alive=1.0, churn_risk=ChurnRisk.HIGH)
    assert once.still_buying == "not known before a second order"
    assert once.explanation.startswith("1 order, ") and "no repeat purchase yet" in once.explanation
