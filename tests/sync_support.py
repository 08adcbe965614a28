"""Shared helpers of the sync tests: a small deterministic store, emulators on loopback, fast HTTP options and
a canonical dump of what a workspace holds."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.catalogue import CheckoutRecord, ProductRecord, VariantRecord
from ecrm_desktop.domain.enums import ConsentState, FinancialStatus, FulfillmentStatus, Platform, ShipmentStatus
from ecrm_desktop.domain.records import (
    AddressRecord,
    CustomerRecord,
    FulfillmentRecord,
    LineRecord,
    OrderRecord,
    RefundLineRecord,
    RefundRecord,
)
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.stores import StoreInfo, StoreService
from ecrm_desktop.services.sync import SyncService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import (
    AbandonedCheckout,
    Address,
    Customer,
    CustomerIdentity,
    CustomerTag,
    Fulfillment,
    Order,
    OrderLine,
    Product,
    ProductVariant,
    Refund,
    RefundLine,
    Store,
    Tag,
)
from ecrm_desktop.sync.emulator.emulated_store import EmulatedStore, build_store
from ecrm_desktop.sync.emulator.faults import Faults
from ecrm_desktop.sync.emulator.server import EmulatorServer, serve
from ecrm_desktop.sync.emulator.shopify_api import Bucket
from ecrm_desktop.sync.http import HttpOptions
from ecrm_desktop.sync.pages import Connector

T0 = datetime(2025, 3, 1, tzinfo=UTC)
FAST = HttpOptions(timeout=1.0, connect_timeout=1.0, attempts=4, backoff_base=0.01, backoff_cap=0.05)
CATEGORIES = ("Shoes", "Apparel", "Books")


def sample_store(customers: int = 40, seed: int = 7, currency: str = "USD", name: str = "Emulated Shop",
                 id_base: int = 1000) -> EmulatedStore:
    """A store of `customers` customers with products, orders (lines, shipments, refunds) and checkouts."""
    rng = random.Random(seed)
    products = [ProductRecord(
        external_id=str(id_base * 10 + p), title=f"Product {p}", created_at=T0 - timedelta(days=400),
        updated_at=T0 - timedelta(days=300 - p), currency=currency, vendor="Northwind", category=CATEGORIES[p % 3],
        variants=tuple(VariantRecord(external_id=str(id_base * 100 + p * 10 + v), title=f"Size {v}",
                                     price_cents=1000 + 250 * p + 100 * v, sku=f"SKU-{p}-{v}",
                                     inventory_quantity=rng.randint(0, 50)) for v in range(2)))
        for p in range(6)]
    custs, orders, checkouts = [], [], []
    line_id, refund_id, order_id = id_base * 1000, id_base * 10, id_base * 100
    for i in range(customers):
        ext = str(id_base + i)
        created = T0 - timedelta(days=rng.randint(30, 700), seconds=rng.randint(0, 86_000))
        country, city = rng.choice((("US", "Boston"), ("GB", "London"), ("DE", "Berlin")))
        custs.append(CustomerRecord(
            external_id=ext, created_at=created, updated_at=created + timedelta(days=rng.randint(0, 20)),
            first_name=f"First{i}", last_name=f"Last{i}", email=f"shopper{i}@example.com",
            phone=f"+1 617 555 {i:04d}", email_consent=ConsentState.SUBSCRIBED,
            email_consent_at=created, tags=("VIP",) if i % 5 == 0 else (),
            addresses=(AddressRecord(address1=f"{i} Main St", city=city, country=country, postal_code="02110",
                                     name=f"First{i} Last{i}", is_default=True),)))
        for _ in range(rng.randint(0, 3)):
            order_id += 1
            when = created + timedelta(days=rng.randint(1, 25), seconds=rng.randint(0, 80_000))
            lines = []
            for _ in range(rng.randint(1, 3)):
                line_id += 1
                p = rng.choice(products)
                v = rng.choice(p.variants)
                lines.append(LineRecord(external_id=str(line_id), title=p.title, quantity=rng.randint(1, 3),
                                        unit_price_cents=v.price_cents, sku=v.sku, product_external_id=p.external_id,
                                        variant_external_id=v.external_id, category=p.category))
            total = sum(ln.total_cents for ln in lines)
            refunds: tuple[RefundRecord, ...] = ()
            status = FinancialStatus.PAID
            if rng.random() < 0.25:
                refund_id += 1
                ln = lines[0]
                refunds = (RefundRecord(external_id=str(refund_id), created_at=when + timedelta(days=9),
                                        amount_cents=ln.unit_price_cents, reason="size",
                                        lines=(RefundLineRecord(ln.external_id, 1, ln.unit_price_cents),)),)
                status = FinancialStatus.PARTIALLY_REFUNDED if total > ln.unit_price_cents else FinancialStatus.REFUNDED
            orders.append(OrderRecord(
                external_id=str(order_id), number=str(order_id), created_at=when,
                updated_at=when + timedelta(days=10), currency=currency, total_cents=total, subtotal_cents=total,
                financial_status=status, fulfillment_status=FulfillmentStatus.FULFILLED,
                customer_external_id=ext, email=f"shopper{i}@example.com", payment_gateway="stripe",
                shipping_country=country, shipping_city=city, discount_codes=("WELCOME",) if rng.random() < .2 else (),
                lines=tuple(lines), refunds=refunds,
                fulfillments=(FulfillmentRecord(external_id=str(order_id), status=ShipmentStatus.IN_TRANSIT,
                                                carrier="UPS", tracking_number=f"1Z{order_id}",
                                                shipped_at=when + timedelta(days=1)),)))
        if i % 7 == 3:
            checkouts.append(CheckoutRecord(
                external_id=str(id_base * 3 + i), created_at=created + timedelta(days=2),
                updated_at=created + timedelta(days=2), currency=currency, total_cents=4500, items_count=2,
                email=f"shopper{i}@example.com", customer_external_id=ext, summary="Product 1",
                recovery_url=f"https://shop.example/recover/{i}"))
    return build_store(name, currency, custs, orders, products=products, checkouts=checkouts)


@contextmanager
def emulator(store: EmulatedStore, platform: Platform, faults: Faults | None = None,
             bucket: Bucket | None = None) -> Iterator[EmulatorServer]:
    server = serve(store, platform, faults=faults or Faults(retry_after=0.05), bucket=bucket)
    try:
        yield server
    finally:
        server.stop()


def connect(session: UserSession, secrets: SecretStore, server: EmulatorServer, platform: Platform,
            name: str = "Emulated Shop") -> StoreInfo:
    service = StoreService(session, secrets, FAST)
    store = server.api.store  # type: ignore[attr-defined]
    if platform is Platform.SHOPIFY:
        return service.add_shopify(name, server.url, store.token)
    return service.add_woocommerce(name, server.url, store.key, store.secret)


def run_sync(session: UserSession, secrets: SecretStore, page_size: int | None = None,
             **tuning: Any) -> dict[str, Any]:
    """One sync of every connected store (`sync --json`); with `page_size`, connectors ask for pages that small,
    and each other keyword (`bulk_threshold`, `reconcile_every`) sets that attribute on connectors that have it."""
    service = SyncService(session, secrets, FAST)
    settings = {**tuning, **({"page_size": page_size} if page_size is not None else {})}
    if settings:
        make = service.stores.connector

        def tuned(store: Store) -> Connector:
            connector = make(store)
            for name, value in settings.items():
                if hasattr(connector, name):
                    setattr(connector, name, value)
            return connector

        service.stores.connector = tuned  # type: ignore[method-assign]
    return service.run().to_json()


def dump(session: UserSession) -> dict[str, list[tuple[Any, ...]]]:
    """What the workspace holds of the store's data, keyed by external ids, in a canonical order."""
    with session.workspace.sessions() as s:
        return {name: sorted(_rows(s, query), key=canonical) for name, query in _QUERIES.items()}


