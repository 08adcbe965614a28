"""Erasing people, in the caller's transaction (the right to be forgotten, and the retention policy).

`erase_customers` removes everything that names or describes the person (names, emails, phones, addresses,
store accounts, notes, tags, hand edits, abandoned checkouts, consent history, predictions, merges, ticket
requester fields and messages, the search document) and keeps one blank record, tagged `ERASED_TAG`, that their
orders keep pointing at: amounts, dates, products and country stay, so aggregates, rollups and reports stay
right. The orders lose their email, store account, city, card and tracking details. Tombstones
(`storage.tombstones`) of every store account and email the person had make the next sync skip them and file
their orders, anonymised, under the blank record.

`delete_customers` does the same and then removes the blank record too: the orders stay, anonymised, with no
customer (per-customer rollups follow).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, union, update
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import ConsentState, TagSource
from ecrm_desktop.storage import rollups
from ecrm_desktop.storage.batch import chunks
from ecrm_desktop.storage.search_index import reindex_customers, remove_customers
from ecrm_desktop.storage.tables import (
    AbandonedCheckout,
    Address,
    ConsentChange,
    Customer,
    CustomerEmail,
    CustomerIdentity,
    CustomerMerge,
    CustomerOverride,
    CustomerPhone,
    CustomerTag,
    Fulfillment,
    Note,
    Order,
    Refund,
    StoredPrediction,
    Tag,
    Ticket,
    TicketMessage,
)
from ecrm_desktop.storage.tombstones import TombstoneKeys, bury, pepper

ERASED_TAG = "Erased (privacy)"
ERASED_SUBJECT = "[erased]"
PERSONAL_TABLES = (CustomerEmail, CustomerPhone, Address, CustomerOverride, CustomerTag, Note, StoredPrediction,
                   ConsentChange, CustomerIdentity)


@dataclass(frozen=True)
class Erased:
    """What an erasure touched: customers erased, orders anonymised, tickets blanked, tombstones added."""

    customers: int
    orders: int
    tickets: int
    tombstones: int


def with_merged(session: Session, ids: Collection[int]) -> set[int]:
    """These customers and every record merged into them (which hold the same person's data)."""
    found, frontier = set(ids), set(ids)
    while frontier:
        frontier = set(session.execute(select(Customer.id).where(Customer.merged_into_id.in_(frontier))).scalars())
        frontier -= found
        found |= frontier
    return found


def erase_customers(session: Session, ids: Collection[int], reason: str) -> Erased:
    """Erase these customers (see the module), keeping one blank record each for their orders."""
    wanted = sorted(with_merged(session, ids))
    keys = TombstoneKeys(pepper(session))
    tombstones = orders = tickets = 0
    for chunk in chunks(wanted):
        tombstones += bury(session, _tombstones(session, keys, chunk), reason)
        emails = _emails(session, chunk)
        orders += _anonymise_orders(session, chunk)
        tickets += _blank_tickets(session, chunk, emails)
        session.execute(delete(AbandonedCheckout).where(or_(AbandonedCheckout.customer_id.in_(chunk),
                                                            AbandonedCheckout.email.in_(sorted(emails)))))
        for table in PERSONAL_TABLES:
            session.execute(delete(table).where(table.customer_id.in_(chunk)))
        session.execute(delete(CustomerMerge).where(
            or_(CustomerMerge.survivor_id.in_(chunk), CustomerMerge.absorbed_id.in_(chunk))))
        session.execute(update(Customer).where(Customer.id.in_(chunk)).values(
            first_name=None, last_name=None, email=None, phone=None, region=None, city=None,
            email_consent=ConsentState.NOT_SUBSCRIBED, email_consent_at=None, email_consent_source=None))
        tag_id = _erased_tag(session)
        session.add_all(CustomerTag(customer_id=c, tag_id=tag_id, source=TagSource.ECRM) for c in chunk)
        session.flush()
        reindex_customers(session, chunk)
    return Erased(len(wanted), orders, tickets, tombstones)


def delete_customers(session: Session, ids: Collection[int], reason: str) -> Erased:
    """Erase these customers and remove their blank records; their orders stay, anonymised, with no customer."""
    erased = erase_customers(session, ids, reason)
    wanted = sorted(with_merged(session, ids))

    def to_guests() -> None:
        for chunk in chunks(wanted):
            session.execute(update(Order).where(Order.customer_id.in_(chunk)).values(customer_id=None))

    rollups.reassign_orders(session, wanted, to_guests)  # their orders are guests' now: the store-wide sums stay
    for chunk in chunks(wanted):
        remove_customers(session, chunk)
        session.execute(update(Customer).where(Customer.merged_into_id.in_(chunk)).values(merged_into_id=None))
        session.execute(delete(Customer).where(Customer.id.in_(chunk)))
    return erased


def _tombstones(session: Session, keys: TombstoneKeys, ids: Collection[int]) -> list[tuple[str, int]]:
    """(digest, customer) of every store account and email these customers are known by."""
    accounts = session.execute(select(CustomerIdentity.customer_id, CustomerIdentity.store_id,
                                      CustomerIdentity.external_id).where(CustomerIdentity.customer_id.in_(ids)))
    ordered = session.execute(select(Order.customer_id, Order.store_id, Order.customer_external_id).distinct().where(
        Order.customer_id.in_(ids), Order.customer_external_id.is_not(None)))
    found = [(keys.account(store, ext), cid) for cid, store, ext in [*accounts, *ordered] if ext and cid]
    emails: list[Any] = list(session.execute(union(
        select(CustomerEmail.customer_id, CustomerEmail.email).where(CustomerEmail.customer_id.in_(ids)),
        select(Customer.id, Customer.email).where(Customer.id.in_(ids)),
        select(Order.customer_id, Order.email).where(Order.customer_id.in_(ids)))))
    found += [(d, cid) for cid, email in emails if cid and (d := keys.email(email))]
    return found


def _emails(session: Session, ids: Collection[int]) -> set[str]:
    """Every email these customers are known by: their own, their records' and their orders'."""
    found: set[str | None] = set(session.execute(
        select(CustomerEmail.email).where(CustomerEmail.customer_id.in_(ids))).scalars())
    found.update(session.execute(select(Customer.email).where(Customer.id.in_(ids))).scalars())
    found.update(session.execute(select(Order.email).distinct().where(Order.customer_id.in_(ids))).scalars())
    return {e for e in found if e}


def _anonymise_orders(session: Session, ids: Collection[int]) -> int:
    order_ids = list(session.execute(select(Order.id).where(Order.customer_id.in_(ids))).scalars())
    for chunk in chunks(order_ids):
        session.execute(update(Order).where(Order.id.in_(chunk)).values(
            email=None, customer_external_id=None, shipping_city=None, card_brand=None, card_last4=None))
        session.execute(update(Fulfillment).where(Fulfillment.order_id.in_(chunk)).values(
            tracking_number=None, tracking_url=None))
        session.execute(update(Refund).where(Refund.order_id.in_(chunk)).values(note=None))
    return len(order_ids)


def _blank_tickets(session: Session, ids: Collection[int], emails: Collection[str]) -> int:
    """Tickets of these customers (or from their emails) keep their status and dates, nothing else."""
    mine = or_(Ticket.customer_id.in_(ids), Ticket.requester_email.in_(sorted(emails)))
    ticket_ids = list(session.execute(select(Ticket.id).where(mine)).scalars())
    for chunk in chunks(ticket_ids):
        session.execute(delete(TicketMessage).where(TicketMessage.ticket_id.in_(chunk)))
        session.execute(update(Ticket).where(Ticket.id.in_(chunk)).values(
            subject=ERASED_SUBJECT, requester_email=None, requester_name=None))
    return len(ticket_ids)


def _erased_tag(session: Session) -> int:
    tag_id = session.execute(select(Tag.id).where(Tag.name == ERASED_TAG)).scalar()
    if tag_id is None:
        tag = Tag(name=ERASED_TAG)
        session.add(tag)
        session.flush()
        tag_id = tag.id
    return int(tag_id)
