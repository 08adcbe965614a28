"""Scoring every customer at once (arrays) and the per-customer record the screens and exports show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from ecrm_desktop.domain.arrays import FloatArray, IntArray
from ecrm_desktop.domain.clv import clv
from ecrm_desktop.domain.clv.clv import CHURN_BANDS, TIERS, ChurnRisk, Models, SpendTier
from ecrm_desktop.domain.clv.summary import Rfm


@dataclass(frozen=True)
class Scores:
    """Model outputs for every customer (parallel arrays); `churn` and `tier` index `CHURN_BANDS` and `TIERS`."""

    orders_90d: FloatArray
    orders_365d: FloatArray
    p_alive: FloatArray
    churn: IntArray
    value: FloatArray
    days_to_next: FloatArray
    tier: IntArray


@dataclass(frozen=True, slots=True)
class CustomerPrediction:
    customer_id: int
    orders: int  # orders up to today, same-day orders counted separately
    days_since_last_order: int
    usual_gap_days: int | None  # first-to-last order span over repeat purchase days; None before a repeat
    expected_orders_90d: float
    expected_orders_365d: float
    p_alive: float
    churn_risk: ChurnRisk
    predicted_clv_cents: int
    expected_next_order_date: date | None  # None when churn risk is HIGH: the customer has more likely left
    spend_tier: SpendTier

    @property
    def still_buying(self) -> str:
        """The chance the customer is still buying, as shown: the model has no evidence for it before a repeat
        purchase (BG/NBD counts every one-time buyer as active, 100%), so that case says so instead."""
        return f"{self.p_alive:.0%}" if self.usual_gap_days is not None else "not known before a second order"

    @property
    def explanation(self) -> str:
        """One line of plain English, e.g. "3 orders, last 200 days ago, usually buys every 60 days: churn risk
        high" (built when shown, not for every customer up front)."""
        orders = "1 order" if self.orders == 1 else f"{self.orders} orders"
        risk = f"churn risk {self.churn_risk.lower()}"
        if self.usual_gap_days is None:
            return f"{orders}, {_days(self.days_since_last_order)} ago, no repeat purchase yet: {risk}"
        return (f"{orders}, last {_days(self.days_since_last_order)} ago, "
                f"usually buys every {_days(self.usual_gap_days)}: {risk}")


def score(models: Models, data: Rfm, horizon_days: float) -> Scores:
    """Expected orders in 90 and 365 days, P(alive) and its band, CLV over the horizon and its tier, and the
    median days to the next order of an active customer."""
    alive = clv.p_alive(models, data)
    value = clv.lifetime_value(models, data, horizon_days)
    return Scores(orders_90d=clv.expected_orders(models, data, 90), orders_365d=clv.expected_orders(models, data, 365),
                  p_alive=alive, churn=clv.churn_risk(models, data, alive), value=value,
                  days_to_next=clv.days_to_next_order(models, data), tier=clv.spend_tier(value))


def predictions(customer_ids: IntArray, orders: IntArray, data: Rfm, scores: Scores, *, unit_days: int,
                today: date) -> list[CustomerPrediction]:
    """One `CustomerPrediction` per customer (`orders` counts every order, same-day ones separately)."""
    since_last = np.rint((data.age - data.recency) * unit_days).astype(np.int64)
    gap = np.rint(np.divide(data.recency, data.frequency, out=np.zeros_like(data.recency),
                            where=data.frequency > 0) * unit_days).astype(np.int64)
    next_order = np.datetime64(today, "D") + np.rint(scores.days_to_next).astype("timedelta64[D]")
    columns = zip(customer_ids.tolist(), orders.tolist(), since_last.tolist(), gap.tolist(), next_order.tolist(),
                  scores.orders_90d.tolist(), scores.orders_365d.tolist(), scores.p_alive.tolist(),
                  scores.churn.tolist(), np.rint(scores.value).astype(np.int64).tolist(), scores.tier.tolist(),
                  strict=True)
    return [CustomerPrediction(
                customer_id=cid, orders=n, days_since_last_order=last, usual_gap_days=usual or None,
                expected_orders_90d=e90, expected_orders_365d=e365, p_alive=alive, churn_risk=CHURN_BANDS[churn],
                predicted_clv_cents=value,
                expected_next_order_date=None if CHURN_BANDS[churn] is ChurnRisk.HIGH else next_day,
                spend_tier=TIERS[tier])
            for cid, n, last, usual, next_day, e90, e365, alive, churn, value, tier in columns]


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"
