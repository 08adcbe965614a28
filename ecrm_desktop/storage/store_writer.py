"""The one write path for what a store says: customers and orders upserted by external id.

Sync connectors, importers and tests hand `domain.records` to a `StoreWriter` inside their transaction. The
writer resolves external ids, keeps ecrm-owned data (notes, ecrm tags, overrides) untouched, and before it
returns brings the per-customer aggregates, the dashboard's rollups and the search index of every customer it
touched up to date, so the transaction that commits the orders also commits their summaries. The daily rollups
move by the difference the page makes (what its orders contributed before the write taken away, what they
contribute after added: `storage.rollups.Change`), so a page costs the same at any size of store.

It writes a page as a set: the rows a page refers to are read with one query per table (and chunk of ids), the
decisions are made in Python exactly as writing the records one by one would make them, and each table then
gets one `executemany` (an updated order loses its lines, discounts, shipments and refunds in one delete per
table before they are written again). A page that names the same record twice is written as consecutive runs
in which each record appears once, so the later version wins as it would one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import ConsentState, TagSource
from ecrm_desktop.domain.records import AddressRecord, CustomerRecord, OrderRecord
from ecrm_desktop.storage import aggregates, rollups, search_index
from ecrm_desktop.storage.batch import insert_sql, rounds, stamp
from ecrm_desktop.storage.lookups import StoreLookups, normalise_email
from ecrm_desktop.storage.tables import Store
from ecrm_desktop.storage.tombstones import TombstoneCheck

# The customer columns a store record sets (the others are aggregates, kept by `aggregates`).
CUSTOMER_FIELDS = ("first_name", "last_name", "phone", "email", "email_consent", "email_consent_at",
                   "email_consent_source", "created_at", "updated_at", "country", "region", "city")
NEW_CUSTOMER = insert_sql("customers", ("id", *CUSTOMER_FIELDS, "orders_count", "total_spent_cents", "aov_cents",
                                        "refunded_cents", "items_count", "returned_items", "return_rate"))
CUSTOMER_UPDATE = f"UPDATE customers SET {', '.join(f'{f} = ?' for f in CUSTOMER_FIELDS)} WHERE id = ?"
NO_AGGREGATES = (0, 0, 0, 0, 0, 0, 0.0)
ADDRESS = insert_sql("addresses", ("customer_id", "name", "company", "address1", "address2", "city", "region",
                                   "postal_code", "country", "phone", "is_default"))
STORE_TAG = insert_sql("customer_tags", ("customer_id", "tag_id", "source"))
EMAIL = insert_sql("customer_emails", ("customer_id", "email", "is_primary"))
CONSENT_CHANGE = insert_sql("consent_changes", ("customer_id", "channel", "old_state", "new_state", "changed_at",
                                                "recorded_at", "source", "actor"))

ORDER_FIELDS = ("customer_id", "customer_external_id", "number", "email", "created_at", "updated_at",
                "cancelled_at", "cancel_reason", "financial_status", "fulfillment_status", "currency",
                "subtotal_cents", "discount_cents", "shipping_cents", "tax_cents", "total_cents", "refunded_cents",
                "exchange_rate", "total_reporting_cents", "sales_channel", "payment_gateway", "card_brand",
                "card_last4", "shipping_country", "shipping_city")
NEW_ORDER = insert_sql("orders", ("id", "store_id", "external_id", *ORDER_FIELDS))
ORDER_UPDATE = f"UPDATE orders SET {', '.join(f'{f} = ?' for f in ORDER_FIELDS)} WHERE id = ?"
LINE = insert_sql("order_lines", ("id", "order_id", "external_id", "product_id", "variant_id", "category_id",
                                  "title", "sku", "quantity", "unit_price_cents", "total_cents"))
DISCOUNT = insert_sql("order_discount_codes", ("order_id", "code", "amount_cents"))
FULFILMENT = insert_sql("fulfillments", ("order_id", "external_id", "status", "carrier", "tracking_number",
                                         "tracking_url", "shipped_at", "delivered_at"))
REFUND = insert_sql("refunds", ("id", "order_id", "external_id", "created_at", "amount_cents", "reason", "note"))
REFUND_LINE = insert_sql("refund_lines", ("refund_id", "order_line_id", "quantity", "amount_cents", "restock"))
ORDER_CHILDREN = ("refunds", "fulfillments", "order_discount_codes", "order_lines")  # after refund lines


class StoreWriter:
    """Upserts one store's records; construct it per transaction."""

    def __init__(self, session: Session, store: Store, rate_to_reporting: float = 1.0) -> None:
        self.session = session
        self.store = store
        self.rate = rate_to_reporting
        self.lookups = StoreLookups(session, store.id)
        self.sql = self.lookups.sql
        self._touched: set[int] = set()  # customers whose orders changed: aggregates to refresh
        self._reindex: set[int] = set()  # customers whose search document may have changed
        self._rollups = rollups.Change(session)  # what the writes change in the dashboard's rollups
        self.tombstones = TombstoneCheck(session)  # people erased here, whom the store still knows

    # -- customers ----------------------------------------------------------------------------------------

    def upsert_customers(self, records: Iterable[CustomerRecord]) -> tuple[int, int]:
        """Insert or update customers; returns (created, updated)."""
        self.session.flush()
        created = updated = 0
        for run in rounds(records, key=lambda r: r.external_id):
            new, old = self._upsert_customers(run)
            created, updated = created + new, updated + old
        self.flush()
        return created, updated

    def _upsert_customers(self, run: Sequence[CustomerRecord]) -> tuple[int, int]:
        run = self._not_erased(run)
        if not run:
            return 0, 0
        sql, look = self.sql, self.lookups
        emails = [normalise_email(r.email) for r in run]
        accounts = look.accounts(r.external_id for r in run)
        known = {r.external_id: accounts[r.external_id] for r in run if r.external_id in accounts}
        by_email = look.by_email(e for r, e in zip(run, emails, strict=True) if r.external_id not in known)
        state = self._customer_rows({*known.values(), *by_email.values()})
        mails, primary = self._emails_of(state)
        fresh = iter(sql.next_ids("customers", len(run) - len(known)))
        new: set[int] = set()
        linked: list[tuple[str, int, datetime]] = []
        new_emails: list[tuple[int, str, int]] = []
        consent: list[tuple[Any, ...]] = []
        addresses: dict[int, Sequence[AddressRecord]] = {}
        tags: dict[int, Sequence[str]] = {}
        for rec, email in zip(run, emails, strict=True):
            cid = known.get(rec.external_id)
            if cid is None:
                # the same person known to another store (or another account of this one): link, not duplicate
                cid = by_email.get(email) if email else None
                if cid is None:
                    cid = next(fresh)
                    new.add(cid)
                    state[cid] = dict.fromkeys(CUSTOMER_FIELDS) | {"created_at": stamp(rec.created_at),
                                                                   "updated_at": stamp(rec.updated_at)}
                linked.append((rec.external_id, cid, rec.created_at))
            was = state[cid]["email_consent"]
            self._apply_customer(state[cid], rec, email)
            if was != state[cid]["email_consent"] and (was or rec.email_consent is not ConsentState.NOT_SUBSCRIBED):
                consent.append((cid, "email", was, state[cid]["email_consent"],
                                state[cid]["email_consent_at"] or stamp(datetime.now(UTC)),
                                stamp(datetime.now(UTC)), state[cid]["email_consent_source"], "sync"))
            if email and email not in mails.setdefault(cid, set()):
                new_emails.append((cid, email, int(cid not in primary)))
                mails[cid].add(email)
                primary.add(cid)
                by_email[email] = min(cid, by_email.get(email, cid))
            if rec.addresses:
                addresses[cid] = rec.addresses
            tags[cid] = rec.tags
        touched = {cid for _, cid, _ in linked} | set(known.values())
        old = touched - new
        sql.many(NEW_CUSTOMER, [(cid, *state[cid].values(), *NO_AGGREGATES) for cid in sorted(new)])
        sql.many(CUSTOMER_UPDATE, [(*state[cid].values(), cid) for cid in sorted(old)])
        look.add_accounts(linked)
        self._touched |= self._link_waiting_orders({ext: cid for ext, cid, _ in linked})
        sql.many(EMAIL, new_emails)
        sql.many(CONSENT_CHANGE, consent)
        self._replace_addresses(addresses, old)
        self._replace_store_tags(tags, old)
        self._reindex |= touched
        return len(new), len(run) - len(new)

    def _not_erased(self, run: Sequence[CustomerRecord]) -> Sequence[CustomerRecord]:
        """The records of people not erased here (by store account or email): an erased person stays erased."""
        erased = self.tombstones.erased(self.store.id, [(r.external_id, r.email) for r in run])
        return [r for i, r in enumerate(run) if i not in erased] if erased else run

    def _customer_rows(self, ids: set[int]) -> dict[int, dict[str, Any]]:
        """The store-owned columns of these customers as they stand."""
        return {row[0]: dict(zip(CUSTOMER_FIELDS, row[1:], strict=True)) for row in self.sql.rows_in(
            f"SELECT id, {', '.join(CUSTOMER_FIELDS)} FROM customers WHERE id IN ({{marks}})", sorted(ids))}

    def _emails_of(self, customers: Iterable[int]) -> tuple[dict[int, set[str]], set[int]]:
        """Each customer's emails, and the customers that have a primary one."""
        mails: dict[int, set[str]] = {}
        primary: set[int] = set()
        for cid, email, is_primary in self.sql.rows_in(
                "SELECT customer_id, email, is_primary FROM customer_emails WHERE customer_id IN ({marks})",
                sorted(customers)):
            mails.setdefault(cid, set()).add(email)
            if is_primary:
                primary.add(cid)
        return mails, primary

    def _apply_customer(self, c: dict[str, Any], rec: CustomerRecord, email: str | None) -> None:
        created, updated = stamp(rec.created_at), stamp(rec.updated_at)
        c.update(first_name=rec.first_name, last_name=rec.last_name, phone=rec.phone, email=email or c["email"],
                 email_consent=rec.email_consent.value, email_consent_at=stamp(rec.email_consent_at),
                 email_consent_source=rec.email_consent_source or self.store.name,
                 created_at=min(c["created_at"], created), updated_at=max(c["updated_at"], updated))
        if rec.addresses:
            default = next((a for a in rec.addresses if a.is_default), rec.addresses[0])
            c.update(country=default.country, region=default.region, city=default.city)

    def _link_waiting_orders(self, accounts: dict[str, int]) -> set[int]:
        """Orders of this store that arrived before their customer get the customer now; returns those customers
        (the only ones whose orders a customer upsert changes)."""
        waiting = [ext for ext, in self.sql.rows_in(
            "SELECT DISTINCT customer_external_id FROM orders WHERE store_id = ? AND customer_id IS NULL AND "
            "customer_external_id IN ({marks})", sorted(accounts), self.store.id)]
        self.sql.many("UPDATE orders SET customer_id = ? WHERE store_id = ? AND customer_id IS NULL AND "
                      "customer_external_id = ?", [(accounts[ext], self.store.id, ext) for ext in waiting])
        return {accounts[ext] for ext in waiting}

    def _replace_addresses(self, addresses: dict[int, Sequence[AddressRecord]], old: set[int]) -> None:
        self.sql.run_in("DELETE FROM addresses WHERE customer_id IN ({marks})",
                        sorted(c for c in addresses if c in old))
        self.sql.many(ADDRESS, [(cid, a.name, a.company, a.address1, a.address2, a.city, a.region, a.postal_code,
                                 a.country, a.phone, int(a.is_default))
                                for cid, records in addresses.items() for a in records])

    def _replace_store_tags(self, tags: dict[int, Sequence[str]], old: set[int]) -> None:
        """Each customer's store tags become the given names; their ecrm tags stay as they are."""
        mine = sorted(c for c in tags if c in old)
        self.sql.run_in("DELETE FROM customer_tags WHERE source = ? AND customer_id IN ({marks})", mine,
                        TagSource.STORE.value)
        kept = {(cid, tag) for cid, tag in self.sql.rows_in(
            "SELECT customer_id, tag_id FROM customer_tags WHERE customer_id IN ({marks})", mine)}
        ids = self.lookups.tags(n.strip() for names in tags.values() for n in names if n.strip())
        self.sql.many(STORE_TAG, [
            (cid, tag_id, TagSource.STORE.value) for cid, names in tags.items()
            for tag_id in sorted({ids[n.strip()] for n in names if n.strip()}) if (cid, tag_id) not in kept])

    # -- orders -------------------------------------------------------------------------------------------

    def upsert_orders(self, records: Iterable[OrderRecord]) -> tuple[int, int]:
        """Insert or replace orders with their lines, discounts, shipments and refunds; (created, updated)."""
        self.session.flush()
        created = updated = 0
        for run in rounds(records, key=lambda r: r.external_id):
            new, old = self._upsert_orders(run)
            created, updated = created + new, updated + old
        self.flush()
        return created, updated

    def _upsert_orders(self, run: Sequence[OrderRecord]) -> tuple[int, int]:
        run, erased_owner = self._anonymised(run)
        sql, look, store_id = self.sql, self.lookups, self.store.id
        existing = {ext: (oid, cid, number) for oid, ext, cid, number in sql.rows_in(
            "SELECT id, external_id, customer_id, number FROM orders WHERE store_id = ? AND external_id IN "
            "({marks})", [r.external_id for r in run], store_id)}
        self._touched.update(cid for _, cid, _ in existing.values() if cid is not None)
        self._rollups.take_orders((oid for oid, _, _ in existing.values()), -1)
        self._delete_children([oid for oid, _, _ in existing.values()])

        owners = look.customers((r.customer_external_id, r.email) for r in run)
        lines = [ln for r in run for ln in r.lines]
        products = look.products(ln.product_external_id for ln in lines)
        variants = look.variants((products[ln.product_external_id], ln.variant_external_id)
                                 for ln in lines if ln.product_external_id in products)
        categories = look.categories(ln.category for ln in lines)

        fresh = iter(sql.next_ids("orders", len(run) - len(existing)))
        inserted: list[tuple[Any, ...]] = []
        replaced: list[tuple[Any, ...]] = []
        order_ids: list[int] = []
        for rec in run:
            owner = (erased_owner[rec.external_id] if rec.external_id in erased_owner
                     else owners.get((rec.customer_external_id, rec.email)))
            row = self._order_row(rec, owner)
            if rec.external_id in existing:
                oid, was_owner, was_number = existing[rec.external_id]
                replaced.append((*row, oid))
                if (was_owner, was_number) != (owner, rec.number):  # a search document holds order numbers
                    self._reindex.update(c for c in (was_owner, owner) if c is not None)
            else:
                oid = next(fresh)
                inserted.append((oid, store_id, rec.external_id, *row))
                if owner is not None:
                    self._reindex.add(owner)
            order_ids.append(oid)
            if owner is not None:
                self._touched.add(owner)
        sql.many(NEW_ORDER, inserted)
        sql.many(ORDER_UPDATE, replaced)

        self._write_lines(run, order_ids, products, variants, categories)
        self._rollups.take_orders(order_ids, +1)
        return len(inserted), len(replaced)

    def _write_lines(self, run: Sequence[OrderRecord], order_ids: Sequence[int], products: Mapping[str, int],
                     variants: Mapping[tuple[int, str], int], categories: Mapping[str, int]) -> None:
        """Insert the lines, discount codes, fulfilments and refunds of orders just written (with these ids)."""
        sql = self.sql
        lines = [ln for r in run for ln in r.lines]
        line_ids = iter(sql.next_ids("order_lines", len(lines)))
        refund_ids = iter(sql.next_ids("refunds", sum(len(r.refunds) for r in run)))
        line_rows: list[tuple[Any, ...]] = []
        discount_rows: list[tuple[Any, ...]] = []
        fulfilment_rows: list[tuple[Any, ...]] = []
        refund_rows: list[tuple[Any, ...]] = []
        refund_line_rows: list[tuple[Any, ...]] = []
        for rec, oid in zip(run, order_ids, strict=True):
            line_of: dict[str, int] = {}
            for ln in rec.lines:
                product_id = products.get(ln.product_external_id) if ln.product_external_id is not None else None
                variant_id = (variants.get((product_id, ln.variant_external_id))
                              if product_id is not None and ln.variant_external_id is not None else None)
                line_of[ln.external_id] = line_id = next(line_ids)
                line_rows.append((line_id, oid, ln.external_id, product_id, variant_id,
                                  categories.get(ln.category) if ln.category else None, ln.title, ln.sku,
                                  ln.quantity, ln.unit_price_cents, ln.total_cents))
            discount_rows += ((oid, code, 0) for code in dict.fromkeys(rec.discount_codes))
            fulfilment_rows += ((oid, f.external_id, f.status.value, f.carrier, f.tracking_number, f.tracking_url,
                                 stamp(f.shipped_at), stamp(f.delivered_at)) for f in rec.fulfillments)
            for r in rec.refunds:
                refund_id = next(refund_ids)
                refund_rows.append((refund_id, oid, r.external_id, stamp(r.created_at), r.amount_cents, r.reason,
                                    r.note))
                refund_line_rows += ((refund_id, line_of[rl.line_external_id], rl.quantity, rl.amount_cents,
                                      int(rl.restock)) for rl in r.lines if rl.line_external_id in line_of)
        for statement, rows in ((LINE, line_rows), (DISCOUNT, discount_rows), (FULFILMENT, fulfilment_rows),
                                (REFUND, refund_rows), (REFUND_LINE, refund_line_rows)):
            sql.many(statement, rows)

    def _anonymised(self, run: Sequence[OrderRecord]) -> tuple[Sequence[OrderRecord], dict[str, int | None]]:
        """Orders of erased people lose what names the person (see `anonymous_order`) and go to the blank record
        kept for the statistics: (the run, order id → that record)."""
        erased = self.tombstones.erased(self.store.id, [(r.customer_external_id, r.email) for r in run])
        if not erased:
            return run, {}
        owners = {run[i].external_id: cid for i, cid in erased.items()}
        return [anonymous_order(r) if i in erased else r for i, r in enumerate(run)], owners

    def _order_row(self, rec: OrderRecord, customer_id: int | None) -> tuple[Any, ...]:
        """The values of `ORDER_FIELDS`."""
        return (customer_id, rec.customer_external_id, rec.number, normalise_email(rec.email),
                stamp(rec.created_at), stamp(rec.updated_at), stamp(rec.cancelled_at), rec.cancel_reason,
                rec.financial_status.value, rec.fulfillment_status.value, rec.currency, rec.subtotal_cents,
                rec.discount_cents, rec.shipping_cents, rec.tax_cents, rec.total_cents, rec.refunded_cents, self.rate,
                round(rec.total_cents * self.rate), rec.sales_channel, rec.payment_gateway, rec.card_brand,
                rec.card_last4, rec.shipping_country, rec.shipping_city)

    def _delete_children(self, order_ids: list[int]) -> None:
        self.sql.run_in("DELETE FROM refund_lines WHERE refund_id IN (SELECT id FROM refunds WHERE order_id IN "
                        "({marks}))", order_ids)
        for table in ORDER_CHILDREN:
            self.sql.run_in(f"DELETE FROM {table} WHERE order_id IN ({{marks}})", order_ids)

    # -- summaries ----------------------------------------------------------------------------------------

    def flush(self) -> None:
        """Bring aggregates, rollups and search documents up to date: the aggregates and per-customer rollups of
        the customers whose orders changed, the documents of those whose fields, tags or order numbers may have."""
        self.session.flush()
        self._rollups.refresh_customers(self._touched)
        self._rollups.apply()
        if self._touched:
            aggregates.refresh_customers(self.session, self._touched)
            self._touched.clear()
        if self._reindex:
            search_index.reindex_customers(self.session, self._reindex)
            self._reindex.clear()


def anonymous_order(rec: OrderRecord) -> OrderRecord:
    """The order without what could name its buyer; amounts, dates, products and country stay for statistics."""
    return replace(
        rec, customer_external_id=None, email=None, shipping_city=None, card_brand=None, card_last4=None,
        fulfillments=tuple(replace(f, tracking_number=None, tracking_url=None) for f in rec.fulfillments),
        refunds=tuple(replace(r, note=None) for r in rec.refunds))
