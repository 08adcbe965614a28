"""Vendure sync rate: a real Vendure server (as the integration tests start it) filled through its own Admin and
Shop APIs, synced into a fresh encrypted workspace, then changed and synced again.

Reports records per second of the first sync and of the incremental one (fetched records over wall time, the
server's time included) and writes them between the `vendure` markers of benchmarks/RESULTS.md (the rest of the
file is kept). Vendure runs on sql.js here (an in-memory SQLite written to a file), so the server side is slower
than a production Vendure on PostgreSQL would be.

Usage: PYTHONPATH=. .venv/bin/python benchmarks/vendure_benchmark.py [--customers 400] [--orders 300] [--no-write]
(Node 20+ and npm needed; the first run installs Vendure from npm into ~/.cache/ecrm-tests).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import results_file
from keyring.backends.null import Keyring as NullKeyring

from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.stores import StoreService
from ecrm_desktop.services.sync import SyncService
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.storage.keyslots import KdfParams
from tests.vendure_support import ADMIN_PASSWORD, ADMIN_USER, VENDURE_VERSION, VendureStore, vendure_server

SIZES = ("XS", "S", "M", "L")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fill(store: VendureStore, customers: int, orders: int, rng: random.Random) -> dict[str, float]:
    started = time.perf_counter()
    store.setup_channel()
    for p in range(20):
        store.add_product(f"Product {p}", ("Shoes", "Apparel", "Books")[p % 3],
                          [(size, f"P{p}-{size}", 1000 + 100 * p, 10_000) for size in SIZES])
    for c in range(customers):
        store.add_customer(f"First{c}", f"Last{c}", f"customer{c}@example.com", f"+1555{c:06d}", f"City{c % 50}")
        if c % 100 == 99:
            log(f"  {c + 1} customers after {time.perf_counter() - started:.0f} s")
    log(f"  {customers} customers and 20 products after {time.perf_counter() - started:.0f} s")
    place(store, range(orders), customers, rng)
    return {"fill_seconds": round(time.perf_counter() - started, 1)}


def place(store: VendureStore, labels: range, customers: int, rng: random.Random) -> None:
    skus = list(store.ids.variants)
    for n in labels:
        items = [(sku, rng.randint(1, 3)) for sku in rng.sample(skus, rng.randint(1, 3))]
        store.place_order(f"o{n}", f"customer{rng.randrange(customers)}@example.com", items, "Austin")
        if n % 100 == 99:
            log(f"  {n + 1} orders placed")


def sync_once(service: SyncService) -> dict[str, Any]:
    started = time.perf_counter()
    report = service.run().to_json()
    seconds = time.perf_counter() - started
    stats = report["stores"][0]
    if report["status"] != "complete":
        raise SystemExit(f"The Vendure sync did not complete: {report}")
    return {"seconds": round(seconds, 2), "fetched": stats["fetched"], "created": stats["created"],
            "updated": stats["updated"], "records_per_second": round(stats["fetched"] / seconds)}


def run(customers: int, orders: int) -> dict[str, Any]:
    rng = random.Random(5)
    with tempfile.TemporaryDirectory(prefix="ecrm-vendure-bench-") as tmp:
        log("Starting Vendure ...")
        boot = time.perf_counter()
        with vendure_server(Path(tmp) / "vendure") as server:
            result: dict[str, Any] = {"server_start_seconds": round(time.perf_counter() - boot, 1)}
            store = VendureStore(server)
            log(f"Filling it with {customers} customers and {orders} orders through its APIs ...")
            result.update(fill(store, customers, orders, rng))
            workspaces = WorkspaceService(secrets=SecretStore(NullKeyring()),
                                          kdf=KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1))
            session = workspaces.create(Path(tmp) / "ws", "admin", "bench-password-1")
            try:
                secrets = SecretStore(NullKeyring())
                StoreService(session, secrets).add_vendure("Vendure", server.url, ADMIN_USER, ADMIN_PASSWORD)
                log("First sync ...")
                result["first_sync"] = sync_once(SyncService(session, secrets))
                changed = customers // 10
                for c in range(changed):
                    store.update_customer(f"customer{c}@example.com", lastName=f"Changed{c}")
                place(store, range(orders, orders + orders // 10), customers, rng)
                result["changes"] = {"customers": changed, "new_orders": orders // 10}
                log("Incremental sync ...")
                result["incremental_sync"] = sync_once(SyncService(session, secrets))
            finally:
                session.close()
            store.close()
    result.update(customers=customers, orders=orders + orders // 10, products=20, variants=20 * len(SIZES))
    return result


def write_results(r: dict[str, Any]) -> None:
    first, again = r["first_sync"], r["incremental_sync"]
    lines = [
        "## Vendure sync (issue 5): a real Vendure server on loopback",
        "",
        f"`benchmarks/vendure_benchmark.py`: Vendure {VENDURE_VERSION} on sql.js (Node {_node()}), "
        f"{os.cpu_count()} CPUs, {platform.platform()}, {datetime.now(UTC):%Y-%m-%d}. The store holds "
        f"{r['customers']:,} customers, {r['orders']:,} orders and {r['products']} products with "
        f"{r['variants']} variants, filled through Vendure's own Admin and Shop APIs in {r['fill_seconds']} s "
        f"(server start {r['server_start_seconds']} s). Wall time of `SyncService.run`, the server's own time "
        "included; records are those fetched (pages of 100). Other engineers' work shared the 2 cores.",
        "",
        "| sync | fetched | created | updated | seconds | records/s |",
        "|---|---:|---:|---:|---:|---:|",
        f"| first | {first['fetched']:,} | {first['created']:,} | {first['updated']:,} | {first['seconds']} | "
        f"{first['records_per_second']:,} |",
        f"| incremental ({r['changes']['customers']} customers renamed, {r['changes']['new_orders']} new orders) | "
        f"{again['fetched']:,} | {again['created']:,} | {again['updated']:,} | {again['seconds']} | "
        f"{again['records_per_second']:,} |",
        "",
        "The incremental pass fetches more than what changed, by design: Vendure does not stamp an order's "
        "`updatedAt` when it is paid, shipped or refunded, so every pass reads the orders placed in the last 30 days "
        "again, and it lists the products in full because stock levels carry no update time.",
    ]
    results_file.write_section("vendure", lines)


def _node() -> str:
    return subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=400)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--no-write", action="store_true", help="print the figures without touching RESULTS.md")
    args = parser.parse_args()
    result = run(args.customers, args.orders)
    print(json.dumps(result, indent=2))
    if not args.no_write:
        write_results(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
