"""Linking a store's new customer to a person already known by phone, only when that is unambiguous.

Email matching lives in `StoreWriter`; a phone is weaker evidence (families and offices share numbers), so a
record is linked by phone only when its email matches nobody, exactly one customer has the same number, that
customer has no account in this store yet, and the last names agree wherever both are known.

A page costs a fixed handful of queries. The people with a given number are found through the search index,
whose phone field holds each customer's number as one token of its digits (`search_index.phone_terms`) and is
kept current by every writer in its transaction; the index only narrows the candidates, whose own phone then
decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from ecrm_desktop.domain.records import CustomerRecord
from ecrm_desktop.storage.batch import Sql, chunks
from ecrm_desktop.storage.lookups import StoreLookups, normalise_email
from ecrm_desktop.storage.tables import Store

MIN_DIGITS = 7
_PEOPLE = "SELECT id, phone, last_name FROM customers WHERE merged_into_id IS NULL AND id IN ({marks})"
_IN_STORE = "SELECT DISTINCT customer_id FROM customer_identities WHERE store_id = ? AND customer_id IN ({marks})"


def digits(phone: str | None) -> str:
    return re.sub(r"\D", "", phone or "")


def link_by_phone(session: Session, store: Store, records: Iterable[CustomerRecord]) -> int:
    """Add identities for records matched by phone (before `StoreWriter.upsert_customers`); returns how many."""
    with_number = [(rec, number) for rec in records if len(number := digits(rec.phone)) >= MIN_DIGITS]
    if not with_number:
        return 0
    lookups = StoreLookups(session, store.id)
    known = set(lookups.accounts(rec.external_id for rec, _ in with_number))
    emails = {normalise_email(rec.email) for rec, _ in with_number}
    known_emails = set(lookups.by_email(emails))
    pending = [(rec, number) for rec, number in with_number
               if rec.external_id not in known and normalise_email(rec.email) not in known_emails]
    if not pending:
        return 0
    sql = lookups.sql
    people: dict[str, list[tuple[int, str | None]]] = {}
    for cid, phone, last_name in sql.rows_in(_PEOPLE, _search_phones(sql, {number for _, number in pending})):
        people.setdefault(digits(phone), []).append((cid, last_name))
    in_store = {cid for cid, in sql.rows_in(_IN_STORE, sorted({c for found in people.values() for c, _ in found}),
                                              store.id)}
    linked: list[tuple[str, int, datetime]] = []
    for rec, number in pending:
        candidates = people.get(number, [])
        if len(candidates) != 1 or rec.external_id in known:
            continue
        person, last_name = candidates[0]
        names_clash = bool(rec.last_name and last_name
                           and rec.last_name.strip().lower() != last_name.strip().lower())
        if person in in_store or names_clash:
            continue
        linked.append((rec.external_id, person, rec.created_at))
        in_store.add(person)
        known.add(rec.external_id)
    lookups.add_accounts(linked)
    return len(linked)


def _search_phones(sql: Sql, numbers: set[str]) -> list[int]:
    """Customers whose search document holds one of these numbers among its phone tokens."""
    found: list[int] = []
    for chunk in chunks(sorted(numbers)):
        query = "phone : (" + " OR ".join(f'"{n}"' for n in chunk) + ")"
        found += [rowid for rowid, in sql.rows("SELECT rowid FROM customer_search WHERE customer_search MATCH ?",
                                               (query,))]
    return sorted(set(found))
