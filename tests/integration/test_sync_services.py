"""The store and sync services: where secrets go, what `stores list` and `sync --json` say, what is recorded,
and identity matching across two stores."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from keyring.backends.fail import Keyring as NoKeyring
from sqlalchemy import func, select

from ecrm_desktop.domain.enums import Platform, Role
from ecrm_desktop.domain.errors import EcrmError, NotFound, PermissionDenied
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.stores import NO_KEYRING_NOTICE, StoreService
from ecrm_desktop.services.sync import SyncService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import AuditEntry, Customer, CustomerIdentity, Setting, Store, SyncRun
from ecrm_desktop.sync.errors import MissingScopes
from tests.conftest import MemoryKeyring
from tests.sync_support import FAST, connect, emulator, run_sync, sample_store


def test_secret_goes_to_the_keyring_and_never_to_the_stores_table(
        user_session: UserSession, secrets: SecretStore, memory_keyring: MemoryKeyring) -> None:
    store = sample_store(2)
    with emulator(store, Platform.SHOPIFY) as server:
        info = connect(user_session, secrets, server, Platform.SHOPIFY)
    assert info.secret_location == "keyring" and info.notices == () and info.currency == "USD"
    assert store.token in memory_keyring.secrets.values()
    with user_session.workspace.sessions() as s:
        row = s.execute(select(Store)).scalar_one()
        assert store.token not in row.settings_json
        assert s.execute(select(func.count()).select_from(Setting).where(Setting.key.like("store-secret%"))
                         ).scalar_one() == 0
        assert s.execute(select(AuditEntry.action).order_by(AuditEntry.id.desc())).scalars().first() == "store.add"


def test_without_a_keyring_the_secret_goes_to_the_encrypted_database_and_says_so(user_session: UserSession) -> None:
    store = sample_store(3)
    no_keyring = SecretStore(NoKeyring())
    with emulator(store, Platform.WOOCOMMERCE) as server:
        info = connect(user_session, no_keyring, server, Platform.WOOCOMMERCE)
        assert info.secret_location == "database" and info.notices == (NO_KEYRING_NOTICE,)
        assert run_sync(user_session, no_keyring)["status"] == "complete"


def test_missing_scopes_are_named(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(1)
    store.scopes = ("read_customers", "read_orders")
    with emulator(store, Platform.SHOPIFY) as server, pytest.raises(MissingScopes) as caught:
        connect(user_session, secrets, server, Platform.SHOPIFY)
    assert caught.value.missing == ["read_all_orders", "read_products"]
    assert "read_all_orders" in str(caught.value)


def test_only_administrators_connect_stores(user_session: UserSession, secrets: SecretStore) -> None:
    with pytest.raises(PermissionDenied):
        StoreService(replace(user_session, role=Role.SALES), secrets).add_shopify("S", "https://s.example", "t")


def test_sync_report_runs_and_store_list(user_session: UserSession, secrets: SecretStore) -> None:
    with pytest.raises(EcrmError, match="No store is connected"):
        SyncService(user_session, secrets, FAST).run()
    store = sample_store(5)
    seen: list[str] = []
    with emulator(store, Platform.SHOPIFY) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        with pytest.raises(NotFound):
            SyncService(user_session, secrets, FAST).run(store_name="Nope")
        report = SyncService(user_session, secrets, FAST).run("Emulated Shop", progress=lambda p: seen.append(
            p.resource))
    doc = report.to_json()
    assert set(doc) == {"status", "stores", "seconds"} and doc["status"] == "complete" and report.exit_code == 0
    assert set(doc["stores"][0]) == {"name", "platform", "fetched", "created", "updated", "quarantined",
                                     "errors", "deleted"}
    assert json.loads(json.dumps(doc)) == doc
    assert seen[0] == "products" and "checkouts" in seen
    [listed] = StoreService(user_session, secrets).list()
    assert listed.last_status == "complete" and listed.last_sync_at is not None
    with user_session.workspace.sessions() as s:
        run = s.execute(select(SyncRun)).scalar_one()
        assert (run.status, run.created, json.loads(run.errors_json)) == ("complete", doc["stores"][0]["created"], [])
        detail = s.execute(select(AuditEntry.detail_json).where(AuditEntry.action == "store.sync")).scalar_one()
        assert json.loads(detail)["status"] == "complete"


def test_cancel_stops_between_pages_and_the_next_sync_resumes(user_session: UserSession,
                                                              secrets: SecretStore) -> None:
    store = sample_store(8)
    with emulator(store, Platform.WOOCOMMERCE) as server:
        connect(user_session, secrets, server, Platform.WOOCOMMERCE)
        report = SyncService(user_session, secrets, FAST).run(should_cancel=_after(2))
        assert report.status == "partial" and "cancelled" in report.stores[0].errors[0]
        assert run_sync(user_session, secrets)["status"] == "complete"


def _after(calls: int):  # type: ignore[no-untyped-def]
    count = iter(range(10**6))
    return lambda: next(count) >= calls


def test_the_same_person_in_two_stores_is_one_customer_and_strangers_stay_apart(
        user_session: UserSession, secrets: SecretStore) -> None:
    us = sample_store(4, name="US")
    eu = sample_store(4, name="EU", id_base=5000)
    eu.change("customers", "5001", email="other-address@example.com")  # same phone and name as shopper1: linked
    eu.change("customers", "5002", email="stranger@example.com", last_name="Else")  # same phone, other name
    with emulator(us, Platform.SHOPIFY) as a, emulator(eu, Platform.WOOCOMMERCE) as b:
        connect(user_session, secrets, a, Platform.SHOPIFY, name="US")
        connect(user_session, secrets, b, Platform.WOOCOMMERCE, name="EU")
        assert run_sync(user_session, secrets)["status"] == "complete"
    with user_session.workspace.sessions() as s:
        people = s.execute(select(Customer.id, func.count(CustomerIdentity.id)).join(CustomerIdentity)
                           .group_by(Customer.id)).all()
    # shopper0 and shopper3 by email, shopper1 by phone; the stranger sharing shopper2's phone stays apart
    assert sorted(n for _, n in people) == [1, 1, 2, 2, 2]
