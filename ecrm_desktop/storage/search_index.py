"""The customer full-text index (SQLite FTS5): what it holds, how it is kept current, how it is queried.

Each customer is one document (rowid = customer id) with their names, every email and phone, tags,
non-sensitive notes and order numbers. Writers call `reindex_customers` in their own transaction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from ecrm_desktop.storage.tables import (
    Customer,
    CustomerEmail,
    CustomerPhone,
    CustomerTag,
    Note,
    Order,
    Tag,
)

_TOKEN = re.compile(r"\w+", re.UNICODE)
CHUNK = 500


def match_expression(user_text: str) -> str | None:
    """Turn what a person typed into an FTS5 query: every word must match as a prefix (None if no words)."""
    tokens = _TOKEN.findall(user_text.casefold())
    return " AND ".join(f'"{t}"*' for t in tokens) if tokens else None


def phone_terms(phone: str) -> str:
    """The phone as typed plus its digits, so '+1 (555) 010-2030', '5550102030' and '010' all find it."""
    digits = re.sub(r"\D", "", phone)
    return f"{phone} {digits} {digits[-10:]}" if digits else phone


def reindex_customers(session: Session | Connection, customer_ids: Iterable[int]) -> None:
    """Rebuild the search documents of these customers from the tables."""
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        remove_customers(session, chunk)
        for doc in _documents(session, chunk):
            session.execute(text(
                "INSERT INTO customer_search(rowid, name, email, phone, tags, notes, orders) "
                "VALUES (:id, :name, :email, :phone, :tags, :notes, :orders)"), doc)


def remove_customers(session: Session | Connection, customer_ids: Iterable[int]) -> None:
    params = [{"id": cid} for cid in customer_ids]
    if params:
        session.execute(text("DELETE FROM customer_search WHERE rowid = :id"), params)


FIELDS = ("name", "email", "phone", "tags", "notes", "orders")


def _documents(session: Session | Connection, ids: Sequence[int]) -> list[dict[str, object]]:
    parts: dict[str, dict[int, list[str]]] = {k: defaultdict(list) for k in FIELDS}
    existing: list[int] = []
    for cid, first, last, email, phone in session.execute(
            select(Customer.id, Customer.first_name, Customer.last_name, Customer.email, Customer.phone)
            .where(Customer.id.in_(ids))):
        existing.append(cid)
        parts["name"][cid].extend(p for p in (first, last) if p)
        if email:
            parts["email"][cid].append(email)
        if phone:
            parts["phone"][cid].append(phone_terms(phone))
    for cid, email in session.execute(
            select(CustomerEmail.customer_id, CustomerEmail.email).where(CustomerEmail.customer_id.in_(ids))):
        parts["email"][cid].append(email)
    for cid, phone in session.execute(
            select(CustomerPhone.customer_id, CustomerPhone.phone).where(CustomerPhone.customer_id.in_(ids))):
        parts["phone"][cid].append(phone_terms(phone))
    for cid, name in session.execute(
            select(CustomerTag.customer_id, Tag.name).join(Tag).where(CustomerTag.customer_id.in_(ids))):
        parts["tags"][cid].append(name)
    for cid, body in session.execute(
            select(Note.customer_id, Note.body).where(Note.customer_id.in_(ids), Note.sensitive.is_(False))):
        parts["notes"][cid].append(body)
    for owner, number in session.execute(
            select(Order.customer_id, Order.number).where(Order.customer_id.in_(ids))):
        if owner is not None:
            parts["orders"][owner].append(number)
    return [{"id": cid} | {k: " ".join(dict.fromkeys(parts[k][cid])) for k in FIELDS} for cid in sorted(existing)]
