"""Merging two customer records by hand in the 360° view's service, syncing afterwards, and undoing the merge."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ecrm_desktop.domain.directory import CustomerQuery
from ecrm_desktop.domain.enums import Platform, Role
from ecrm_desktop.domain.errors import PermissionDenied, UsageError
from ecrm_desktop.services.customer_directory import CustomerDirectory
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.customers import CustomerService
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.users import UserService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.tables import AuditEntry, Customer, CustomerIdentity, Order, Store
from ecrm_desktop.sync.emulator.emulated_store import EmulatedStore
from tests.conftest import PASSWORD
from tests.sync_support import connect, emulator, run_sync, sample_store


def _customer_of(session: UserSession, store: str, external_id: str) -> int:
    with session.workspace.sessions() as s:
        return int(s.execute(select(CustomerIdentity.customer_id).join(Store, Store.id == CustomerIdentity.store_id)
                             .where(CustomerIdentity.external_id == external_id, Store.name == store)).scalar_one())


def _totals(session: UserSession, customer_id: int) -> tuple[int, int, int]:
    """(orders_count, total_spent_cents) kept by the aggregates, and the orders counted independently."""
    with session.workspace.sessions() as s:
        c = s.get_one(Customer, customer_id)
        counted = s.execute(select(func.count()).where(Order.customer_id == customer_id,
                                                       Order.cancelled_at.is_(None))).scalar_one()
        return c.orders_count, c.total_spent_cents, counted


def test_merge_moves_everything_survives_a_sync_and_undo_puts_it_back(
        user_session: UserSession, secrets: SecretStore) -> None:
    us, eu = sample_store(6, name="US"), sample_store(6, name="EU", id_base=5000)
    # The same person, but the stores know them under other emails, phones and a changed last name.
    eu.change("customers", "5002", email="c.marsh@example.net", phone="+49 30 0000 0000", last_name="Marsh")
    with emulator(us, Platform.SHOPIFY) as a, emulator(eu, Platform.WOOCOMMERCE) as b:
        connect(user_session, secrets, a, Platform.SHOPIFY, name="US")
        connect(user_session, secrets, b, Platform.WOOCOMMERCE, name="EU")
        assert run_sync(user_session, secrets)["status"] == "complete"
        _merge_sync_and_undo(user_session, secrets, eu)


def _merge_sync_and_undo(user_session: UserSession, secrets: SecretStore, eu: EmulatedStore) -> None:
    survivor, absorbed = _customer_of(user_session, "US", "1002"), _customer_of(user_session, "EU", "5002")
    assert survivor != absorbed
    profiles = CustomerProfileService(user_session)
    profiles.add_note(absorbed, "Prefers phone calls")
    profiles.set_tags(absorbed, ["wholesale"])
    before = {cid: _totals(user_session, cid) for cid in (survivor, absorbed)}
    directory = CustomerDirectory(user_session)
    listed = directory.count(CustomerQuery())

    merge_id = profiles.merge(survivor, absorbed)

    merged = profiles.profile(survivor)
    assert {(s.store, s.external_id) for s in merged.sources} == {("US", "1002"), ("EU", "5002")}
    assert "c.marsh@example.net" in merged.emails
    assert [n.body for n in merged.notes] == ["Prefers phone calls"]
    assert "wholesale" in {t.name for t in merged.tags}
    assert [(m.id, m.customer_id) for m in merged.merges] == [(merge_id, absorbed)]
    orders, spent, counted = _totals(user_session, survivor)
    assert orders == counted == before[survivor][0] + before[absorbed][0]
    assert spent == before[survivor][1] + before[absorbed][1]
    assert profiles.profile(absorbed).merged_into_id == survivor
    assert directory.count(CustomerQuery()) == listed - 1
    assert absorbed not in {r.id for r in directory.page(CustomerQuery(), 0, 100)}
    assert [c.id for c in CustomerService(user_session).search("Marsh")] == [survivor]
    with pytest.raises(UsageError):
        profiles.merge(absorbed, survivor)  # the absorbed record is no longer a customer of its own

    # The store keeps changing: the sync follows the accounts to the survivor and does not split them.
    eu.change("customers", "5002", first_name="Carla")
    new_order = replace(eu.snapshot("orders")[0], external_id="999001", number="999001",
                        customer_external_id="5002", email="c.marsh@example.net",
                        updated_at=eu.snapshot("orders")[0].updated_at + timedelta(days=400))
    eu.put(new_order)
    assert run_sync(user_session, secrets)["status"] == "complete"
    assert _customer_of(user_session, "EU", "5002") == survivor
    assert _totals(user_session, survivor)[0] == before[survivor][0] + before[absorbed][0] + 1
    assert profiles.profile(survivor).merges[0].id == merge_id

    assert profiles.undo_merge(merge_id) == absorbed

    back, kept = profiles.profile(absorbed), profiles.profile(survivor)
    assert back.merged_into_id is None and not kept.merges
    assert [(s.store, s.external_id) for s in back.sources] == [("EU", "5002")]
    assert [(s.store, s.external_id) for s in kept.sources] == [("US", "1002")]
    assert [n.body for n in back.notes] == ["Prefers phone calls"] and not kept.notes
    assert "wholesale" in {t.name for t in back.tags} and "wholesale" not in {t.name for t in kept.tags}
    assert back.emails[0] == "c.marsh@example.net" and "c.marsh@example.net" not in kept.emails
    assert _totals(user_session, survivor)[:2] == before[survivor][:2]
    assert _totals(user_session, absorbed)[0] == before[absorbed][0] + 1  # with the order synced meanwhile
    assert (kept.first_name, back.first_name) == ("First2", "First2")  # each as it was when merged
    assert directory.count(CustomerQuery()) == listed
    assert {c.id for c in CustomerService(user_session).search("Marsh")} == {absorbed}
    with user_session.workspace.sessions() as s:
        actions = list(s.execute(select(AuditEntry.action).where(AuditEntry.action.like("customer.%merge"))
                                 .order_by(AuditEntry.id)).scalars())
    assert actions == ["customer.merge", "customer.unmerge"]
    with pytest.raises(UsageError):
        profiles.undo_merge(merge_id)
    assert run_sync(user_session, secrets)["status"] == "complete"  # each record regains its store's data
    assert (profiles.profile(survivor).first_name, profiles.profile(absorbed).first_name) == ("First2", "Carla")


def test_merging_needs_a_role_that_looks_after_customers(
        workspace_service: WorkspaceService, user_session: UserSession) -> None:
    profiles = CustomerProfileService(user_session)
    with pytest.raises(UsageError):
        profiles.merge(1, 1)
    UserService(user_session).add("mara", Role.MARKETING, PASSWORD)
    marketer = workspace_service.unlock(user_session.workspace.paths.folder, "mara", PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            CustomerProfileService(marketer).merge(1, 2)
    finally:
        marketer.close()
