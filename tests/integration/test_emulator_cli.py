"""`ecrm emulator serve` as a person or a script runs it: a real process serving the demo store on loopback, then
`ecrm stores add` and `ecrm sync` against it, and the workspace ends up holding exactly the demo store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.storage.tables import AbandonedCheckout, CustomerIdentity, Order, OrderLine, Product, Refund
from ecrm_desktop.sync.emulator.demo_records import demo_emulated_store
from tests.integration.test_cli import PASSWORD, ecrm

CUSTOMERS = 400


@contextmanager
def emulator_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`ecrm emulator serve ARGS` in its own process; yields it with the first line it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECRM_")}
    process = subprocess.Popen([sys.executable, "-m", "ecrm_desktop", "emulator", "serve", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               env=env)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first, process.stderr.read() if process.stderr else "no output"
        yield process, first
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def stop(process: subprocess.Popen[str], how: signal.Signals) -> int:
    process.send_signal(how)
    return process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize("platform", [Platform.SHOPIFY, Platform.WOOCOMMERCE])
def test_a_workspace_synced_from_the_emulator_holds_the_demo_store(tmp_path: Path, platform: Platform) -> None:
    ws = tmp_path / "ws"
    assert ecrm("init", workspace=ws, ECRM_PASSWORD=PASSWORD).returncode == 0
    extra = ("--rate-limit", "off") if platform is Platform.SHOPIFY else ()
    with emulator_process("--platform", platform.value, "--port", "0", "--customers", str(CUSTOMERS), "--seed", "5",
                          "--json", *extra) as (process, first):
        served: dict[str, Any] = json.loads(first)
        assert served["platform"] == platform.value and served["url"].startswith("http://127.0.0.1:")
        creds = served["credentials"]
        if platform is Platform.SHOPIFY:
            assert creds == {"token": "shpat_emulator"}
            added = ecrm("stores", "add", "shopify", "--name", "Demo", "--shop-url", served["url"], workspace=ws,
                         ECRM_PASSWORD=PASSWORD, ECRM_STORE_TOKEN=creds["token"])
        else:
            assert creds == {"key": "ck_emulator", "secret": "cs_emulator"}
            added = ecrm("stores", "add", "woocommerce", "--name", "Demo", "--url", served["url"], "--key",
                         creds["key"], workspace=ws, ECRM_PASSWORD=PASSWORD, ECRM_STORE_SECRET=creds["secret"])
        assert added.returncode == 0, added.stderr
        synced = ecrm("sync", "--json", workspace=ws, ECRM_PASSWORD=PASSWORD)
        assert synced.returncode == 0, synced.stderr
        assert stop(process, signal.SIGTERM) == 0

    demo = demo_emulated_store(platform, CUSTOMERS, seed=5)
    assert (served["customers"], served["orders"]) == (len(demo.customers), len(demo.orders))
    report = json.loads(synced.stdout)["stores"][0]
    records = len(demo.customers) + len(demo.orders) + len(demo.products)
    records += len(demo.checkouts) if platform is Platform.SHOPIFY else 0  # WooCommerce has no checkout API
    assert (report["created"] + report["updated"], report["quarantined"], report["errors"]) == (records, 0, [])

    session = WorkspaceService().unlock(ws, "admin", PASSWORD)
    try:
        with session.workspace.sessions() as s:
            def count(what: Any) -> int:
                return int(s.execute(select(func.count()).select_from(what)).scalar_one())

            assert count(CustomerIdentity) == len(demo.customers)
            assert count(Order) == len(demo.orders)
            assert count(OrderLine) == sum(len(o.lines) for o in demo.orders.values())
            assert count(Refund) == sum(len(o.refunds) for o in demo.orders.values())
            assert count(Product) == len(demo.products)
            if platform is Platform.SHOPIFY:
                assert count(AbandonedCheckout) == len(demo.checkouts)
            total = s.execute(select(func.sum(Order.total_cents))).scalar_one()
            assert total == sum(o.total_cents for o in demo.orders.values())
    finally:
        session.close()


def test_serve_prints_how_to_connect_and_stops_cleanly_on_ctrl_c() -> None:
    with emulator_process("--platform", "shopify", "--customers", "50") as (process, first):
        assert "http://127.0.0.1:" in first
        assert process.stdout is not None
        rest = [process.stdout.readline() for _ in range(3)]
        assert any("shpat_emulator" in line for line in rest)
        assert any("ecrm stores add shopify" in line and "--shop-url http://127.0.0.1:" in line for line in rest)
        assert stop(process, signal.SIGINT) == 0


def test_serve_refuses_a_busy_port_and_a_rate_limit_for_woocommerce() -> None:
    with emulator_process("--platform", "woocommerce", "--customers", "50", "--json") as (_, first):
        port = json.loads(first)["url"].rsplit(":", 1)[1]
        busy = ecrm("emulator", "serve", "--platform", "woocommerce", "--customers", "50", "--port", port)
    assert busy.returncode == 1 and "another --port" in busy.stderr and "Traceback" not in busy.stderr
    woo = ecrm("emulator", "serve", "--platform", "woocommerce", "--rate-limit", "10")
    assert woo.returncode == 1 and "Shopify emulator only" in woo.stderr
    unknown = ecrm("emulator", "serve", "--platform", "vendure")
    assert unknown.returncode == 2
