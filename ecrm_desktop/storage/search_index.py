"""The customer full-text index (SQLite FTS5): what it holds, how it is kept current, how it is queried.

Each customer is one document (rowid = customer id) with their names, every email and phone, tags,
non-sensitive notes and order numbers. Sensitive notes and payment details are never indexed, so no role finds a
customer by them; a search can be limited to some columns (a role that may not read notes does not match on
them). Writers call `reindex_customers` in their own transaction.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from ecrm_desktop.storage.batch import Sql, chunks

_TOKEN = re.compile(r"\w+", re.UNICODE)
CHUNK = 500


def match_expression(user_text: str, fields: Sequence[str] | None = None) -> str | None:
    """Turn what a person typed into an FTS5 query: every word must match as a prefix (None if no words), in
    any column or only in `fields`."""
    tokens = _TOKEN.findall(user_text.casefold())
    if not tokens:
        return None
    words = " AND ".join(f'"{t}"*' for t in tokens)
    return words if fields is None else f"{{{' '.join(fields)}}} : ({words})"


def phone_terms(phone: str) -> str:
    """The phone as typed plus its digits, so '+1 (555) 010-2030', '5550102030' and '010' all find it."""
    digits = re.sub(r"\D", "", phone)
    return f"{phone} {digits} {digits[-10:]}" if digits else phone


def reindex_customers(session: Session | Connection, customer_ids: Iterable[int]) -> None:
    """Rebuild the search documents of these customers from the tables."""
    ids = sorted(set(customer_ids))
    sql = Sql(session)
    for chunk in chunks(ids, CHUNK):
        sql.many(_DELETE, [(cid,) for cid in chunk])
        sql.many(_INSERT, _documents(sql, chunk))


def remove_customers(session: Session | Connection, customer_ids: Iterable[int]) -> None:
    Sql(session).many(_DELETE, [(cid,) for cid in customer_ids])


FIELDS = ("name", "email", "phone", "tags", "notes", "orders")
_DELETE = "DELETE FROM customer_search WHERE rowid = ?"
_INSERT = f"INSERT INTO customer_search(rowid, {', '.join(FIELDS)}) VALUES (?, ?, ?, ?, ?, ?, ?)"
_PARTS = {
    "email": "SELECT customer_id, email FROM customer_emails WHERE customer_id IN ({marks})",
    "phone": "SELECT customer_id, phone FROM customer_phones WHERE customer_id IN ({marks})",
    "tags": "SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id "
            "WHERE ct.customer_id IN ({marks})",
    "notes": "SELECT customer_id, body FROM notes WHERE customer_id IN ({marks}) AND sensitive = 0",
    "orders": "SELECT customer_id, number FROM orders WHERE customer_id IN ({marks})",
}


def _documents(sql: Sql, ids: Sequence[int]) -> list[tuple[object, ...]]:
    parts: dict[str, dict[int, list[str]]] = {k: defaultdict(list) for k in FIELDS}
    existing: list[int] = []
    for cid, first, last, email, phone in sql.rows_in(
            "SELECT id, first_name, last_name, email, phone FROM customers WHERE id IN ({marks})", ids):
        existing.append(cid)
        parts["name"][cid].extend(p for p in (first, last) if p)
        if email:
            parts["email"][cid].append(email)
        if phone:
            parts["phone"][cid].append(phone_terms(phone))
    if not existing:
        return []
    for field, query in _PARTS.items():
        for cid, value in sql.rows_in(query, existing):
            if cid is not None:
                parts[field][cid].append(phone_terms(value) if field == "phone" else value)
    return [(cid, *(" ".join(dict.fromkeys(parts[k][cid])) for k in FIELDS)) for cid in sorted(existing)]
