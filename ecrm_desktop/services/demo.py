"""Filling an empty workspace with the demo store ("try ecrm with a demo store", `ecrm demo`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.bulk_load import bulk_loader
from ecrm_desktop.storage.tables import Customer, Store
from ecrm_desktop.sync.emulator.demo_store import BLOCK, DemoStore
from ecrm_desktop.sync.emulator.stores import STORES

CHUNK_CUSTOMERS = 100_000  # at most per transaction: big ones commit fewer times; small demos use tenths


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
    chunk. The first transaction also writes the stores, catalogue and an audit entry."""
    started = time.perf_counter()
    demo = DemoStore(customers, seed)
    done = orders = tickets = 0
    with session.workspace.engine.connect() as conn:
        with Session(bind=conn) as orm, conn.begin():
            _check_empty(orm)
        chunks = demo.chunks(min(CHUNK_CUSTOMERS, max(BLOCK, customers // 10)))
        with bulk_loader(conn, given_ids={"users": [session.user_id]}) as loader:
            while not (should_cancel is not None and should_cancel()):
                chunk = next(chunks, None)  # generated only once the caller still wants it
                if chunk is None:
                    break
                with Session(bind=conn) as orm, conn.begin():
                    if done == 0:
                        loader.write(demo.setup())
                        audit.append(orm, session.user_name, "demo.fill", customers=customers, seed=seed)
                    for tables in chunk.blocks:
                        loader.write(tables)
                done, orders, tickets = done + chunk.customers, orders + chunk.orders, tickets + chunk.tickets
                if progress is not None:
                    progress(done, customers)
    return DemoSummary(customers=done, orders=orders, tickets=tickets, seconds=time.perf_counter() - started)


def _check_empty(orm: Session) -> None:
    if orm.execute(select(func.count()).select_from(Customer)).scalar_one():
        raise EcrmError("This workspace already holds customers; the demo fills only an empty workspace.")
    taken = orm.execute(select(Store.name).where(Store.name.in_([s.name for s in STORES]))).scalars().first()
    if taken is not None:
        raise EcrmError(f"This workspace already has a store named {taken!r}; the demo fills only an empty "
                        "workspace.")
