"""Stored predictions and recommendations: scored from the workspace's orders, shown in the 360° view."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ecrm_desktop.domain.clv.errors import InsufficientData
from ecrm_desktop.services.clv import predict_workspace
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.predictions import refresh_predictions
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import Customer, Order, OrderLine, Product, ProductNeighbour, StoredPrediction
from tests.integration.test_cli import PASSWORD, ecrm

TODAY = date(2026, 11, 2)  # the day after the demo's history ends


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "ws"
    result = ecrm("demo", "--customers", "3000", "--json", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["predictions"] > 2000
    return folder


def test_every_customer_with_an_order_is_scored_as_the_models_say(user_session: UserSession) -> None:
    fill_demo(user_session, 3000, seed=3)
    summary = refresh_predictions(user_session, TODAY)
    expected = {p.customer_id: p for p in predict_workspace(user_session, TODAY)}
    with user_session.workspace.sessions() as s:
        buyers = s.execute(select(func.count()).where(Customer.orders_count > 0)).scalar_one()
        stored = {row.customer_id: row for row in s.execute(select(StoredPrediction)).scalars()}
        neighbours = s.execute(select(func.count()).select_from(ProductNeighbour)).scalar_one()
    assert summary.customers == len(stored) == len(expected) == buyers
    assert neighbours > summary.products  # several neighbours per product
    for cid in list(expected)[::97]:
        row, want = stored[cid], expected[cid]
        assert (row.churn_risk, row.spend_tier, row.predicted_clv_cents) == (
            want.churn_risk.value, want.spend_tier.value, want.predicted_clv_cents)
        assert row.expected_orders_90d == pytest.approx(want.expected_orders_90d)

    profiles = CustomerProfileService(user_session)
    top = max(expected.values(), key=lambda p: p.predicted_clv_cents)
    shown = profiles.profile(top.customer_id)
    assert shown.prediction == top and shown.predicted_at is not None
    assert shown.recommendations
    with user_session.workspace.sessions() as s:
        bought = set(s.execute(select(Product.title).join(OrderLine, OrderLine.product_id == Product.id)
                               .join(Order, Order.id == OrderLine.order_id)
                               .where(Order.customer_id == top.customer_id)).scalars())
    assert not bought & set(shown.recommendations)
    assert shown.next_action is not None and shown.next_action.reason


def test_too_little_history_keeps_what_was_stored(user_session: UserSession) -> None:
    fill_demo(user_session, 3000, seed=3)
    refresh_predictions(user_session, TODAY)
    with user_session.workspace.sessions() as s:
        before = s.execute(select(func.count()).select_from(StoredPrediction)).scalar_one()
    with pytest.raises(InsufficientData, match="at least 200 customers with a repeat purchase"):
        refresh_predictions(user_session, date(2023, 11, 20))  # days into the demo's history
    with user_session.workspace.sessions() as s:
        assert s.execute(select(func.count()).select_from(StoredPrediction)).scalar_one() == before > 0


def test_demo_and_clv_score_from_the_command_line(demo: Path) -> None:
    result = ecrm("clv", "score", "--today", TODAY.isoformat(), "--json", workspace=demo, ECRM_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["customers"] > 2000 and report["products"] > 50 and report["seconds"] > 0
