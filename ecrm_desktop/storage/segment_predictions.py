"""What segment filters on the stored predictions (`customer_predictions`, written by `storage.predictions`) read.

`storage.segment_sql` compiles them: a customer without a stored prediction (no order yet, or added since the
last scoring) has no value, so a comparison does not select them, its `NOT (...)` does, and so does `IS NULL` on
the expected next order date.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from ecrm_desktop.storage.tables import StoredPrediction

NUMBERS: dict[str, tuple[InstrumentedAttribute[Any], Callable[[Decimal], Any]]] = {
    "predicted_clv": (StoredPrediction.predicted_clv_cents, lambda d: int(d * 100)),
    "expected_orders_90d": (StoredPrediction.expected_orders_90d, float),
    "expected_orders_365d": (StoredPrediction.expected_orders_365d, float),
    "p_alive": (StoredPrediction.p_alive, float),
}
# Each value of an enumerated filter and the stored bands it selects. Shopify's three spend tiers are the lowest
# 40 %, the next 30 % and the top 30 % of predicted value; ecrm's TOP narrows HIGH to its best third (top 10 %).
BANDS: dict[str, tuple[InstrumentedAttribute[Any], dict[str, tuple[str, ...]]]] = {
    "churn_risk": (StoredPrediction.churn_risk, {"LOW": ("LOW",), "MEDIUM": ("MEDIUM",), "HIGH": ("HIGH",)}),
    "predicted_spend_tier": (StoredPrediction.spend_tier, {"LOW": ("LOW",), "MEDIUM": ("MEDIUM",),
                                                           "HIGH": ("HIGH", "TOP"), "TOP": ("TOP",)}),
}
DATES: dict[str, InstrumentedAttribute[Any]] = {
    "expected_next_order_date": StoredPrediction.expected_next_order_date}
PREDICTED = frozenset(NUMBERS) | frozenset(BANDS) | frozenset(DATES)
NOT_COMPUTED = "Predictions have not been computed in this workspace yet: run a sync or `ecrm clv score` first."


def computed(session: Session) -> bool:
    """Whether any prediction is stored."""
    return session.execute(select(StoredPrediction.customer_id).limit(1)).first() is not None
