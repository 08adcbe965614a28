"""Merging two customer records by hand, and undoing it.

A merge folds the *absorbed* customer into the *survivor*: store accounts (identities), orders, emails, phones,
addresses, notes, tickets, abandoned checkouts and tags move over, empty fields of the survivor are filled from
the absorbed record, and the absorbed row stays behind, marked `merged_into_id`, hidden from lists and search.
What moved is recorded in `customer_merges.moved_json`, so an undo puts back exactly that, plus the orders that
arrived since for the accounts that move back, and the survivor's own fields as they were. Syncs follow the
identities, so a merge is never undone by one; after an undo, the next sync passes over the customers of the
stores involved again, so each record regains what its own store says now.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import TagSource
from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.storage import aggregates, rollups, search_index
from ecrm_desktop.storage.tables import (
    AbandonedCheckout,
    Address,
    Customer,
    CustomerEmail,
    CustomerIdentity,
    CustomerMerge,
    CustomerPhone,
    CustomerTag,
    Note,
    Order,
    SyncCheckpoint,
    Ticket,
    utcnow,
)

# Tables whose rows belong to one customer through `customer_id` and move with a merge.
MOVABLE: dict[str, Any] = {
    "identities": CustomerIdentity, "orders": Order, "emails": CustomerEmail, "phones": CustomerPhone,
    "addresses": Address, "notes": Note, "tickets": Ticket, "checkouts": AbandonedCheckout,
}
FILLED_FIELDS = ("first_name", "last_name", "email", "phone", "country", "region", "city")


def merge(session: Session, survivor_id: int, absorbed_id: int, user_id: int | None) -> int:
    """Fold `absorbed_id` into `survivor_id` in the caller's transaction; returns the merge's id."""
    if survivor_id == absorbed_id:
        raise UsageError("A customer cannot be merged with themselves.")
    survivor, absorbed = _active(session, survivor_id), _active(session, absorbed_id)
    moved: dict[str, Any] = {"flagged": {
        "emails": list(session.execute(select(CustomerEmail.id).where(
            CustomerEmail.customer_id == absorbed_id, CustomerEmail.is_primary)).scalars()),
        "addresses": list(session.execute(select(Address.id).where(
            Address.customer_id == absorbed_id, Address.is_default)).scalars())}}
    for key, table in MOVABLE.items():
        ids: list[int] = list(session.execute(select(table.id).where(table.customer_id == absorbed_id)).scalars())
        moved[key] = ids
        if ids:
            values: dict[str, Any] = {"customer_id": survivor_id}
            if table is CustomerEmail:
                values["is_primary"] = False
            if table is Address:
                values["is_default"] = False
            session.execute(update(table).where(table.id.in_(ids)).values(**values))
    moved["tags"] = _move_tags(session, survivor_id, absorbed_id)
    moved["survivor_fields"] = {name: getattr(survivor, name) for name in FILLED_FIELDS}
    for name in FILLED_FIELDS:
        if getattr(survivor, name) is None:
            setattr(survivor, name, getattr(absorbed, name))
    survivor.created_at = min(survivor.created_at, absorbed.created_at)
    absorbed.merged_into_id = survivor_id
    record = CustomerMerge(survivor_id=survivor_id, absorbed_id=absorbed_id, user_id=user_id,
                           merged_at=utcnow(), moved_json=json.dumps(moved))
    session.add(record)
    session.flush()
    _summarise(session, survivor_id, absorbed_id)
    return record.id


def undo(session: Session, merge_id: int, user_id: int | None) -> CustomerMerge:
    """Put back what the merge moved, in the caller's transaction; returns the merge record."""
    record = session.get(CustomerMerge, merge_id)
    if record is None:
        raise NotFound(f"There is no merge {merge_id}.")
    if record.undone_at is not None:
        raise UsageError("This merge has already been undone.")
    survivor = _active(session, record.survivor_id)
    absorbed = session.get_one(Customer, record.absorbed_id)
    moved = json.loads(record.moved_json)
    for key, table in MOVABLE.items():
        ids = moved.get(key, [])
        if ids:  # only rows still with the survivor: a later merge or deletion may have taken some
            session.execute(update(table).where(table.id.in_(ids), table.customer_id == survivor.id)
                            .values(customer_id=absorbed.id))
    for key, table, flag in (("emails", CustomerEmail, "is_primary"), ("addresses", Address, "is_default")):
        ids = moved["flagged"][key]
        session.execute(update(table).where(table.id.in_(ids), table.customer_id == absorbed.id)
                        .values(**{flag: True}))
    accounts = [(store_id, external_id) for store_id, external_id in session.execute(
        select(CustomerIdentity.store_id, CustomerIdentity.external_id)
        .where(CustomerIdentity.customer_id == absorbed.id))]
    if accounts:  # orders synced since the merge for the accounts going back
        session.execute(update(Order).where(Order.customer_id == survivor.id, or_(*(
            and_(Order.store_id == s, Order.customer_external_id == e) for s, e in accounts)))
            .values(customer_id=absorbed.id))
    tags = moved.get("tags", {})
    session.execute(delete(CustomerTag).where(CustomerTag.customer_id == survivor.id,
                                              CustomerTag.tag_id.in_(tags.get("added", []))))
    rows = [{"customer_id": absorbed.id, "tag_id": t, "source": TagSource(src)} for t, src in tags.get("absorbed", [])]
    if rows:
        session.execute(insert(CustomerTag).prefix_with("OR IGNORE"), rows)
    for name, value in moved["survivor_fields"].items():
        setattr(survivor, name, value)
    # While merged, one record took both stores' updates of names and addresses; a fresh pass over the
    # customers of both stores gives each record its own store's data again.
    stores = select(CustomerIdentity.store_id).where(CustomerIdentity.customer_id.in_([survivor.id, absorbed.id]))
    session.execute(delete(SyncCheckpoint).where(SyncCheckpoint.resource == "customers",
                                                 SyncCheckpoint.store_id.in_(stores)))
    absorbed.merged_into_id = None
    record.undone_at, record.undone_by_id = utcnow(), user_id
    session.flush()
    _summarise(session, survivor.id, absorbed.id, absorbed_back=True)
    return record


