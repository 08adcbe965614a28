"""Faults on the wire: each one either heals (retries, backoff, throttling) with the same result as a clean
sync, or stops the store's sync with one clear sentence; bad records are quarantined and the rest lands."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.stores import StoreService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import QuarantinedRecord
from ecrm_desktop.sync.emulator.faults import Faults
from ecrm_desktop.sync.emulator.shopify_api import Bucket
from ecrm_desktop.sync.errors import InsecureStoreUrl
from tests.sync_support import FAST, connect, dump, emulator, expected_orders, run_sync, sample_store

PLATFORMS = [Platform.SHOPIFY, Platform.WOOCOMMERCE]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_transient_faults_heal(user_session: UserSession, secrets: SecretStore, platform: Platform) -> None:
    store = sample_store(12)
    faults = Faults(retry_after=0.05, slow_seconds=1.2)  # slower than the client's 1 s timeout
    with emulator(store, platform, faults) as server:
        connect(user_session, secrets, server, platform)
        # one of each, then three in a row (the client makes four attempts)
        faults.inject("ok", "429", "ok", "503", "ok", "reset", "ok", "malformed", "ok", "slow", "ok",
                      "503", "reset", "malformed")
        report = run_sync(user_session, secrets, page_size=4)
        assert not faults.script
    assert report["status"] == "complete", report
    assert dump(user_session)["orders"] == expected_orders(store)


def test_retry_after_is_honoured(user_session: UserSession, secrets: SecretStore) -> None:
    faults = Faults(retry_after=0.4)
    with emulator(sample_store(3), Platform.WOOCOMMERCE, faults) as server:
        connect(user_session, secrets, server, Platform.WOOCOMMERCE)
        faults.inject("429")
        started = time.perf_counter()
        assert run_sync(user_session, secrets)["status"] == "complete"
    assert time.perf_counter() - started >= 0.4


def test_shopify_throttling_waits_for_the_bucket(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(12)
    bucket = Bucket(maximum=500, restore_rate=2000, available=500)  # an orders page costs 402 points
    faults = Faults()
    with emulator(store, Platform.SHOPIFY, faults, bucket) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        faults.inject("ok", "throttle")
        report = run_sync(user_session, secrets)
    assert report["status"] == "complete", report
    assert dump(user_session)["orders"] == expected_orders(store)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_store_that_keeps_failing_fails_with_one_sentence(user_session: UserSession, secrets: SecretStore,
                                                            platform: Platform) -> None:
    faults = Faults()
    with emulator(sample_store(3), platform, faults) as server:
        connect(user_session, secrets, server, platform)
        faults.inject(*["503"] * 10)
        report = run_sync(user_session, secrets)
    assert report["status"] == "failed"
    [error] = report["stores"][0]["errors"]
    assert "answered HTTP 503 4 times in a row" in error and "\n" not in error


@pytest.mark.parametrize("platform", PLATFORMS)
def test_invalid_records_are_quarantined_and_the_rest_of_the_page_lands(
        user_session: UserSession, secrets: SecretStore, platform: Platform) -> None:
    store = sample_store(12)
    bad_customer, bad_order = "1004", sorted(store.orders)[3]
    faults = Faults(corrupt={bad_customer, bad_order})
    with emulator(store, platform, faults) as server:
        connect(user_session, secrets, server, platform)
        report = run_sync(user_session, secrets)
        assert report["status"] == "partial"
        assert report["stores"][0]["quarantined"] == 2
        held = dump(user_session)
        assert {r[0] for r in held["customers"]} == set(store.customers) - {bad_customer}
        assert {r[1] for r in held["orders"]} == set(store.orders) - {bad_order}
        with user_session.workspace.sessions() as s:
            rows = s.execute(select(QuarantinedRecord)).scalars().all()
        assert {(r.resource, r.external_id) for r in rows} == {("customers", bad_customer), ("orders", bad_order)}
        assert all("created" in r.reason and r.payload.startswith("{") for r in rows)

        store.change("customers", bad_customer)  # changed but still unreadable: fetched again, held once
        assert run_sync(user_session, secrets)["stores"][0]["quarantined"] >= 1
        with user_session.workspace.sessions() as s:
            assert len(s.execute(select(QuarantinedRecord)).scalars().all()) == 2

        faults.corrupt.clear()  # the store fixes the records: the next sync takes them and resolves the quarantine
        store.change("customers", bad_customer)
        store.change("orders", bad_order)
        assert run_sync(user_session, secrets)["status"] == "complete"
        with user_session.workspace.sessions() as s:
            assert all(r.resolved_at is not None for r in s.execute(select(QuarantinedRecord)).scalars())
    assert dump(user_session)["orders"] == expected_orders(store)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_repeating_cursor_stops_with_a_clear_error(user_session: UserSession, secrets: SecretStore,
                                                     platform: Platform) -> None:
    faults = Faults()
    with emulator(sample_store(30), platform, faults) as server:
        connect(user_session, secrets, server, platform)
        faults.repeat_cursor = True
        report = run_sync(user_session, secrets, page_size=7)
    assert report["status"] == "failed"
    assert "page it had already given" in report["stores"][0]["errors"][0]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_duplicates_across_pages_and_changes_during_the_sync(user_session: UserSession, secrets: SecretStore,
                                                            platform: Platform) -> None:
    store = sample_store(25)
    changed: list[str] = []

    def shopper_edits(request: int) -> None:
        if request == 4:
            changed.append(store.change("customers", "1001", last_name="Moved").external_id)
            store.change("orders", sorted(store.orders)[0])

    faults = Faults(duplicate_across_pages=True, on_request=shopper_edits)
    with emulator(store, platform, faults) as server:
        connect(user_session, secrets, server, platform)
        assert run_sync(user_session, secrets, page_size=7)["status"] == "complete"
        faults.on_request = None
        assert run_sync(user_session, secrets)["status"] == "complete"
    held = dump(user_session)
    assert changed and held["orders"] == expected_orders(store)
    assert len(held["customers"]) == 25
    assert any(r[0] == "1001" and r[3] == "Moved" for r in held["customers"])


def test_plain_http_is_refused_for_real_stores(user_session: UserSession, secrets: SecretStore) -> None:
    with pytest.raises(InsecureStoreUrl):
        StoreService(user_session, secrets).add_shopify("Shop", "http://shop.example.com", "token")


@pytest.mark.parametrize("platform", PLATFORMS)
def test_wrong_credentials_fail_clearly(user_session: UserSession, secrets: SecretStore, platform: Platform) -> None:
    store = sample_store(1)
    with emulator(store, platform) as server:
        service = StoreService(user_session, secrets, FAST)
        with pytest.raises(Exception, match="refused the credentials") as caught:
            if platform is Platform.SHOPIFY:
                service.add_shopify("S", server.url, "shpat_wrong")
            else:
                service.add_woocommerce("W", server.url, store.key, "cs_wrong")
    assert "wrong" not in str(caught.value)
