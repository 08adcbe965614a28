"""The sync runner: for each resource of one store, fetch pages and write each one in its own transaction
together with its quarantined records and the checkpoint that follows it, so a crash at any instant resumes
where the last committed page ended, with nothing lost and nothing doubled.

Every `reconcile_every` (the connector's) the ids the store still holds are compared with those held
here, and what the store deleted (or anonymised away) is applied by `storage.deletions`, a batch per transaction,
the last one with the checkpoint that records the reconciliation; a crash in between just repeats it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ecrm_desktop.domain.catalogue import CheckoutRecord, ProductRecord
from ecrm_desktop.domain.records import CustomerRecord, OrderRecord
from ecrm_desktop.storage import deletions
from ecrm_desktop.storage.catalogue_writer import CatalogueWriter
from ecrm_desktop.storage.phone_matching import link_by_phone
from ecrm_desktop.storage.settings import reporting_currency
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import CurrencyRate, QuarantinedRecord, Store, SyncCheckpoint, utcnow
from ecrm_desktop.sync.pages import RECONCILED, Checkpoint, Connector, Page, Quarantined, Record, Resource

DELETE_BATCH = 500


@dataclass
class SyncCounts:
    fetched: int = 0
    created: int = 0
    updated: int = 0
    quarantined: int = 0
    deleted: int = 0
    cancelled: bool = False


Progress = Callable[[Resource, SyncCounts], None]


class SyncRunner:
    """Syncs one store through its connector; `sessions` makes a new ORM session per page."""

    def __init__(self, sessions: Callable[[], Session], store_id: int, connector: Connector, *,
                 progress: Progress | None = None, should_cancel: Callable[[], bool] | None = None) -> None:
        self.sessions = sessions
        self.store_id = store_id
        self.connector = connector
        self.progress = progress
        self.should_cancel = should_cancel or (lambda: False)
        self.counts = SyncCounts()

    def run(self) -> SyncCounts:
        """Sync every resource once; errors of the connector propagate after the pages already committed."""
        for resource in self.connector.resources:
            if not self._sync_resource(resource):
                self.counts.cancelled = True
                break
        return self.counts

    def _sync_resource(self, resource: Resource) -> bool:
        if self.should_cancel():
            return False
        for page in self.connector.pages(resource, self._checkpoint(resource)):
            self._write_page(resource, page)
            if self.progress is not None:
                self.progress(resource, self.counts)
            if self.should_cancel():
                return False
        if resource in RECONCILED:
            self._reconcile(resource)
        return True

    def _reconcile(self, resource: Resource) -> None:
        """Apply the deletions of `resource` in the store when a reconciliation is due."""
        cp = self._checkpoint(resource)
        now = utcnow()
        every = self.connector.reconcile_every
        if cp.position is not None or cp.since is None or (cp.reconciled is not None and now - cp.reconciled < every):
            return
        remote: list[npt.NDArray[np.int64]] = []
        for ids in self.connector.all_ids(resource):
            remote.append(_numbers(ids))
            if self.should_cancel():
                return
        with self.sessions() as s:
            held = [_numbers(ids) for ids in _HELD[resource](s, self.store_id)]
        missing = [str(i) for i in np.setdiff1d(_joined(held), _joined(remote)).tolist()]
        gone = sorted(set(missing) - self.connector.still_there(resource, missing)) if missing else []
        done = replace(cp, reconciled=now)
        for start in range(0, max(len(gone), 1), DELETE_BATCH):
            batch = gone[start:start + DELETE_BATCH]
            with self.sessions() as s, s.begin():
                self.counts.deleted += _DELETE[resource](s, self.store_id, batch) if batch else 0
                if start + DELETE_BATCH >= len(gone):
                    s.merge(SyncCheckpoint(store_id=self.store_id, resource=resource.value, cursor=done.dumps(),
                                           updated_at=utcnow()))
        if gone and self.progress is not None:
            self.progress(resource, self.counts)

    def _checkpoint(self, resource: Resource) -> Checkpoint:
        with self.sessions() as s:
            return Checkpoint.loads(s.execute(select(SyncCheckpoint.cursor).where(
                SyncCheckpoint.store_id == self.store_id, SyncCheckpoint.resource == resource.value)).scalar())

    def _write_page(self, resource: Resource, page: Page) -> None:
        with self.sessions() as s, s.begin():
            store = s.get_one(Store, self.store_id)
            created, updated = _upsert(s, store, resource, page.records)
            ids = [r.external_id for r in page.records]
            if ids:
                s.execute(update(QuarantinedRecord).where(
                    QuarantinedRecord.store_id == store.id, QuarantinedRecord.resource == resource.value,
                    QuarantinedRecord.external_id.in_(ids), QuarantinedRecord.resolved_at.is_(None))
                    .values(resolved_at=utcnow()))
            for q in page.quarantined:
                _quarantine(s, store.id, resource, q)
            s.merge(SyncCheckpoint(store_id=store.id, resource=resource.value, cursor=page.checkpoint.dumps(),
                                   updated_at=utcnow()))
        c = self.counts
        c.fetched += page.fetched
        c.created += created
        c.updated += updated
        c.quarantined += len(page.quarantined)


def _numbers(ids: Iterable[str]) -> npt.NDArray[np.int64]:
    """Store ids as numbers (both platforms' ids are): 5 million of them take 40 MB, not half a gigabyte as
    strings in a set. An id that is not a number is left out, so it is never taken for deleted."""
    return np.fromiter((int(i) for i in ids if i.isdigit()), dtype=np.int64)


def _joined(parts: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


_HELD: dict[Resource, Callable[[Session, int], Iterator[Sequence[str]]]] = {
    Resource.PRODUCTS: deletions.store_product_ids, Resource.CUSTOMERS: deletions.store_customer_ids,
    Resource.ORDERS: deletions.store_order_ids}
_DELETE: dict[Resource, Callable[[Session, int, Sequence[str]], int]] = {
    Resource.PRODUCTS: deletions.delete_products, Resource.CUSTOMERS: deletions.forget_customers,
    Resource.ORDERS: deletions.delete_orders}


def _quarantine(s: Session, store_id: int, resource: Resource, q: Quarantined) -> None:
    """Hold a bad record; one still held under the same id (or, without an id, the same payload) is updated."""
    same = (QuarantinedRecord.external_id == q.external_id if q.external_id is not None
            else QuarantinedRecord.payload == q.payload)
    held = s.execute(select(QuarantinedRecord).where(
        QuarantinedRecord.store_id == store_id, QuarantinedRecord.resource == resource.value, same,
        QuarantinedRecord.resolved_at.is_(None))).scalars().first()
    if held is None:
        s.add(QuarantinedRecord(store_id=store_id, resource=resource.value, external_id=q.external_id,
                                payload=q.payload, reason=q.reason))
    else:
        held.payload, held.reason = q.payload, q.reason


def _upsert(s: Session, store: Store, resource: Resource, records: Sequence[Record]) -> tuple[int, int]:
    if resource is Resource.CUSTOMERS:
        customers = [r for r in records if isinstance(r, CustomerRecord)]
        link_by_phone(s, store, customers)
        return StoreWriter(s, store, reporting_rate(s, store.currency)).upsert_customers(customers)
    if resource is Resource.ORDERS:
        orders = [r for r in records if isinstance(r, OrderRecord)]
        return StoreWriter(s, store, reporting_rate(s, store.currency)).upsert_orders(orders)
    if resource is Resource.PRODUCTS:
        return CatalogueWriter(s, store).upsert_products(r for r in records if isinstance(r, ProductRecord))
    return CatalogueWriter(s, store).upsert_checkouts(r for r in records if isinstance(r, CheckoutRecord))


def reporting_rate(s: Session, currency: str) -> float:
    """Units of the workspace's reporting currency per unit of `currency` (1.0 when they are the same or
    no rate has been entered yet)."""
    if reporting_currency(s) == currency:
        return 1.0
    rate = s.execute(select(CurrencyRate.rate_to_reporting).where(CurrencyRate.currency == currency)).scalar()
    return rate if rate is not None else 1.0
