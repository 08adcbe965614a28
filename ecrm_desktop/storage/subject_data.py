"""Everything ecrm holds about one person, as plain JSON-ready data (a data subject access request)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from ecrm_desktop.storage.lookups import normalise_email
from ecrm_desktop.storage.tables import (
    Address,
    AuditEntry,
    ConsentChange,
    Customer,
    CustomerEmail,
    CustomerIdentity,
    CustomerPhone,
    CustomerRfm,
    CustomerTag,
    Fulfillment,
    Note,
    Order,
    OrderDiscountCode,
    OrderLine,
    Refund,
    Segment,
    SegmentMember,
    Store,
    StoredPrediction,
    Tag,
    Ticket,
    TicketMessage,
    User,
)

FORMAT = "ecrm-subject-access"
FORMAT_VERSION = 1


def customers_by_email(session: Session, email: str) -> list[int]:
    """The (not merged-away) customers known by this email, oldest first."""
    normalised = normalise_email(email)
    if not normalised:
        return []
    ids = select(CustomerEmail.customer_id).where(CustomerEmail.email == normalised)
    return list(session.execute(select(Customer.id).where(
        or_(Customer.email == normalised, Customer.id.in_(ids))).order_by(Customer.id)).scalars())


def subject_record(session: Session, customer_ids: list[int]) -> dict[str, Any]:
    """The whole record of the person behind these customer records (and those merged into them)."""
    return {"format": FORMAT, "version": FORMAT_VERSION, "generated_at": _plain(datetime.now().astimezone()),
            "records": [_customer(session, cid) for cid in customer_ids]}


def _customer(session: Session, cid: int) -> dict[str, Any]:
    customer = session.get(Customer, cid)
    if customer is None:
        return {"id": cid, "missing": True}
    stores: dict[int, str] = {i: n for i, n in session.execute(select(Store.id, Store.name))}
    merged = list(session.execute(select(Customer.id).where(Customer.merged_into_id == cid)).scalars())
    tickets = list(session.execute(select(Ticket).where(Ticket.customer_id == cid).order_by(Ticket.id)).scalars())
    authors: dict[int, str] = {i: n for i, n in session.execute(select(User.id, User.name))}
    return {
        "customer": _row(customer),
        "emails": [_row(r) for r in _of(session, CustomerEmail, cid)],
        "phones": [_row(r) for r in _of(session, CustomerPhone, cid)],
        "addresses": [_row(r) for r in _of(session, Address, cid)],
        "store_accounts": [{"store": stores.get(r.store_id), "account_id": r.external_id,
                            "created_at": _plain(r.created_at)} for r in _of(session, CustomerIdentity, cid)],
        "tags": [{"name": name, "source": _plain(source)} for name, source in session.execute(
            select(Tag.name, CustomerTag.source).join(CustomerTag).where(CustomerTag.customer_id == cid)
            .order_by(Tag.name))],
        "notes": [_row(n) | {"author": authors.get(n.author_id)} for n in _of(session, Note, cid)],
        "consent_history": consent_history(session, [cid]),
        "orders": [_order(session, o, stores) for o in session.execute(
            select(Order).where(Order.customer_id == cid).order_by(Order.created_at)).scalars()],
        "tickets": [_row(t) | {"messages": [_row(m) for m in session.execute(select(TicketMessage).where(
            TicketMessage.ticket_id == t.id).order_by(TicketMessage.sent_at)).scalars()]} for t in tickets],
        "segments": list(session.execute(select(Segment.name).join(SegmentMember)
                                         .where(SegmentMember.customer_id == cid)).scalars()),
        "rfm": [_row(r) for r in _of(session, CustomerRfm, cid)],
        "predictions": [_row(r) for r in _of(session, StoredPrediction, cid)],
        "audit_trail": [{"at": _plain(e.at), "user": e.user_name, "action": e.action}
                        for e in session.execute(select(AuditEntry).where(
                            AuditEntry.entity_type == "customer", AuditEntry.entity_id == cid)
                            .order_by(AuditEntry.id)).scalars()],
        "merged_records": [_customer(session, m) for m in merged],
    }


def consent_history(session: Session, customer_ids: list[int]) -> list[dict[str, Any]]:
    """The consent changes of these customers, oldest first."""
    return [_row(r) for r in session.execute(select(ConsentChange).where(
        ConsentChange.customer_id.in_(customer_ids)).order_by(ConsentChange.recorded_at, ConsentChange.id)).scalars()]


def _order(session: Session, order: Order, stores: dict[int, str]) -> dict[str, Any]:
    def children(table: Any) -> list[dict[str, Any]]:
        rows: list[Any] = list(session.execute(select(table).where(table.order_id == order.id)).scalars())
        return [_row(r) for r in rows]

    return _row(order) | {"store": stores.get(order.store_id), "lines": children(OrderLine),
                          "discount_codes": children(OrderDiscountCode), "fulfillments": children(Fulfillment),
                          "refunds": children(Refund)}


def _of(session: Session, table: Any, cid: int) -> list[Any]:
    return list(session.execute(select(table).where(table.customer_id == cid)).scalars())


def _row(obj: Any) -> dict[str, Any]:
    return {a.key: _plain(getattr(obj, a.key)) for a in inspect(obj).mapper.column_attrs}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value
