"""The write path for a store's catalogue (products, variants with inventory) and its abandoned checkouts,
upserted by external id in the caller's transaction, as `StoreWriter` does for customers and orders."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.catalogue import CheckoutRecord, ProductRecord
from ecrm_desktop.storage.lookups import category_id_for, customer_id_for, normalise_email
from ecrm_desktop.storage.tables import (
    AbandonedCheckout,
    Product,
    ProductVariant,
    Store,
)


class CatalogueWriter:
    def __init__(self, session: Session, store: Store) -> None:
        self.session = session
        self.store = store

    def upsert_products(self, records: Iterable[ProductRecord]) -> tuple[int, int]:
        """Insert or update products and their variants; returns (created, updated)."""
        s = self.session
        created = updated = 0
        for rec in records:
            product = s.execute(select(Product).where(Product.store_id == self.store.id,
                                                      Product.external_id == rec.external_id)).scalar()
            created += product is None
            updated += product is not None
            category_id = category_id_for(self.session, rec.category)
            product = product or Product(store_id=self.store.id, external_id=rec.external_id)
            product.title, product.vendor, product.status = rec.title, rec.vendor, rec.status
            product.created_at, product.updated_at = rec.created_at, rec.updated_at
            product.category_id = category_id
            s.add(product)
            s.flush()
            existing = {v.external_id: v for v in s.execute(
                select(ProductVariant).where(ProductVariant.product_id == product.id)).scalars()}
            for v in rec.variants:
                variant = existing.get(v.external_id) or ProductVariant(product_id=product.id,
                                                                       external_id=v.external_id)
                variant.title, variant.sku, variant.price_cents = v.title, v.sku, v.price_cents
                variant.currency, variant.inventory_quantity = rec.currency, v.inventory_quantity
                s.add(variant)
        s.flush()
        return created, updated

    def upsert_checkouts(self, records: Iterable[CheckoutRecord]) -> tuple[int, int]:
        """Insert or update abandoned checkouts, linked to their customer where known; (created, updated)."""
        s = self.session
        created = updated = 0
        for rec in records:
            row = s.execute(select(AbandonedCheckout).where(
                AbandonedCheckout.store_id == self.store.id,
                AbandonedCheckout.external_id == rec.external_id)).scalar()
            created += row is None
            updated += row is not None
            customer_id = customer_id_for(s, self.store.id, rec.customer_external_id, rec.email)
            row = row or AbandonedCheckout(store_id=self.store.id, external_id=rec.external_id)
            row.customer_id = customer_id
            row.email = normalise_email(rec.email)
            row.created_at, row.updated_at, row.completed_at = rec.created_at, rec.updated_at, rec.completed_at
            row.currency, row.total_cents, row.items_count = rec.currency, rec.total_cents, rec.items_count
            row.summary, row.recovery_url = rec.summary, rec.recovery_url
            s.add(row)
        s.flush()
        return created, updated


