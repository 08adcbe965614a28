"""What a CSV import reads before it writes: the store it writes as, and what already stands for the
customers and orders a batch of rows refers to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import ConsentState, Platform, TagSource
from ecrm_desktop.storage.batch import chunks
from ecrm_desktop.storage.settings import reporting_currency
from ecrm_desktop.storage.tables import Customer, CustomerTag, Order, Store, Tag

IMPORT_STORE = "CSV import"


@dataclass(frozen=True)
class HeldCustomer:
    """The store-owned fields of a customer that an import leaves alone when the file has no column for them."""

    first_name: str | None
    last_name: str | None
    phone: str | None
    email_consent: ConsentState
    email_consent_at: datetime | None
    email_consent_source: str | None
    store_tags: tuple[str, ...]


def import_store(session: Session) -> Store:
    """The store imported records belong to, created on first use in the workspace's reporting currency."""
    store = session.execute(select(Store).where(Store.name == IMPORT_STORE, Store.platform == Platform.CSV)).scalar()
    if store is None:
        store = Store(name=IMPORT_STORE, platform=Platform.CSV, currency=reporting_currency(session))
        session.add(store)
        session.flush()
    return store


def held_customers(session: Session, ids: Iterable[int]) -> dict[int, HeldCustomer]:
    wanted = sorted(set(ids))
    tags: dict[int, list[str]] = {}
    rows: list[Any] = []
    for chunk in chunks(wanted):
        rows += session.execute(select(Customer.id, Customer.first_name, Customer.last_name, Customer.phone,
                                       Customer.email_consent, Customer.email_consent_at,
                                       Customer.email_consent_source).where(Customer.id.in_(chunk))).all()
        for cid, name in session.execute(select(CustomerTag.customer_id, Tag.name).join(Tag).where(
                CustomerTag.customer_id.in_(chunk), CustomerTag.source == TagSource.STORE)):
            tags.setdefault(cid, []).append(name)
    return {cid: HeldCustomer(first, last, phone, consent, consent_at, source, tuple(sorted(tags.get(cid, ()))))
            for cid, first, last, phone, consent, consent_at, source in rows}


def order_ids(session: Session, store_id: int, external_ids: Iterable[str]) -> dict[str, int]:
    """Ids of this store's orders with these external ids (those that exist)."""
    out: dict[str, int] = {}
    for chunk in chunks(sorted(set(external_ids))):
        out.update((ext, oid) for oid, ext in session.execute(
            select(Order.id, Order.external_id).where(Order.store_id == store_id, Order.external_id.in_(chunk))))
    return out
