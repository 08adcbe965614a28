"""WooCommerce customers cannot be filtered by date: between full listings (due every `full_customers_every`, or
on every sync of a store with few customers) a sync reads only the customers registered since the last one and
those whose orders changed; a profile edited without an order arrives with the next full listing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.records import CustomerRecord
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.sync import runner
from ecrm_desktop.sync.emulator.emulated_store import now
from ecrm_desktop.sync.pages import Resource
from tests.sync_support import connect, dump, emulator, run_sync, sample_store

QUICK = {"page_size": 10, "full_customers_below": 0}


def _first_names(session: UserSession) -> dict[str, str]:
    return {r[0]: r[2] for r in dump(session)["customers"]}


def test_between_full_listings_new_customers_and_buyers_are_read(user_session: UserSession,
                                                                 secrets: SecretStore) -> None:
    store = sample_store(30)
    buyer = next(str(o.customer_external_id) for o in store.snapshot("orders"))
    quiet = next(c.external_id for c in store.snapshot("customers") if c.external_id != buyer)
    with emulator(store, Platform.WOOCOMMERCE) as server:
        connect(user_session, secrets, server, Platform.WOOCOMMERCE)
        assert run_sync(user_session, secrets, **QUICK)["status"] == "complete"
        store.put(CustomerRecord(external_id="1999", created_at=now(), updated_at=now(), first_name="New",
                                 last_name="Comer", email="new@example.com"))
        store.change("customers", buyer, first_name="Buyer")
        store.change("orders", next(o.external_id for o in store.snapshot("orders")
                                    if o.customer_external_id == buyer))
        store.change("customers", quiet, first_name="Quiet")  # a profile edit without an order

        assert run_sync(user_session, secrets, **QUICK)["stores"][0]["errors"] == []
        names = _first_names(user_session)
        assert (names["1999"], names[buyer]) == ("New", "Buyer") and names[quiet] != "Quiet"

        assert run_sync(user_session, secrets, **QUICK, full_customers_every=timedelta(0))["status"] == "complete"
        assert _first_names(user_session)[quiet] == "Quiet"
        assert len(_first_names(user_session)) == 31


def test_a_small_store_is_listed_whole_on_every_sync(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(8)
    with emulator(store, Platform.WOOCOMMERCE) as server:
        connect(user_session, secrets, server, Platform.WOOCOMMERCE)
        assert run_sync(user_session, secrets)["status"] == "complete"
        quiet = store.snapshot("customers")[3].external_id
        store.change("customers", quiet, first_name="Quiet")
        assert run_sync(user_session, secrets)["status"] == "complete"
        assert _first_names(user_session)[quiet] == "Quiet"


def test_a_quick_pass_stopped_half_way_is_done_again(user_session: UserSession, secrets: SecretStore,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store = sample_store(10)
    with emulator(store, Platform.WOOCOMMERCE) as server:
        connect(user_session, secrets, server, Platform.WOOCOMMERCE)
        assert run_sync(user_session, secrets, **QUICK)["status"] == "complete"
        store.put(*(CustomerRecord(external_id=str(2000 + i), created_at=now(), updated_at=now(),
                                   first_name=f"New{i}", email=f"new{i}@example.com") for i in range(15)))
        real_upsert = runner._upsert
        customer_pages = 0

        def crash_on_the_second_customers_page(*args: Any) -> tuple[int, int]:
            nonlocal customer_pages
            result = real_upsert(*args)
            if args[2] is Resource.CUSTOMERS:
                customer_pages += 1
                if customer_pages == 2:
                    raise RuntimeError("power cut")
            return result

        monkeypatch.setattr(runner, "_upsert", crash_on_the_second_customers_page)
        assert run_sync(user_session, secrets, **QUICK)["status"] == "failed"
        assert 10 < len(_first_names(user_session)) < 25  # the first page (10 new customers) landed
        monkeypatch.undo()
        assert run_sync(user_session, secrets, **QUICK)["status"] == "complete"
    assert {f"{2000 + i}" for i in range(15)} <= set(_first_names(user_session))
