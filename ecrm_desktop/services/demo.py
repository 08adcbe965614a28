"""Filling an empty workspace with the demo store ("try ecrm with a demo store", `ecrm demo`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.zones import workspace_zone
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit, rollups
from ecrm_desktop.storage.bulk_load import Prepared, bulk_loader
from ecrm_desktop.storage.tables import Customer, Store
from ecrm_desktop.sync.emulator.demo_store import BLOCK, DemoChunk, DemoStore
from ecrm_desktop.sync.emulator.stores import STORES

CHUNK_CUSTOMERS = 200_000  # at most per transaction: big ones commit fewer times; small demos use tenths


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    orders: int
    tickets: int
    seconds: float


def fill_demo(session: UserSession, customers: int, seed: int = 1,
              progress: Callable[[int, int], None] | None = None,
              should_cancel: Callable[[], bool] | None = None) -> DemoSummary:
    """Fill the (customer-free) workspace with a generated demo store of `customers` customers.

    Each chunk of customers commits in one transaction with everything that belongs to them, so cancelling
    (checked between chunks) or a crash leaves whole customers only. `progress(done, total)` follows each
    chunk. The first transaction also writes the stores, catalogue and an audit entry. While a chunk commits
    (the database encrypting and writing its pages, without holding Python's lock), a worker thread already
    generates the next one. The loader computes the dashboard's rollups from the generated columns as it goes."""
    require(session, Operation.MANAGE_STORES)
    started = time.perf_counter()
    demo = DemoStore(customers, seed)
    chunks = demo.chunks(min(CHUNK_CUSTOMERS, max(BLOCK, customers // 5)))
    done = orders = tickets = 0
    with session.workspace.engine.connect() as conn:
        with Session(bind=conn) as orm, conn.begin():
            _check_empty(orm)
            zone = rollups.present_zone_name(orm)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo") as worker, \
                bulk_loader(conn, given_ids={"users": [session.user_id]},
                            rollups_zone=workspace_zone(zone)) as loader:
            setup = loader.prepare(demo.setup())

            def next_chunk() -> tuple[DemoChunk, list[Prepared]] | None:
                chunk = next(chunks, None)
                return None if chunk is None else (chunk, [loader.prepare(b) for b in chunk.blocks])

            upcoming = worker.submit(next_chunk)
            while not (should_cancel is not None and should_cancel()):
                ready = upcoming.result()
                if ready is None:
                    break
                chunk, blocks = ready
                with Session(bind=conn) as orm, conn.begin():
                    if done == 0:
                        loader.write(setup)
                        audit.append(orm, session.user_name, "demo.fill", customers=customers, seed=seed)
                    for block in blocks:
                        loader.write(block)
                    upcoming = worker.submit(next_chunk)  # runs while this transaction commits
                done, orders, tickets = done + chunk.customers, orders + chunk.orders, tickets + chunk.tickets
                if progress is not None:
                    progress(done, customers)
            with Session(bind=conn) as orm, conn.begin():
                loader.write_rollups()  # the store-wide sums of every chunk
                rollups.mark_built(orm, zone)
    return DemoSummary(customers=done, orders=orders, tickets=tickets, seconds=time.perf_counter() - started)


def _check_empty(orm: Session) -> None:
    if orm.execute(select(func.count()).select_from(Customer)).scalar_one():
        raise EcrmError("This workspace already holds customers; the demo fills only an empty workspace.")
    taken = orm.execute(select(Store.name).where(Store.name.in_([s.name for s in STORES]))).scalars().first()
    if taken is not None:
        raise EcrmError(f"This workspace already has a store named {taken!r}; the demo fills only an empty "
                        "workspace.")
