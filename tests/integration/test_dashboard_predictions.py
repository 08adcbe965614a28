"""The dashboard's prediction figures: value by segment and churn bands against the stored predictions read
independently, and the holdout check equal to `ecrm clv validate`'s report, kept until new orders arrive."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ecrm_desktop.domain.kpis import Preset
from ecrm_desktop.domain.predicted_value import HOLDOUT_DAYS, HoldoutCheck
from ecrm_desktop.services.clv import validate_workspace
from ecrm_desktop.services.dashboard import DashboardService
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.predictions import refresh_predictions
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import clv_queries, prediction_queries
from ecrm_desktop.storage.tables import Customer, StoredPrediction
from tests.screen_fixtures import fill_small_store


def test_prediction_figures_and_the_holdout_check(user_session: UserSession) -> None:
    fill_demo(user_session, 1500)
    refresh_predictions(user_session)
    segments = SegmentService(user_session)
    segments.save("Big spenders", "amount_spent > 500")
    segments.refresh_all()
    service = DashboardService(user_session)
    period = service.preset(Preset.LAST_12_MONTHS)
    with user_session.workspace.sessions() as s:
        stored = {c: (risk, clv) for c, risk, clv in s.execute(
            select(StoredPrediction.customer_id, StoredPrediction.churn_risk, StoredPrediction.predicted_clv_cents))}
        big = set(s.execute(select(Customer.id).where(Customer.total_spent_cents > 50_000)).scalars())
        last = clv_queries.last_order_day(s)
    assert last is not None

    everyone = service.load(period).predictions
    assert everyone.scored and everyone.holdout is None  # not checked yet
    values = {v.segment: (v.customers, v.predicted_clv_cents) for v in everyone.by_segment}
    assert values["Everyone"] == (len(stored), sum(clv for _, clv in stored.values()))
    mine = [stored[c] for c in big if c in stored]
    assert values["Big spenders"] == (len(mine), sum(clv for _, clv in mine)) and 0 < len(mine) < len(stored)
    bands = Counter(risk for risk, _ in stored.values())
    assert [(b.risk, b.customers) for b in everyone.churn] == [(r, bands[r]) for r in ("HIGH", "MEDIUM", "LOW")]
    in_segment = service.load(period, "Big spenders").predictions
    assert sum(b.customers for b in in_segment.churn) == len(mine)
    assert sum(b.predicted_clv_cents for b in in_segment.churn) == sum(clv for _, clv in mine)

    check = service.check_model()
    report = validate_workspace(user_session, last - timedelta(days=HOLDOUT_DAYS))
    assert check == HoldoutCheck.from_report(report) and not check.note
    assert [r.frequency for r in check.rows] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert sum(r.customers for r in check.rows) == report["customers"] and check.actual_total > 0
    assert service.load(period).predictions.holdout == check  # kept until new orders arrive


def test_a_store_too_small_to_check_says_why(user_session: UserSession) -> None:
    fill_small_store(user_session)
    service = DashboardService(user_session)
    check = service.check_model()
    assert check.rows == () and check.note
    assert service.load(service.preset(Preset.THIS_YEAR)).predictions.holdout == check


def test_the_scoring_stores_everyones_prediction_figures(user_session: UserSession) -> None:
    """The first dashboard after a sync reads them rather than every prediction; a later evaluation makes them
    stale (the dashboard computes them again), and saving a segment stores them again."""
    fill_demo(user_session, 800)
    SegmentService(user_session).save("Big spenders", "amount_spent > 500")
    refresh_predictions(user_session)
    with user_session.workspace.sessions() as s:
        current = prediction_queries.version(s)
        assert current is not None
        kept = prediction_queries.kept_figures(s, current)
        big = SegmentService(user_session).get("Big spenders").id
        assert kept == prediction_queries.KeptFigures(
            tuple(prediction_queries.value_by_segment(s)), prediction_queries.churn_bands(s, None),
            {big: prediction_queries.churn_bands(s, big)})
    service = DashboardService(user_session)
    shown = service.load(service.preset(Preset.LAST_12_MONTHS)).predictions
    assert kept is not None and (shown.by_segment, shown.churn) == (kept.by_segment, kept.churn)
    mine = service.load(service.preset(Preset.LAST_12_MONTHS), "Big spenders").predictions
    assert mine.churn == kept.segment_churn[big] and sum(b.customers for b in mine.churn) > 0
    later = datetime.now(UTC) + timedelta(minutes=1)  # versions are of whole seconds
    SegmentService(user_session, clock=lambda: later).refresh_all()
    with user_session.workspace.sessions() as s:
        now = prediction_queries.version(s)
        assert now is not None and now != current and prediction_queries.kept_figures(s, now) is None
    SegmentService(user_session, clock=lambda: later + timedelta(minutes=1)).save(  # a save stores them again
        "Regulars", "number_of_orders >= 3")
    with user_session.workspace.sessions() as s:
        now = prediction_queries.version(s)
        kept = prediction_queries.kept_figures(s, now) if now else None
        assert kept is not None and "Regulars" in {v.segment for v in kept.by_segment}
