"""The refresh after a sync (RFM, saved segments, predictions) writes in short transactions, so a person's edit
made while it runs goes through instead of waiting for the write lock past the busy timeout."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from ecrm_desktop.services import predictions as prediction_service
from ecrm_desktop.services import segments as segment_service
from ecrm_desktop.services.after_sync import refresh_derived_data
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import Customer, CustomerRfm, StoredPrediction

EDIT_SECONDS = 3.0  # an edit that waits for a lock held by the refresh takes the busy timeout (10 s) and fails


def test_edits_made_between_the_refresh_steps_succeed_at_once(user_session: UserSession,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    fill_demo(user_session, 3000, seed=3)
    segments = SegmentService(user_session)
    segments.save("Buyers", "number_of_orders >= 1")
    monkeypatch.setattr(segment_service, "RFM_CHUNK", 400)
    monkeypatch.setattr(prediction_service, "CHUNK", 400)
    with user_session.workspace.sessions() as s:
        target = s.execute(select(func.min(Customer.id))).scalar_one()
    profiles = CustomerProfileService(user_session)
    steps: list[tuple[int, int]] = []
    notes: list[int] = []

    def edit(done: int, total: int) -> None:  # from another thread, as the GUI's worker would
        steps.append((done, total))
        editor = threading.Thread(target=lambda: notes.append(profiles.add_note(target, f"step {done} of {total}")))
        editor.start()
        editor.join(EDIT_SECONDS)
        assert not editor.is_alive(), "the edit waited for the refresh's write lock"

    said = refresh_derived_data(user_session, progress=edit)

    assert "Predictions updated" in said
    assert len(notes) == len(steps) > 10  # the scores and predictions of 3,000 customers went in several steps
    assert {n.id for n in profiles.profile(target).notes} == set(notes)
    with user_session.workspace.sessions() as s:
        buyers = s.execute(select(func.count()).where(Customer.orders_count > 0,
                                                      Customer.merged_into_id.is_(None))).scalar_one()
        everyone = s.execute(select(func.count()).select_from(Customer)).scalar_one()
        assert s.execute(select(func.count()).select_from(CustomerRfm)).scalar_one() == everyone
        assert s.execute(select(func.count()).select_from(StoredPrediction)).scalar_one() == buyers
    assert segments.get("Buyers").members == buyers


def test_a_chunked_rewrite_scores_as_one_whole_refresh(user_session: UserSession,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fill_demo(user_session, 1500, seed=5)
    segments = SegmentService(user_session)
    segments.refresh_rfm()
    with user_session.workspace.sessions() as s:
        whole = s.execute(select(CustomerRfm.customer_id, CustomerRfm.rfm_group)
                          .order_by(CustomerRfm.customer_id)).all()
    monkeypatch.setattr(segment_service, "RFM_CHUNK", 100)
    segments.refresh_all()
    with user_session.workspace.sessions() as s:
        assert s.execute(select(CustomerRfm.customer_id, CustomerRfm.rfm_group)
                         .order_by(CustomerRfm.customer_id)).all() == whole


def test_predictions_written_in_chunks_are_those_scored(user_session: UserSession,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fill_demo(user_session, 3000, seed=3)
    monkeypatch.setattr(prediction_service, "CHUNK", 700)
    summary = prediction_service.refresh_predictions(user_session, date(2026, 11, 2))
    with user_session.workspace.sessions() as s:
        ids = s.execute(select(StoredPrediction.customer_id).order_by(StoredPrediction.customer_id)).scalars().all()
        buyers = s.execute(select(Customer.id).where(Customer.orders_count > 0).order_by(Customer.id)).scalars().all()
    assert ids == buyers and summary.customers == len(ids)
