"""A small store for screen tests: customers with orders (lines, shipments, refunds), written by StoreWriter,
and task runners that run jobs inline or on demand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecrm_desktop.domain.enums import ShipmentStatus
from ecrm_desktop.domain.records import FulfillmentRecord, LineRecord, RefundLineRecord, RefundRecord
from ecrm_desktop.presenters.tasks import TaskState
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.store_writer import StoreWriter
from tests.factories import T0, customer, make_store, order

SURNAMES = ("Lovelace", "Hopper", "Turing", "Noether", "Curie", "Meitner", "Franklin", "Goodall")
CUSTOMERS = 40


def fill_small_store(session: UserSession) -> None:
    """CUSTOMERS customers; customer i has i % 5 orders of i dollars each; order numbers #1001…"""
    with session.workspace.sessions() as s, s.begin():
        writer = StoreWriter(s, make_store(s))
        writer.upsert_customers(customer(f"c-{i}", f"person{i}@example.com", f"Name{i}", SURNAMES[i % 8])
                                for i in range(CUSTOMERS))
        n = 0
        records = []
        for i in range(CUSTOMERS):
            for k in range(i % 5):
                n += 1
                line = LineRecord(f"l-{n}", f"Widget {n}", 1, 100 * (i + 1))
                shipped = (FulfillmentRecord(f"f-{n}", ShipmentStatus.IN_TRANSIT, "DHL", f"TRK{n}",
                                             shipped_at=T0),) if k == 0 else ()
                refunds = (RefundRecord(f"r-{n}", T0, 50, "damaged", lines=(RefundLineRecord(f"l-{n}", 1, 50),)),
                           ) if k == 1 else ()
                records.append(order(f"o-{n}", f"c-{i}", n, (line,), fulfillments=shipped, refunds=refunds))
        writer.upsert_orders(records)


class InlineRunner:
    """Runs each job at once on the calling thread (presenter tests need no event loop)."""

    def submit(self, job: Callable[[TaskState], Any], done: Callable[[Any], None], label: str = "",
               progress: Callable[[int, int], None] | None = None) -> TaskState:
        state = TaskState(progress)
        result = job(state)
        if not state.cancelled():
            done(result)
        return state


class QueuedRunner:
    """Keeps jobs until `run_all()`, so tests can see what is superseded before it runs."""

    def __init__(self) -> None:
        self.queue: list[tuple[Callable[[TaskState], Any], Callable[[Any], None], TaskState]] = []
        self.ran = 0

    def submit(self, job: Callable[[TaskState], Any], done: Callable[[Any], None], label: str = "",
               progress: Callable[[int, int], None] | None = None) -> TaskState:
        state = TaskState(progress)
        self.queue.append((job, done, state))
        return state

    def run_all(self) -> None:
        while self.queue:
            job, done, state = self.queue.pop(0)
            if state.cancelled():
                continue
            self.ran += 1
            result = job(state)
            if not state.cancelled():
                done(result)
