"""The in-memory store the emulator serves: domain records keyed by external id, safe to change while a sync
reads it (tests change records mid-sync, as shoppers do)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from ecrm_desktop.domain.catalogue import CheckoutRecord, ProductRecord, VariantRecord
from ecrm_desktop.domain.records import CustomerRecord, OrderRecord

ALL_SCOPES = ("read_customers", "read_orders", "read_all_orders", "read_products")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class EmulatedStore:
    """One shop. `token` is what Shopify clients must send; `key`/`secret` what WooCommerce clients must."""

    name: str
    currency: str
    customers: dict[str, CustomerRecord] = field(default_factory=dict)
    orders: dict[str, OrderRecord] = field(default_factory=dict)
    products: dict[str, ProductRecord] = field(default_factory=dict)
    checkouts: dict[str, CheckoutRecord] = field(default_factory=dict)
    # The emulator's well-known demo credentials (it serves only 127.0.0.1).
    token: str = "shpat_emulator"  # noqa: S105
    key: str = "ck_emulator"
    secret: str = "cs_emulator"  # noqa: S105
    scopes: tuple[str, ...] = ALL_SCOPES
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def snapshot(self, kind: str) -> list[Any]:
        """The records of one kind ("customers", "orders", "products", "checkouts"), copied under the lock."""
        with self.lock:
            records: dict[str, Any] = getattr(self, kind)
            return list(records.values())

    def put(self, *records: CustomerRecord | OrderRecord | ProductRecord | CheckoutRecord) -> None:
        """Add or replace records as they are."""
        with self.lock:
            for r in records:
                self._table(r)[r.external_id] = r

    def change(self, kind: str, external_id: str, **fields: Any) -> Any:
        """Change one record as the store would: the new fields and `updated_at` now. Returns the new record."""
        with self.lock:
            table: dict[str, Any] = getattr(self, kind)
            record = replace(table[external_id], **{"updated_at": now(), **fields})
            table[external_id] = record
            return record

    def delete(self, kind: str, external_id: str) -> None:
        """Delete one record, as a shop owner does in the store's admin."""
        with self.lock:
            table: dict[str, Any] = getattr(self, kind)
            del table[external_id]

    def anonymise(self, customer_id: str) -> None:
        """Erase a customer as a data-protection request does (Shopify's customer redaction, WordPress's personal
        data erasure): the account goes and the customer's orders lose who placed them."""
        with self.lock:
            del self.customers[customer_id]
            for o in [o for o in self.orders.values() if o.customer_external_id == customer_id]:
                self.orders[o.external_id] = replace(o, customer_external_id=None, email=None, shipping_city=None,
                                                     updated_at=now())

    def _table(self, record: object) -> dict[str, Any]:
        kinds: dict[type, dict[str, Any]] = {CustomerRecord: self.customers, OrderRecord: self.orders,
                                             ProductRecord: self.products, CheckoutRecord: self.checkouts}
        return kinds[type(record)]


def build_store(name: str, currency: str, customers: Iterable[CustomerRecord], orders: Iterable[OrderRecord], *,
                products: Iterable[ProductRecord] | None = None, checkouts: Iterable[CheckoutRecord] = (),
                **credentials: Any) -> EmulatedStore:
    """An emulated store holding these records; without `products`, the catalogue is what the orders bought."""
    order_list = list(orders)
    store = EmulatedStore(name=name, currency=currency, **credentials)
    store.put(*customers, *order_list, *(products if products is not None else _products_of(order_list, currency)),
              *checkouts)
    return store


def _products_of(orders: list[OrderRecord], currency: str) -> list[ProductRecord]:
    products: dict[str, ProductRecord] = {}
    for o in orders:
        for ln in o.lines:
            if ln.product_external_id is None:
                continue
            p = products.get(ln.product_external_id) or ProductRecord(
                external_id=ln.product_external_id, title=ln.title, created_at=o.created_at,
                updated_at=o.created_at, currency=currency, category=ln.category)
            variant_id = ln.variant_external_id or ln.product_external_id
            if all(v.external_id != variant_id for v in p.variants):
                p = replace(p, variants=(*p.variants, VariantRecord(
                    external_id=variant_id, title=ln.title, price_cents=ln.unit_price_cents, sku=ln.sku)))
            products[p.external_id] = p
    return list(products.values())
