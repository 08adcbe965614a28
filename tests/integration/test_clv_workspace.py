"""Predictions and holdout validation over a workspace's own orders (SQL aggregation, then the models)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import insert

from ecrm_desktop.domain.clv.clv import ChurnRisk
from ecrm_desktop.domain.clv.errors import InsufficientData
from ecrm_desktop.domain.clv.summary import merge_days
from ecrm_desktop.domain.enums import FinancialStatus, FulfillmentStatus
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.services.clv import predict_workspace, validate_workspace
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import aggregates
from ecrm_desktop.storage.clv_queries import order_history
from ecrm_desktop.storage.tables import Customer, Order
from tests.factories import T0, make_store

CUSTOMERS = 400
LAST_DAY = 540


@dataclass(frozen=True)
class Shop:
    customer: list[int]
    at: list[datetime]
    cents: list[int]
    cancelled: list[bool]

    def kept(self, until: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The orders that count (not cancelled), as customer, UTC day and amount arrays."""
        rows = [(c, t.date(), a) for c, t, a, x in zip(self.customer, self.at, self.cents, self.cancelled,
                                                         strict=True) if not x and t.date() <= until]
        c, d, a = zip(*rows, strict=True)
        return np.array(c), np.array(d, dtype="datetime64[D]"), np.array(a, dtype=float)


@pytest.fixture
def shop(user_session: UserSession) -> Shop:
    """400 customers buying as BG/NBD says (rate ~ Gamma, dropout ~ Beta), some twice a day, a few cancelling,
    bulk-inserted into the orders table, then their aggregates refreshed."""
    rng = np.random.default_rng(11)
    data = Shop([], [], [], [])
    for cid in range(1, CUSTOMERS + 1):
        rate, leave = rng.gamma(1.2, 1 / 40), rng.beta(1.0, 4.0)
        t = float(rng.uniform(0, 360))
        while t < LAST_DAY:
            data.customer.append(cid)
            data.at.append(T0 + timedelta(days=t))
            data.cents.append(int(rng.integers(500, 20_000)))
            data.cancelled.append(bool(rng.random() < 0.05))
            if rng.random() < 0.1:  # a second order within the hour, usually the same day
                data.customer.append(cid)
                data.at.append(T0 + timedelta(days=t, minutes=30))
                data.cents.append(900)
                data.cancelled.append(False)
            if rng.random() < leave:
                break
            t += float(rng.exponential(1 / rate)) + 1.0
    with user_session.workspace.sessions() as s, s.begin():
        store = make_store(s)
        s.execute(insert(Customer), [{"id": c, "created_at": T0, "updated_at": T0} for c in range(1, CUSTOMERS + 2)])
        s.execute(insert(Order), [
            {"store_id": store.id, "external_id": f"o{i}", "customer_id": c, "number": f"#{i}", "created_at": t,
             "updated_at": t, "cancelled_at": t if x else None, "financial_status": FinancialStatus.PAID,
             "fulfillment_status": FulfillmentStatus.FULFILLED, "currency": "USD", "total_cents": a,
             "total_reporting_cents": a}
            for i, (c, t, a, x) in enumerate(zip(data.customer, data.at, data.cents, data.cancelled, strict=True))])
        aggregates.refresh_customers(s, range(1, CUSTOMERS + 2))  # as the store writer would
    return data


def test_sql_aggregation_equals_the_python_summary(user_session: UserSession, shop: Shop) -> None:
    end = (T0 + timedelta(days=400)).date()
    with user_session.workspace.sessions() as s:
        history = order_history(s, end)
    keys, expected = merge_days(*shop.kept(end), end)
    assert history.customer_ids.tolist() == keys.tolist()
    assert history.days.first.tolist() == expected.first.tolist()
    assert history.days.last.tolist() == expected.last.tolist()
    assert history.days.days.tolist() == expected.days.tolist()
    np.testing.assert_array_equal(history.days.repeat_amount, expected.repeat_amount)
    assert history.days.days.sum() < history.orders.sum()  # same-day orders were merged
    assert history.holdout_order_days.sum() == 0


def test_every_customer_with_orders_gets_an_explained_prediction(user_session: UserSession, shop: Shop) -> None:
    today = (T0 + timedelta(days=LAST_DAY)).date()
    predictions = predict_workspace(user_session, today)

    assert [p.customer_id for p in predictions] == sorted(set(shop.kept(today)[0].tolist()))  # cancelled only: none
    for p in predictions:
        assert 0.0 <= p.p_alive <= 1.0
        assert 0.0 <= p.expected_orders_90d <= p.expected_orders_365d
        assert p.predicted_clv_cents >= 0
        assert (p.expected_next_order_date is None) == (p.churn_risk is ChurnRisk.HIGH)
        assert p.expected_next_order_date is None or p.expected_next_order_date > today
        assert p.explanation.endswith(f"churn risk {p.churn_risk.lower()}")
    assert {p.churn_risk for p in predictions} == set(ChurnRisk)
    best = max(predictions, key=lambda p: p.predicted_clv_cents)
    assert best.spend_tier == "TOP"


def test_holdout_validation_compares_predicted_and_actual_repeat_purchases(user_session: UserSession,
                                                                            shop: Shop) -> None:
    end = (T0 + timedelta(days=360)).date()
    report = validate_workspace(user_session, end)

    last = max(t for t, x in zip(shop.at, shop.cancelled, strict=True) if not x).date()
    customers, days, _ = shop.kept(last)
    first_day = {c: d for c, d in sorted(zip(customers.tolist(), days.tolist(), strict=True), reverse=True)}
    in_holdout = {(c, d) for c, d in zip(customers.tolist(), days.tolist(), strict=True) if d > end
                  and first_day[c] <= end}
    assert report["holdout_end"] == last.isoformat()
    assert report["holdout_days"] == (last - end).days
    assert report["actual_repeat_purchases"] == len(in_holdout)
    assert [g["frequency"] for g in report["by_frequency"]] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert sum(g["customers"] for g in report["by_frequency"]) == report["customers"]
    assert report["predicted_repeat_purchases"] == pytest.approx(report["actual_repeat_purchases"], rel=0.35)

    with pytest.raises(UsageError, match="before the last order"):
        validate_workspace(user_session, last)


def test_an_empty_workspace_is_refused_with_the_minimum(user_session: UserSession) -> None:
    with pytest.raises(InsufficientData, match="at least 200 customers with a repeat purchase"):
        predict_workspace(user_session, datetime.now(UTC).date())
