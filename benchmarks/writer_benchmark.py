"""The storage writers alone: the demo Shopify store's records written page by page (each page its own
transaction, as the sync runner writes them) into an encrypted workspace, then 1,000 orders written again.

Prints one JSON document: records, seconds and records/s per kind. To compare with another version of the writers,
run the same file with that version's `ecrm_desktop` first on PYTHONPATH (it needs `demo_emulated_store`).

Usage: .venv/bin/python benchmarks/writer_benchmark.py [--customers 2000] [--page 50]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.workspace import WorkspaceService
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
    report: dict[str, Any] = {"customers": args.customers, "page": args.page}
    with tempfile.TemporaryDirectory() as folder:
        session = WorkspaceService(kdf=FAST_KDF).create(Path(folder) / "ws", "admin", PASSWORD)
        try:
            with session.workspace.sessions() as s, s.begin():
                store = Store(name=demo.name, platform=Platform.SHOPIFY, url="https://bench.example",
                              currency=demo.currency)
                s.add(store)
                s.flush()
                store_id = store.id
            for kind, records, write in writes:
                started = time.perf_counter()
                for page in pages(records, args.page):
                    with session.workspace.sessions() as s, s.begin():
                        write(s, s.get_one(Store, store_id), page)
                seconds = time.perf_counter() - started
                report[kind] = {"records": len(records), "seconds": round(seconds, 2),
                                "records_per_s": round(len(records) / seconds)}
        finally:
            session.close()
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
