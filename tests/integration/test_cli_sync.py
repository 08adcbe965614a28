"""`ecrm stores` and `ecrm sync` as a scheduler runs them, against the store emulator on loopback."""

from __future__ import annotations

import json
from pathlib import Path

from ecrm_desktop.domain.enums import Platform
from tests.integration.test_cli import PASSWORD, ecrm
from tests.sync_support import emulator, sample_store


def test_connect_two_stores_and_sync_them(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert ecrm("init", workspace=ws, ECRM_PASSWORD=PASSWORD).returncode == 0
    shop = sample_store(customers=12, name="US shop")
    woo = sample_store(customers=8, seed=3, currency="EUR", name="EU shop", id_base=5000)
    with emulator(shop, Platform.SHOPIFY) as s_srv, emulator(woo, Platform.WOOCOMMERCE) as w_srv:
        added = ecrm("stores", "add", "shopify", "--name", "US shop", "--shop-url", s_srv.url, workspace=ws,
                     ECRM_PASSWORD=PASSWORD, ECRM_STORE_TOKEN=shop.token)
        assert added.returncode == 0, added.stderr
        added = ecrm("stores", "add", "woocommerce", "--name", "EU shop", "--url", w_srv.url, "--key", woo.key,
                     workspace=ws, ECRM_PASSWORD=PASSWORD, ECRM_STORE_SECRET=woo.secret)
        assert added.returncode == 0, added.stderr

        first = ecrm("sync", "--json", workspace=ws, ECRM_PASSWORD=PASSWORD)
        assert first.returncode == 0, first.stderr
        report = json.loads(first.stdout)
        assert report["status"] == "complete"
        by_name = {s["name"]: s for s in report["stores"]}
        assert by_name["US shop"]["platform"] == "shopify" and by_name["EU shop"]["platform"] == "woocommerce"
        assert by_name["US shop"]["created"] > 0 and by_name["EU shop"]["errors"] == []

        again = json.loads(ecrm("sync", "--store", "US shop", "--json", workspace=ws,
                                ECRM_PASSWORD=PASSWORD).stdout)
        assert [s["name"] for s in again["stores"]] == ["US shop"] and again["stores"][0]["created"] == 0

    listed = json.loads(ecrm("stores", "list", "--json", workspace=ws, ECRM_PASSWORD=PASSWORD).stdout)
    assert {(s["name"], s["last_status"]) for s in listed} == {("US shop", "complete"), ("EU shop", "complete")}
    found = json.loads(ecrm("customers", "search", "shopper3", "--json", workspace=ws, ECRM_PASSWORD=PASSWORD).stdout)
    assert found and found[0]["email"] == "shopper3@example.com"


def test_bad_token_and_insecure_url_are_refused(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert ecrm("init", workspace=ws, ECRM_PASSWORD=PASSWORD).returncode == 0
    shop = sample_store(customers=2)
    with emulator(shop, Platform.SHOPIFY) as srv:
        wrong = ecrm("stores", "add", "shopify", "--name", "S", "--shop-url", srv.url, workspace=ws,
                     ECRM_PASSWORD=PASSWORD, ECRM_STORE_TOKEN="shpat_wrong")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr and "shpat_wrong" not in wrong.stderr
    insecure = ecrm("stores", "add", "shopify", "--name", "S", "--shop-url", "http://shop.example.com",
                    workspace=ws, ECRM_PASSWORD=PASSWORD, ECRM_STORE_TOKEN="x")
    assert insecure.returncode == 2 and "https" in insecure.stderr.lower()
    nothing = ecrm("sync", workspace=ws, ECRM_PASSWORD=PASSWORD)
    assert nothing.returncode == 1 and "store" in nothing.stderr
