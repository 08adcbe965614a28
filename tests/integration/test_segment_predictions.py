"""Segment filters on the stored predictions, counted in SQL, against the same definitions applied in Python to the
predictions the test stored."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, update

from ecrm_desktop.domain.clv.clv import ChurnRisk, SpendTier
from ecrm_desktop.domain.clv.prediction import CustomerPrediction
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.predictions import replace_predictions
from ecrm_desktop.storage.tables import Customer, Setting

NOW = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def _predictions(ids: list[int], rng: random.Random) -> list[CustomerPrediction]:
    """Random predictions for all but every fifth customer (those never ordered, so were never scored)."""
    out = []
    for cid in ids:
        if cid % 5 == 0:
            continue
        risk = rng.choice(list(ChurnRisk))
        out.append(CustomerPrediction(
            customer_id=cid, orders=rng.randint(1, 9), days_since_last_order=rng.randint(0, 400),
            usual_gap_days=rng.choice([None, rng.randint(5, 200)]),
            expected_orders_90d=round(rng.uniform(0, 3), 2), expected_orders_365d=round(rng.uniform(0, 9), 2),
            p_alive=round(rng.random(), 3), churn_risk=risk, predicted_clv_cents=rng.randint(0, 300_000),
            expected_next_order_date=None if risk is ChurnRisk.HIGH else TODAY + timedelta(days=rng.randint(-5, 60)),
            spend_tier=rng.choice(list(SpendTier))))
    return out


@pytest.fixture
def scored(user_session: UserSession) -> tuple[SegmentService, list[int], dict[int, CustomerPrediction]]:
    with user_session.workspace.sessions() as s, s.begin():
        s.execute(update(Setting).where(Setting.key == "timezone").values(value_json=json.dumps("UTC")))
        s.execute(insert(Customer), [{"first_name": f"c{i}"} for i in range(300)])
    service = SegmentService(user_session, clock=lambda: NOW)
    everyone = service.member_ids("number_of_orders >= 0", limit=1000)
    stored = _predictions(everyone, random.Random(11))
    with user_session.workspace.sessions() as s, s.begin():
        replace_predictions(s, stored, NOW)
    return service, everyone, {p.customer_id: p for p in stored}


def _next(p: CustomerPrediction | None) -> date | None:
    return p.expected_next_order_date if p else None


CASES = [
    ("predicted_clv > 1000", lambda p: p is not None and p.predicted_clv_cents > 100_000),
    ("predicted_clv BETWEEN 500 AND 1500.5", lambda p: p is not None and 50_000 <= p.predicted_clv_cents <= 150_050),
    ("NOT (predicted_clv >= 1000)", lambda p: p is None or p.predicted_clv_cents < 100_000),
    ("churn_risk = HIGH", lambda p: p is not None and p.churn_risk is ChurnRisk.HIGH),
    ("churn_risk != 'low'", lambda p: p is None or p.churn_risk is not ChurnRisk.LOW),
    ("predicted_spend_tier = HIGH", lambda p: p is not None and p.spend_tier in (SpendTier.HIGH, SpendTier.TOP)),
    ("predicted_spend_tier = TOP", lambda p: p is not None and p.spend_tier is SpendTier.TOP),
    ("predicted_spend_tier = LOW", lambda p: p is not None and p.spend_tier is SpendTier.LOW),
    ("expected_orders_90d >= 1.5", lambda p: p is not None and p.expected_orders_90d >= 1.5),
    ("expected_orders_365d < 2", lambda p: p is not None and p.expected_orders_365d < 2),
    ("p_alive < 0.3 AND churn_risk = MEDIUM",
     lambda p: p is not None and p.p_alive < 0.3 and p.churn_risk is ChurnRisk.MEDIUM),
    ("expected_next_order_date BETWEEN today AND +14d",
     lambda p: (d := _next(p)) is not None and TODAY <= d <= TODAY + timedelta(days=14)),
    ("expected_next_order_date < today", lambda p: (d := _next(p)) is not None and d < TODAY),
    ("expected_next_order_date = 2026-12-01", lambda p: _next(p) == date(2026, 12, 1)),
    ("expected_next_order_date IS NULL", lambda p: _next(p) is None),
    ("expected_next_order_date IS NOT NULL OR predicted_clv > 2500",
     lambda p: _next(p) is not None or (p is not None and p.predicted_clv_cents > 250_000)),
]


@pytest.mark.parametrize(("query", "definition"), CASES, ids=[q for q, _ in CASES])
def test_prediction_filters_select_what_their_definition_says(
        scored: tuple[SegmentService, list[int], dict[int, CustomerPrediction]], query: str,
        definition: object) -> None:
    service, everyone, stored = scored
    expected = [cid for cid in everyone if definition(stored.get(cid))]  # type: ignore[operator]
    assert 0 < len(expected) < len(everyone)
    assert service.member_ids(query, limit=1000) == expected


def test_prediction_filters_say_how_to_compute_them_when_never_computed(user_session: UserSession) -> None:
    service = SegmentService(user_session, clock=lambda: NOW)
    service.parse("churn_risk = HIGH AND predicted_clv > 10")  # valid
    for query in ("churn_risk = HIGH", "number_of_orders > 1 OR NOT (expected_orders_90d >= 1)"):
        with pytest.raises(UsageError, match=r"run a sync or `ecrm clv score` first"):
            service.count(query)
