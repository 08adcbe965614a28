"""The storage writers alone: the demo Shopify store's records written page by page (each page its own
transaction, as the sync runner writes them) into an encrypted workspace, then 1,000 orders written again.

Prints one JSON document: records, seconds and records/s per kind, and the median and 90th percentile of a page's
milliseconds. To compare with another version of the writers, run the same file with that version's
`ecrm_desktop` first on PYTHONPATH (it needs `demo_emulated_store`).

With `--workspace COPY` the store is written as a second store into an existing workspace (a throwaway copy of a
big one: it is changed), so a page pays what it pays at that size (indexes, rollups), and the figures go to the
writer section of benchmarks/RESULTS.md. The order updates are written a second time with the rollup upkeep
(`rollups.Change`) switched off, which gives its share of a page.

Usage: .venv/bin/python benchmarks/writer_benchmark.py [--customers 2000] [--page 50] [--workspace COPY]
       (ECRM_PASSWORD=... for the workspace)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest.mock import patch

import results_file

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage import rollups
from ecrm_desktop.storage.catalogue_writer import CatalogueWriter
from ecrm_desktop.storage.keyslots import KdfParams
from ecrm_desktop.storage.phone_matching import link_by_phone
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import Store
from ecrm_desktop.sync.emulator.demo_records import demo_emulated_store

PASSWORD = "benchmark-workspace-password"  # of a throwaway workspace
FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)


def pages(records: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(records), size):
        yield records[start:start + size]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=2_000, help="customers of the demo (both stores)")
    parser.add_argument("--page", type=int, default=50, help="records per transaction")
    parser.add_argument("--workspace", type=Path, help="write into this existing workspace (a copy: it is changed)")
    args = parser.parse_args()
    demo = demo_emulated_store(Platform.SHOPIFY, args.customers)
    orders = sorted(demo.orders.values(), key=lambda o: (o.updated_at, o.external_id))
    writes: list[tuple[str, Sequence[Any], Callable[[Any, Store, Sequence[Any]], Any]]] = [
        ("products", list(demo.products.values()), lambda s, st, p: CatalogueWriter(s, st).upsert_products(p)),
        ("customers", list(demo.customers.values()),
         lambda s, st, p: (link_by_phone(s, st, p), StoreWriter(s, st).upsert_customers(p))),
        ("orders", orders, lambda s, st, p: StoreWriter(s, st).upsert_orders(p)),
        ("checkouts", list(demo.checkouts.values()), lambda s, st, p: CatalogueWriter(s, st).upsert_checkouts(p)),
        ("order updates", [replace(o, total_cents=o.total_cents + 1) for o in orders[:1000]],
         lambda s, st, p: StoreWriter(s, st).upsert_orders(p)),
    ]
    writes.append(("order updates, rollup upkeep off", writes[-1][1], writes[-1][2]))
    report: dict[str, Any] = {"demo_customers": args.customers, "page": args.page}
    with tempfile.TemporaryDirectory() as folder:
        if args.workspace is not None:
            session = WorkspaceService().unlock(args.workspace, os.environ.get("ECRM_USER", "admin"),
                                                os.environ["ECRM_PASSWORD"])
            report["workspace"] = str(args.workspace)
        else:
            session = WorkspaceService(kdf=FAST_KDF).create(Path(folder) / "ws", "admin", PASSWORD)
        try:
            write_all(session, demo.name, demo.currency, writes, args.page, report)
        finally:
            session.close()
    print(json.dumps(report, indent=2))
    if args.workspace is not None:
        write_results(report)
    return 0


def write_results(report: dict[str, Any]) -> None:
    """The section of RESULTS.md for a run into a big workspace (between its markers; the rest is kept)."""
    kinds = [k for k, v in report.items() if isinstance(v, dict)]
    lines = ["## Store writer pages in a big workspace, with the dashboard's rollups kept current", "",
             f"`benchmarks/writer_benchmark.py --customers {report['demo_customers']} --page {report['page']} "
             f"--workspace COPY` on a copy of `{report['workspace']}`, {os.cpu_count()} cores, "
             f"{time.strftime('%Y-%m-%d')}; other engineers' work ran on the machine at the same time. The demo "
             "Shopify store is written as a second store, one transaction per page as the sync runner writes, "
             "then 1,000 of its orders are changed and written again, once more with the rollup upkeep "
             "(`rollups.Change`) switched off: the difference between those two rows is what keeping the "
             "rollups current costs a page.", "",
             "| records | count | seconds | records/s | page ms, median | page ms, 90th percentile |",
             "|---|---:|---:|---:|---:|---:|"]
    lines += [f"| {k} | {report[k]['records']:,} | {report[k]['seconds']} | {report[k]['records_per_s']:,} | "
              f"{report[k]['page_ms_median']} | {report[k]['page_ms_p90']} |" for k in kinds]
    results_file.write_section("writer", lines)


def write_all(session: UserSession, name: str, currency: str,
              writes: list[tuple[str, Sequence[Any], Callable[[Any, Store, Sequence[Any]], Any]]], page: int,
              report: dict[str, Any]) -> None:
    """Write each kind page by page, one transaction per page, timing every page."""
    with session.workspace.sessions() as s, s.begin():
        store = Store(name=f"{name} {time.time_ns()}", platform=Platform.SHOPIFY, url="https://bench.example",
                      currency=currency)
        s.add(store)
        s.flush()
        store_id = store.id
    for kind, records, write in writes:
        pages_ms = []
        started = time.perf_counter()
        with ExitStack() as upkeep:
            if kind.endswith("upkeep off"):
                for method in ("take_orders", "refresh_customers", "apply"):
                    upkeep.enter_context(patch.object(rollups.Change, method, lambda *_a, **_k: None))
            for chunk in pages(records, page):
                began = time.perf_counter()
                with session.workspace.sessions() as s, s.begin():
                    write(s, s.get_one(Store, store_id), chunk)
                pages_ms.append((time.perf_counter() - began) * 1000)
        seconds = time.perf_counter() - started
        report[kind] = {"records": len(records), "seconds": round(seconds, 2),
                        "records_per_s": round(len(records) / seconds),
                        "page_ms_median": round(statistics.median(pages_ms), 1),
                        "page_ms_p90": round(statistics.quantiles(pages_ms, n=10)[-1], 1) if len(pages_ms) > 1
                        else round(pages_ms[0], 1)}


if __name__ == "__main__":
    raise SystemExit(main())