def canonical(row: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    """A sort key of rows that may hold None (an order whose customer was erased, a blanked customer)."""
    return tuple((v is not None, str(v)) for v in row)


def _rows(s: Session, query: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in s.execute(query).all()]


_QUERIES = {
    "customers": select(CustomerIdentity.external_id, Customer.email, Customer.first_name, Customer.last_name,
                        Customer.phone, Customer.email_consent, Customer.country, Customer.city,
                        Customer.orders_count, Customer.total_spent_cents, Customer.refunded_cents)
    .join(Customer, Customer.id == CustomerIdentity.customer_id),
    "addresses": select(Customer.email, Address.address1, Address.city, Address.country, Address.is_default)
    .join(Customer, Customer.id == Address.customer_id),
    "tags": select(Customer.email, Tag.name).join(CustomerTag, CustomerTag.customer_id == Customer.id)
    .join(Tag, Tag.id == CustomerTag.tag_id),
    "orders": select(Store.name, Order.external_id, Order.number, Order.customer_external_id, Customer.email,
                     Order.created_at, Order.updated_at, Order.currency, Order.total_cents, Order.refunded_cents,
                     Order.financial_status, Order.fulfillment_status, Order.shipping_country)
    .join(Store, Store.id == Order.store_id).outerjoin(Customer, Customer.id == Order.customer_id),
    "lines": select(Order.external_id, OrderLine.external_id, OrderLine.title, OrderLine.quantity,
                    OrderLine.unit_price_cents, OrderLine.sku, Product.external_id, ProductVariant.external_id)
    .join(Order, Order.id == OrderLine.order_id).outerjoin(Product, Product.id == OrderLine.product_id)
    .outerjoin(ProductVariant, ProductVariant.id == OrderLine.variant_id),
    "refunds": select(Order.external_id, Refund.external_id, Refund.created_at, Refund.amount_cents,
                      OrderLine.external_id, RefundLine.quantity, RefundLine.amount_cents)
    .join(Order, Order.id == Refund.order_id).outerjoin(RefundLine, RefundLine.refund_id == Refund.id)
    .outerjoin(OrderLine, OrderLine.id == RefundLine.order_line_id),
    "fulfillments": select(Order.external_id, Fulfillment.external_id, Fulfillment.carrier,
                           Fulfillment.tracking_number).join(Order, Order.id == Fulfillment.order_id),
    "products": select(Product.external_id, Product.title, ProductVariant.external_id, ProductVariant.sku,
                       ProductVariant.price_cents, ProductVariant.inventory_quantity)
    .join(ProductVariant, ProductVariant.product_id == Product.id),
    "checkouts": select(AbandonedCheckout.external_id, AbandonedCheckout.email, AbandonedCheckout.total_cents,
                        AbandonedCheckout.customer_id.is_not(None)),
}


def expected_orders(store: EmulatedStore) -> list[tuple[Any, ...]]:
    """The emulated store's orders as `dump(...)["orders"]` shows them after a faithful sync."""
    return sorted(((store.name, o.external_id, o.number, o.customer_external_id, o.email, o.created_at,
                   o.updated_at, o.currency, o.total_cents, o.refunded_cents, o.financial_status,
                    o.fulfillment_status, o.shipping_country) for o in store.snapshot("orders")), key=canonical)
