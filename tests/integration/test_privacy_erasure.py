"""Erasure: personal data leaves every table and the search index, orders stay (anonymised) so the figures and
rollups stay right, and a re-sync from the emulator does not bring the person back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text, update

from ecrm_desktop.domain.enums import Platform, TicketChannel
from ecrm_desktop.domain.privacy import RetentionAction, RetentionPolicy
from ecrm_desktop.services.after_sync import refresh_derived_data
from ecrm_desktop.services.privacy import PrivacyService, run_due_retention
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import rollups
from ecrm_desktop.storage.erasure import ERASED_TAG
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import Base, Customer, Note, Order, Tag, Ticket, TicketMessage
from ecrm_desktop.sync.emulator.shopify_api import Bucket
from tests.factories import customer, make_store
from tests.integration.test_rollups import snapshot
from tests.sync_support import connect, emulator, run_sync, sample_store


def _plaintext_hits(session: UserSession, needles: list[str]) -> list[str]:
    """Every table.column (and the search index) that still holds one of `needles`."""
    hits = []
    with session.workspace.sessions() as s:
        for table in Base.metadata.sorted_tables:
            for row in s.execute(select(table)).mappings():
                for column, value in row.items():
                    if isinstance(value, str) and any(n.lower() in value.lower() for n in needles):
                        hits.append(f"{table.name}.{column}")
        for needle in needles:
            if s.execute(text("SELECT rowid FROM customer_search WHERE customer_search MATCH :q"),
                         {"q": f'"{needle}"'}).first():
                hits.append("customer_search")
    return sorted(set(hits))


def _figures(session: UserSession) -> dict[str, Any]:
    """Order counts and amounts, customers, and the rollups as recomputed from the orders."""
    with session.workspace.sessions() as s, s.begin():
        rollups.rebuild(s)
        return {"orders": tuple(s.execute(select(func.count(), func.sum(Order.total_reporting_cents))).one()),
                "customers": s.execute(select(func.count()).select_from(Customer)).scalar(),
                "rollups": snapshot(s)}


@pytest.mark.parametrize("platform", [Platform.SHOPIFY, Platform.WOOCOMMERCE])
def test_erasure_survives_a_resync(user_session: UserSession, secrets: SecretStore, platform: Platform) -> None:
    store = sample_store(12)
    counts: dict[str, int] = {}
    for o in store.snapshot("orders"):
        counts[str(o.customer_external_id)] = counts.get(str(o.customer_external_id), 0) + 1
    ext = max(counts, key=lambda c: counts[c])
    person = store.customers[ext]
    assert person.email and person.first_name and person.last_name
    needles = [person.email, person.first_name, person.last_name, str(person.phone)]
    with emulator(store, platform, bucket=Bucket(restore_rate=20_000.0)) as server:
        connect(user_session, secrets, server, platform)
        assert run_sync(user_session, secrets)["status"] == "complete"
        privacy = PrivacyService(user_session)
        (cid,) = privacy.customers_of(person.email.upper())
        with user_session.workspace.sessions() as s, s.begin():
            s.add(Note(customer_id=cid, body=f"Called {person.first_name} about a parcel"))
            ticket = Ticket(subject=f"Where is my order, {person.last_name}?", channel=TicketChannel.EMAIL,
                            requester_email=person.email, requester_name=person.first_name, customer_id=cid)
            s.add(ticket)
            s.flush()
            s.add(TicketMessage(ticket_id=ticket.id, kind="INBOUND", author=person.email,
                                body_text=f"Regards, {person.first_name}"))
        assert _plaintext_hits(user_session, needles)
        before = _figures(user_session)

        result = privacy.erase([cid])
        assert (result.customers, result.orders, result.tickets) == (1, counts[ext], 1)
        assert _plaintext_hits(user_session, needles) == []
        assert _figures(user_session) == before  # orders, amounts and every rollup unchanged

        # The store still knows the person and changes them and one of their orders: the sync must not restore.
        store.change("customers", ext, first_name=person.first_name)
        first_order = next(o for o in store.snapshot("orders") if o.customer_external_id == ext)
        store.change("orders", first_order.external_id, total_cents=first_order.total_cents)
        assert run_sync(user_session, secrets)["status"] == "complete"

    assert _plaintext_hits(user_session, needles) == []
    assert _figures(user_session) == before
    with user_session.workspace.sessions() as s:
        assert s.execute(select(func.count()).select_from(Order).where(Order.customer_id == cid)).scalar() == \
            counts[ext]
        assert ERASED_TAG in s.execute(select(Tag.name)).scalars().all()
  # the rollups kept by the writer equal a recomputation
    with pytest.raises(Exception, match="No customer"):
        PrivacyService(user_session).customers_of(person.email)


def test_the_export_holds_everything_and_is_audited(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(6)
    person = next(iter(store.customers.values()))
    assert person.email
    with emulator(store, Platform.SHOPIFY, bucket=Bucket(restore_rate=20_000.0)) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        run_sync(user_session, secrets)
    privacy = PrivacyService(user_session)
    ids = privacy.customers_of(person.email)
    record = privacy.access_export(ids)
    (entry,) = record["records"]
    assert entry["customer"]["email"] == person.email.lower()
    assert entry["addresses"] and entry["store_accounts"][0]["account_id"] == person.external_id
    assert len(entry["orders"]) == sum(o.customer_external_id == person.external_id for o in store.orders.values())
    assert all(o["lines"] for o in entry["orders"])
    assert entry["consent_history"][0]["new_state"] == "SUBSCRIBED"
    assert [a["action"] for a in entry["audit_trail"]] == ["privacy.export"]
    columns = {a.key for a in inspect(Customer).mapper.column_attrs}
    assert set(entry["customer"]) == columns


def test_scheduled_retention_runs_after_a_sync_once_a_day(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        writer = StoreWriter(s, make_store(s))
        writer.upsert_customers([customer("old", "old@example.com"), customer("new", "new@example.com")])
        s.execute(update(Customer).where(Customer.email == "old@example.com").values(
            created_at=datetime(2015, 1, 1, tzinfo=UTC), updated_at=datetime(2015, 1, 1, tzinfo=UTC)))
        s.execute(update(Customer).where(Customer.email == "new@example.com").values(updated_at=datetime.now(UTC)))
    privacy = PrivacyService(user_session)
    policy = RetentionPolicy(5, RetentionAction.DELETE, scheduled=True)
    privacy.set_policy(policy)
    preview = privacy.preview_retention(policy)
    assert preview.count == 1
    said = refresh_derived_data(user_session)
    assert "Retention policy: 1 inactive customers deleted" in said
    assert run_due_retention(user_session) is None  # not again the same day
    with user_session.workspace.sessions() as s:
        assert s.execute(select(Customer.email)).scalars().all() == ["new@example.com"]
