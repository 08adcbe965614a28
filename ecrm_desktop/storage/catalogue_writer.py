"""The write path for a store's catalogue (products, variants with inventory) and its abandoned checkouts,
upserted by external id in the caller's transaction, as `StoreWriter` does for customers and orders: a page is
read with one query per table and written with one `executemany` per table and kind of change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from ecrm_desktop.domain.catalogue import CheckoutRecord, ProductRecord, VariantRecord
from ecrm_desktop.storage.batch import insert_sql, rounds, stamp
from ecrm_desktop.storage.lookups import StoreLookups, normalise_email
from ecrm_desktop.storage.tables import Store
from ecrm_desktop.storage.tombstones import TombstoneCheck

PRODUCT_FIELDS = ("title", "vendor", "status", "created_at", "updated_at", "category_id")
NEW_PRODUCT = insert_sql("products", ("id", "store_id", "external_id", *PRODUCT_FIELDS))
PRODUCT_UPDATE = f"UPDATE products SET {', '.join(f'{f} = ?' for f in PRODUCT_FIELDS)} WHERE id = ?"
VARIANT_FIELDS = ("title", "sku", "price_cents", "currency", "inventory_quantity")
NEW_VARIANT = insert_sql("product_variants", ("product_id", "external_id", *VARIANT_FIELDS))
VARIANT_UPDATE = f"UPDATE product_variants SET {', '.join(f'{f} = ?' for f in VARIANT_FIELDS)} WHERE id = ?"
CHECKOUT_FIELDS = ("customer_id", "email", "created_at", "updated_at", "completed_at", "currency", "total_cents",
                   "items_count", "summary", "recovery_url")
NEW_CHECKOUT = insert_sql("abandoned_checkouts", ("store_id", "external_id", *CHECKOUT_FIELDS))
CHECKOUT_UPDATE = f"UPDATE abandoned_checkouts SET {', '.join(f'{f} = ?' for f in CHECKOUT_FIELDS)} WHERE id = ?"


class CatalogueWriter:
    def __init__(self, session: Session, store: Store) -> None:
        self.session = session
        self.store = store
        self.lookups = StoreLookups(session, store.id)
        self.sql = self.lookups.sql
        self.tombstones = TombstoneCheck(session)

    def upsert_products(self, records: Iterable[ProductRecord]) -> tuple[int, int]:
        """Insert or update products and their variants; returns (created, updated)."""
        self.session.flush()
        created = updated = 0
        for run in rounds(records, key=lambda r: r.external_id):
            new = self._upsert_products(run)
            created, updated = created + new, updated + len(run) - new
        return created, updated

    def _upsert_products(self, run: Sequence[ProductRecord]) -> int:
        sql, store_id = self.sql, self.store.id
        existing = {ext: pid for pid, ext in sql.rows_in(
            "SELECT id, external_id FROM products WHERE store_id = ? AND external_id IN ({marks})",
            [r.external_id for r in run], store_id)}
        categories = self.lookups.categories(r.category for r in run)
        fresh = iter(sql.next_ids("products", len(run) - len(existing)))
        inserted: list[tuple[Any, ...]] = []
        replaced: list[tuple[Any, ...]] = []
        product_ids: list[int] = []
        for rec in run:
            row = (rec.title, rec.vendor, rec.status, stamp(rec.created_at), stamp(rec.updated_at),
                   categories.get(rec.category) if rec.category else None)
            if rec.external_id in existing:
                pid = existing[rec.external_id]
                replaced.append((*row, pid))
            else:
                pid = next(fresh)
                inserted.append((pid, store_id, rec.external_id, *row))
            product_ids.append(pid)
        sql.many(NEW_PRODUCT, inserted)
        sql.many(PRODUCT_UPDATE, replaced)
        self.lookups.remember_products(zip((r.external_id for r in run), product_ids, strict=True))

        variants = {(pid, ext): vid for vid, pid, ext in sql.rows_in(
            "SELECT id, product_id, external_id FROM product_variants WHERE product_id IN ({marks})",
            sorted(existing.values()))}
        new_variants: list[tuple[Any, ...]] = []
        changed_variants: list[tuple[Any, ...]] = []
        for rec, pid in zip(run, product_ids, strict=True):
            given: dict[str, VariantRecord] = {v.external_id: v for v in rec.variants}
            for ext, v in given.items():
                values = (v.title, v.sku, v.price_cents, rec.currency, v.inventory_quantity)
                if (pid, ext) in variants:
                    changed_variants.append((*values, variants[(pid, ext)]))
                else:
                    new_variants.append((pid, ext, *values))
        sql.many(NEW_VARIANT, new_variants)
        sql.many(VARIANT_UPDATE, changed_variants)
        return len(inserted)

    def upsert_checkouts(self, records: Iterable[CheckoutRecord]) -> tuple[int, int]:
        """Insert or update abandoned checkouts, linked to their customer where known; (created, updated)."""
        self.session.flush()
        created = updated = 0
        for run in rounds(records, key=lambda r: r.external_id):
            new, old = self._upsert_checkouts(run)
            created, updated = created + new, updated + old
        return created, updated

    def _upsert_checkouts(self, run: Sequence[CheckoutRecord]) -> tuple[int, int]:
        """Writes the checkouts of people not erased here; returns (new, updated)."""
        sql, store_id = self.sql, self.store.id
        erased = self.tombstones.erased(store_id, [(r.customer_external_id, r.email) for r in run])
        run = [r for i, r in enumerate(run) if i not in erased]
        existing = {ext: kid for kid, ext in sql.rows_in(
            "SELECT id, external_id FROM abandoned_checkouts WHERE store_id = ? AND external_id IN ({marks})",
            [r.external_id for r in run], store_id)}
        owners = self.lookups.customers((r.customer_external_id, r.email) for r in run)
        inserted: list[tuple[Any, ...]] = []
        replaced: list[tuple[Any, ...]] = []
        for rec in run:
            row = (owners.get((rec.customer_external_id, rec.email)), normalise_email(rec.email),
                   stamp(rec.created_at), stamp(rec.updated_at), stamp(rec.completed_at), rec.currency,
                   rec.total_cents, rec.items_count, rec.summary, rec.recovery_url)
            if rec.external_id in existing:
                replaced.append((*row, existing[rec.external_id]))
            elif not rec.update_only:
                inserted.append((store_id, rec.external_id, *row))
        sql.many(NEW_CHECKOUT, inserted)
        sql.many(CHECKOUT_UPDATE, replaced)
        return len(inserted), len(replaced)
