"""Both platforms: a full sync through the emulator lands every record; an incremental sync picks up changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.sync import SyncService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.sync.emulator.emulated_store import now
from tests.sync_support import FAST, connect, dump, emulator, expected_orders, sample_store

PLATFORMS = [Platform.SHOPIFY, Platform.WOOCOMMERCE]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_full_then_incremental_sync(user_session: UserSession, secrets: SecretStore, platform: Platform) -> None:
    store = sample_store(20)
    with emulator(store, platform) as server:
        connect(user_session, secrets, server, platform)
        report = SyncService(user_session, secrets, FAST).run()
        assert report.status == "complete", report.to_json()
        first = dump(user_session)
        assert first["orders"] == expected_orders(store)
        assert len(first["customers"]) == 20
        assert len(first["lines"]) == sum(len(o.lines) for o in store.snapshot("orders"))
        assert all(r[6] is not None and r[7] is not None for r in first["lines"])  # linked to the catalogue
        assert sorted(r[:3] for r in first["refunds"]) == sorted(
            (o.external_id, r.external_id, r.created_at) for o in store.snapshot("orders") for r in o.refunds)
        assert all(r[4] is not None for r in first["refunds"])  # refund lines point at their order lines
        assert len(first["fulfillments"]) == len(store.orders)
        assert {r[0] for r in first["products"]} == {p.external_id for p in store.snapshot("products")}
        checkouts = len(store.checkouts) if platform is Platform.SHOPIFY else 0  # Woo core has no such API
        assert len(first["checkouts"]) == checkouts and all(r[3] for r in first["checkouts"])
        stats = report.to_json()["stores"][0]
        assert stats["created"] == 20 + len(store.orders) + len(store.products) + checkouts

        renamed = store.change("customers", "1003", first_name="Renamed")
        template = store.snapshot("orders")[0]
        store.put(replace(template, external_id="999001", number="999001", updated_at=now(),
                          created_at=now() - timedelta(hours=1)))
        again = SyncService(user_session, secrets, FAST).run().to_json()["stores"][0]
        assert again["errors"] == []
        assert again["created"] == 1
        # the change, plus at most the last-seen record of each resource (the next pass starts at its time)
        assert again["updated"] <= 1 + 4
        after = dump(user_session)
        assert after["orders"] == expected_orders(store)
        assert next(r for r in after["customers"] if r[2] == "Renamed")[:2] == ("1003", renamed.email)
