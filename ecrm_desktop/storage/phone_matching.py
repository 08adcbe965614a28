"""Linking a store's new customer to a person already known by phone, only when that is unambiguous.

Email matching lives in `StoreWriter`; a phone is weaker evidence (families and offices share numbers), so a
record is linked by phone only when its email matches nobody, exactly one customer has the same number, that
customer has no account in this store yet, and the last names agree wherever both are known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.records import CustomerRecord
from ecrm_desktop.storage.tables import Customer, CustomerEmail, CustomerIdentity, Store

MIN_DIGITS = 7


def digits(phone: str | None) -> str:
    return re.sub(r"\D", "", phone or "")


def link_by_phone(session: Session, store: Store, records: Iterable[CustomerRecord]) -> int:
    """Add identities for records matched by phone (before `StoreWriter.upsert_customers`); returns how many."""
    linked = 0
    for rec in records:
        number = digits(rec.phone)
        if len(number) < MIN_DIGITS or _known(session, store, rec):
            continue
        candidates = [c for c in session.execute(select(Customer).where(
            Customer.phone.like(f"%{number[-4:]}"), Customer.merged_into_id.is_(None))).scalars()
            if digits(c.phone) == number]
        if len(candidates) != 1:
            continue
        person = candidates[0]
        same_store = session.execute(select(CustomerIdentity.id).where(
            CustomerIdentity.customer_id == person.id, CustomerIdentity.store_id == store.id)).first()
        names_clash = bool(rec.last_name and person.last_name
                           and rec.last_name.strip().lower() != person.last_name.strip().lower())
        if same_store or names_clash:
            continue
        session.add(CustomerIdentity(customer_id=person.id, store_id=store.id, external_id=rec.external_id,
                                     created_at=rec.created_at))
        session.flush()
        linked += 1
    return linked


def _known(session: Session, store: Store, rec: CustomerRecord) -> bool:
    """Already linked in this store, or matched by email (which `StoreWriter` handles)."""
    if session.execute(select(CustomerIdentity.id).where(CustomerIdentity.store_id == store.id,
                                                         CustomerIdentity.external_id == rec.external_id)).first():
        return True
    email = rec.email.strip().lower() if rec.email and rec.email.strip() else None
    return email is not None and session.execute(
        select(CustomerEmail.id).where(CustomerEmail.email == email)).first() is not None
