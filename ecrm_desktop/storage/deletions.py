"""Applying, in the caller's transaction, what a store deleted or anonymised (DESIGN.md, "Who owns which data").

- An order deleted in the store is removed with its lines, shipments and refunds; its customer's aggregates and
  search entry are refreshed, and the dashboard's rollups lose what it contributed.
- A product deleted in the store is removed with its variants (order lines keep their title and price), and
  with its rows of the dashboard's product rollup (lines without a product are not summed there).
- A customer deleted or anonymised in the store loses that store's identity, and that store's orders no longer
  point at them. A customer left with no identity has no order pointing at them any more, loses the store-owned
  personal data (names, emails, phones, addresses, store tags, consent, and hand edits of those) and leaves the
  search index; if ecrm holds data of its own about them (notes, tickets, ecrm tags, customers merged into them)
  the blank record stays, tagged `DELETED_TAG`, otherwise it is removed. A customer who still has an identity in
  another store keeps their details, which that store also owns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, delete, exists, select, update
from sqlalchemy.orm import Session, aliased

from ecrm_desktop.domain.enums import ConsentState, TagSource
from ecrm_desktop.storage import rollups
from ecrm_desktop.storage.aggregates import refresh_customers
from ecrm_desktop.storage.search_index import reindex_customers, remove_customers
from ecrm_desktop.storage.tables import (
    Address,
    Customer,
    CustomerEmail,
    CustomerIdentity,
    CustomerOverride,
    CustomerPhone,
    CustomerTag,
    Note,
    Order,
    Product,
    Tag,
    Ticket,
)

DELETED_TAG = "Deleted in store"


ID_BATCH = 50_000


def store_order_ids(s: Session, store_id: int) -> Iterator[Sequence[str]]:
    """The external ids of the store's orders held here, in batches."""
    return _batches(s, select(Order.external_id).where(Order.store_id == store_id))


def store_product_ids(s: Session, store_id: int) -> Iterator[Sequence[str]]:
    """The external ids of the store's products held here, in batches."""
    return _batches(s, select(Product.external_id).where(Product.store_id == store_id))


def store_customer_ids(s: Session, store_id: int) -> Iterator[Sequence[str]]:
    """The external ids of the store's customer accounts held here, in batches."""
    return _batches(s, select(CustomerIdentity.external_id).where(CustomerIdentity.store_id == store_id))


def _batches(s: Session, query: Select[Any]) -> Iterator[Sequence[str]]:
    return s.execute(query.execution_options(yield_per=ID_BATCH)).scalars().partitions()


def delete_orders(s: Session, store_id: int, external_ids: Sequence[str]) -> int:
    """Remove these orders of the store (their children go with them); how many were removed."""
    rows = s.execute(select(Order.id, Order.customer_id).where(
        Order.store_id == store_id, Order.external_id.in_(external_ids))).all()
    if rows:
        change = rollups.Change(s)
        change.take_orders((r.id for r in rows), -1)
        s.execute(delete(Order).where(Order.id.in_([r.id for r in rows])))
        change.refresh_customers(r.customer_id for r in rows)
        change.apply()
        _refresh(s, {r.customer_id for r in rows if r.customer_id is not None})
    return len(rows)


def delete_products(s: Session, store_id: int, external_ids: Sequence[str]) -> int:
    """Remove these products of the store with their variants; how many were removed."""
    ids = list(s.execute(select(Product.id).where(
        Product.store_id == store_id, Product.external_id.in_(external_ids))).scalars())
    if ids:
        s.execute(delete(Product).where(Product.id.in_(ids)))
        rollups.forget_products(s, ids)
    return len(ids)


def forget_customers(s: Session, store_id: int, external_ids: Sequence[str]) -> int:
    """Apply the store's deletion (or anonymisation) of these customer accounts; how many accounts were held."""
    identities = s.execute(select(CustomerIdentity.id, CustomerIdentity.customer_id).where(
        CustomerIdentity.store_id == store_id, CustomerIdentity.external_id.in_(external_ids))).all()
    if not identities:
        return 0
    s.execute(delete(CustomerIdentity).where(CustomerIdentity.id.in_([i.id for i in identities])))
    customer_ids = {i.customer_id for i in identities}
    still_known = set(s.execute(select(CustomerIdentity.customer_id).where(
        CustomerIdentity.customer_id.in_(customer_ids))).scalars())
    orphans = customer_ids - still_known

    def to_guests() -> None:
        s.execute(update(Order).where(Order.store_id == store_id, Order.customer_external_id.in_(external_ids))
                  .values(customer_id=None))
        if orphans:  # what still points at them does so by an email they no longer have
            s.execute(update(Order).where(Order.customer_id.in_(orphans)).values(customer_id=None))

    rollups.reassign_orders(s, customer_ids, to_guests)  # their orders are guests' now: the store-wide sums stay
    kept = _with_ecrm_data(s, orphans)
    gone = orphans - kept
    if gone:
        remove_customers(s, gone)
        s.execute(delete(Customer).where(Customer.id.in_(gone)))
    _blank(s, kept)
    _refresh(s, customer_ids - gone)
    return len(identities)


def _with_ecrm_data(s: Session, ids: set[int]) -> set[int]:
    """Those of these customers about whom ecrm holds data of its own."""
    if not ids:
        return set()
    c = Customer.id
    merged = aliased(Customer)
    owned = (exists().where(Note.customer_id == c) | exists().where(Ticket.customer_id == c)
             | exists().where(CustomerTag.customer_id == c, CustomerTag.source == TagSource.ECRM)
             | exists().where(merged.merged_into_id == c))
    return set(s.execute(select(c).where(c.in_(ids), owned)).scalars())


def _blank(s: Session, ids: set[int]) -> None:
    """Drop the store-owned personal data of these customers and tag them as deleted in the store."""
    if not ids:
        return
    s.execute(update(Customer).where(Customer.id.in_(ids)).values(
        first_name=None, last_name=None, email=None, phone=None, country=None, region=None, city=None,
        email_consent=ConsentState.NOT_SUBSCRIBED, email_consent_at=None, email_consent_source=None))
    for table in (CustomerEmail, CustomerPhone, Address, CustomerOverride):  # a hand edit of their details too
        s.execute(delete(table).where(table.customer_id.in_(ids)))
    s.execute(delete(CustomerTag).where(CustomerTag.customer_id.in_(ids), CustomerTag.source == TagSource.STORE))
    tag_id = s.execute(select(Tag.id).where(Tag.name == DELETED_TAG)).scalar()
    if tag_id is None:
        tag = Tag(name=DELETED_TAG)
        s.add(tag)
        s.flush()
        tag_id = tag.id
    s.add_all(CustomerTag(customer_id=i, tag_id=tag_id, source=TagSource.STORE) for i in sorted(ids))
    s.flush()


def _refresh(s: Session, ids: set[int]) -> None:
    refresh_customers(s, ids)
    reindex_customers(s, ids)
