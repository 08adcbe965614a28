"""Saved segments re-evaluated after a real sync from the store emulator: who entered and left, and the counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.segments.rfm import RfmGroup
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import CustomerIdentity, CustomerRfm, Segment
from tests.sync_support import connect, emulator, run_sync, sample_store


def _ids(session: UserSession) -> dict[str, int]:
    with session.workspace.sessions() as s:
        return {ext: cid for ext, cid in s.execute(select(CustomerIdentity.external_id, CustomerIdentity.customer_id))}


def test_saved_segments_follow_the_store_after_each_sync(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(15)
    clock = [datetime(2026, 11, 1, 9, 0, tzinfo=UTC)]
    service = SegmentService(user_session, clock=lambda: clock[0])
    with emulator(store, Platform.SHOPIFY) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        assert run_sync(user_session, secrets)["status"] == "complete"
        ids = _ids(user_session)
        vips = {ids[c.external_id] for c in store.customers.values() if "VIP" in c.tags}
        saved = service.save("VIPs", "customer_tags CONTAINS 'VIP'")
        assert saved.members == len(vips) > 1
        assert {c.customer_id for c in service.changes("VIPs")} == vips

        leaving = next(c for c in store.customers.values() if "VIP" in c.tags)
        joining = next(c for c in store.customers.values() if "VIP" not in c.tags)
        now = datetime.now(UTC)
        store.put(replace(leaving, tags=(), updated_at=now), replace(joining, tags=("VIP",), updated_at=now))
        assert run_sync(user_session, secrets)["status"] == "complete"
    clock[0] += timedelta(days=1)
    [evaluation] = service.refresh_all()
    assert (evaluation.members, evaluation.entered, evaluation.left) == (len(vips), 1, 1)
    latest = [c for c in service.changes("VIPs") if c.at == evaluation.at]
    assert {(c.customer_id, c.entered) for c in latest} == {(ids[joining.external_id], True),
                                                           (ids[leaving.external_id], False)}
    assert service.history("VIPs") == [(datetime(2026, 11, 1, 9, 0, tzinfo=UTC), len(vips)),
                                       (evaluation.at, len(vips))]
    assert service.get("VIPs").members == len(vips)
    with user_session.workspace.sessions() as s:
        groups = {cid: g for cid, g in s.execute(select(CustomerRfm.customer_id, CustomerRfm.rfm_group))}
    assert len(set(groups.values())) > 1
    exported = [c.export_fields() for batch in service.export("VIPs") for c in batch]
    assert [e["rfm_group"] for e in exported] == [groups[e["id"]].value for e in exported]


def test_a_customers_scores_refresh_against_the_last_ranking(user_session: UserSession,
                                                            secrets: SecretStore) -> None:
    store = sample_store(10)
    service = SegmentService(user_session)
    with emulator(store, Platform.SHOPIFY) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        run_sync(user_session, secrets)
    ids = sorted(_ids(user_session).values())
    service.refresh_rfm()
    with user_session.workspace.sessions() as s:
        before = s.execute(select(CustomerRfm).order_by(CustomerRfm.customer_id)).scalars().all()
        rows = [(r.customer_id, r.recency, r.frequency, r.monetary, r.rfm_group) for r in before]
    with user_session.workspace.sessions() as s, s.begin():
        s.execute(update(CustomerRfm).values(recency=0, rfm_group=RfmGroup.DORMANT))
    service.refresh_rfm(ids[:3])
    with user_session.workspace.sessions() as s:
        again = [(r.customer_id, r.recency, r.frequency, r.monetary, r.rfm_group)
                 for r in s.execute(select(CustomerRfm).order_by(CustomerRfm.customer_id)).scalars()]
    assert again[:3] == rows[:3]
    assert all(r[1] == 0 for r in again[3:])


def test_a_saved_query_that_no_longer_parses_is_skipped(user_session: UserSession) -> None:
    service = SegmentService(user_session)
    service.save("Everyone", "number_of_orders >= 0")
    with user_session.workspace.sessions() as s, s.begin():
        s.add(Segment(name="Old", query="storefront_events > 1", created_by_id=user_session.user_id))
    assert [e.segment_id for e in service.refresh_all()] == [service.get("Everyone").id]