def _active(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"There is no customer {customer_id}.")
    if customer.merged_into_id is not None:
        raise UsageError(f"Customer {customer_id} was merged into customer {customer.merged_into_id}; "
                         "open that one instead.")
    return customer


def _move_tags(session: Session, survivor_id: int, absorbed_id: int) -> dict[str, Any]:
    """Give the survivor the absorbed customer's tags; returns what undo needs to reverse it."""
    theirs = [(t, s) for t, s in session.execute(
        select(CustomerTag.tag_id, CustomerTag.source).where(CustomerTag.customer_id == absorbed_id))]
    mine = set(session.execute(select(CustomerTag.tag_id).where(CustomerTag.customer_id == survivor_id)).scalars())
    added = [t for t, _ in theirs if t not in mine]
    rows = [{"customer_id": survivor_id, "tag_id": t, "source": s} for t, s in theirs if t not in mine]
    if rows:
        session.execute(insert(CustomerTag), rows)
    session.execute(delete(CustomerTag).where(CustomerTag.customer_id == absorbed_id))
    return {"added": added, "absorbed": [[t, s.value] for t, s in theirs]}


def _summarise(session: Session, survivor_id: int, absorbed_id: int, absorbed_back: bool = False) -> None:
    aggregates.refresh_customers(session, [survivor_id, absorbed_id])
    rollups.refresh_customers(session, [survivor_id, absorbed_id])
    search_index.reindex_customers(session, [survivor_id, absorbed_id])
    if not absorbed_back:
        search_index.remove_customers(session, [absorbed_id])

