"""Resolving a store's references to ecrm ids, shared by the writers of customers, orders and catalogue.

`StoreLookups` answers a whole page at once (one query per kind of reference and chunk of names) and keeps what
it found for the rest of its writer's life: categories, tags, products, variants and the store's customer
accounts. It remembers only what exists, never an absence, so rows added later in the same transaction are
found; rows are not deleted under a writer, so what it remembers stays true.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from ecrm_desktop.storage.batch import Sql, chunks, insert_sql, stamp


def normalise_email(email: str | None) -> str | None:
    """Trimmed and lower-cased, or None when empty."""
    return email.strip().lower() if email and email.strip() else None


def customer_id_for(session: Session, store_id: int, external_id: str | None, email: str | None) -> int | None:
    """The customer a record of this store refers to: by the store's customer id, else by email."""
    return StoreLookups(session, store_id).customers([(external_id, email)]).get((external_id, email))


def category_id_for(session: Session, name: str | None) -> int | None:
    """The id of the category called `name`, created on first use (None for no name)."""
    if not name:
        return None
    return StoreLookups(session, 0).categories([name])[name]


CustomerRef = tuple[str | None, str | None]  # the store's customer id and the email a record carries


class StoreLookups:
    """Batched, remembered lookups of one store's references inside one transaction."""

    def __init__(self, session: Session, store_id: int) -> None:
        self.sql = Sql(session)
        self.store_id = store_id
        self._categories: dict[str, int] = {}
        self._tags: dict[str, int] = {}
        self._products: dict[str, int] = {}
        self._variants: dict[tuple[int, str], int] = {}
        self._accounts: dict[str, int] = {}  # the store's customer id -> ecrm customer id

    # -- names, created on first use ------------------------------------------------------------------------

    def categories(self, names: Iterable[str | None]) -> dict[str, int]:
        """Ids of the categories with these names (creating the missing ones); holds every name asked so far."""
        return self._named("categories", self._categories, names)

    def tags(self, names: Iterable[str]) -> dict[str, int]:
        """Ids of the tags with these names (creating the missing ones)."""
        return self._named("tags", self._tags, names)

    def _named(self, table: str, known: dict[str, int], names: Iterable[str | None]) -> dict[str, int]:
        wanted = sorted({n for n in names if n and n not in known})
        known.update((name, i) for i, name in self.sql.rows_in(
            f"SELECT id, name FROM {table} WHERE name IN ({{marks}})", wanted))
        missing = [n for n in wanted if n not in known]
        rows = list(zip(self.sql.next_ids(table, len(missing)), missing, strict=True))
        self.sql.many(insert_sql(table, ("id", "name")), rows)
        known.update((name, i) for i, name in rows)
        return known

    # -- the store's catalogue ------------------------------------------------------------------------------

    def products(self, external_ids: Iterable[str | None]) -> dict[str, int]:
        """Ids of this store's products with these external ids (those that exist)."""
        wanted = sorted({e for e in external_ids if e is not None and e not in self._products})
        self._products.update((ext, i) for i, ext in self.sql.rows_in(
            "SELECT id, external_id FROM products WHERE store_id = ? AND external_id IN ({marks})",
            wanted, self.store_id))
        return self._products

    def remember_products(self, ids: Iterable[tuple[str, int]]) -> None:
        self._products.update(ids)

    def variants(self, keys: Iterable[tuple[int, str | None]]) -> dict[tuple[int, str], int]:
        """Ids of variants by (product id, variant external id) (those that exist)."""
        wanted = sorted({(p, ext) for p, ext in keys if ext is not None and (p, ext) not in self._variants})
        for chunk in chunks(wanted):
            pairs = ", ".join("(?, ?)" for _ in chunk)
            self._variants.update(((product_id, ext), i) for i, product_id, ext in self.sql.rows(
                "SELECT id, product_id, external_id FROM product_variants WHERE (product_id, external_id) IN "
                f"(VALUES {pairs})", [v for pair in chunk for v in pair]))
        return self._variants

    def remember_variants(self, ids: Iterable[tuple[tuple[int, str], int]]) -> None:
        self._variants.update(ids)

    # -- customers ------------------------------------------------------------------------------------------

    def accounts(self, external_ids: Iterable[str | None]) -> dict[str, int]:
        """The customers of this store's accounts with these ids (those that exist)."""
        wanted = sorted({e for e in external_ids if e is not None and e not in self._accounts})
        self._accounts.update((ext, cid) for ext, cid in self.sql.rows_in(
            "SELECT external_id, customer_id FROM customer_identities WHERE store_id = ? AND external_id IN "
            "({marks})", wanted, self.store_id))
        return self._accounts

    def add_accounts(self, accounts: Iterable[tuple[str, int, datetime]]) -> None:
        """Give customers accounts in this store: (the store's customer id, customer id, created at)."""
        rows = [(cid, self.store_id, ext, stamp(created)) for ext, cid, created in accounts]
        self.sql.many(insert_sql("customer_identities", ("customer_id", "store_id", "external_id", "created_at")),
                      rows)
        self._accounts.update((ext, cid) for cid, _, ext, _ in rows)

    def by_email(self, emails: Iterable[str | None]) -> dict[str, int]:
        """For each (normalised) email, the customer with the lowest id among those who have it. Not remembered:
        emails are added as the writer goes."""
        return {email: cid for email, cid in self.sql.rows_in(
            "SELECT email, min(customer_id) FROM customer_emails WHERE email IN ({marks}) GROUP BY email",
            sorted({e for e in emails if e}))}

    def customers(self, refs: Iterable[CustomerRef]) -> dict[CustomerRef, int]:
        """The customer each (store customer id, email) refers to: by the store's customer id, else by email
        (those that resolve)."""
        refs = set(refs)
        accounts = self.accounts(ext for ext, _ in refs)
        unresolved = {ref: normalise_email(ref[1]) for ref in refs if ref[0] not in accounts}
        emails = self.by_email(unresolved.values())
        out = {ref: accounts[ref[0]] for ref in refs if ref[0] is not None and ref[0] in accounts}
        out.update((ref, emails[e]) for ref, e in unresolved.items() if e is not None and e in emails)
        return out
