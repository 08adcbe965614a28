"""The demo store of one platform as domain records, so the emulator can serve it through that platform's API.

`DemoStore` produces both demo stores as columns for the bulk loader; here the rows of one store become the
`CustomerRecord`s, `OrderRecord`s, `ProductRecord`s and `CheckoutRecord`s its connector would hand the sync:
the store's own external ids, its currency, each customer as that store knows them (a shopper known to both stores
appears in each with that store's account id), and the whole catalogue, bought or not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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
from ecrm_desktop.storage.columnar import Column, Columns, Tables
from ecrm_desktop.sync.emulator.demo_store import BLOCK, TAGS, DemoStore
from ecrm_desktop.sync.emulator.emulated_store import EmulatedStore, build_store
from ecrm_desktop.sync.emulator.stores import STORES


@dataclass(frozen=True)
class DemoBlock:
    """The records of one generation block of one store."""

    customers: list[CustomerRecord]
    orders: list[OrderRecord]
    checkouts: list[CheckoutRecord]


def demo_emulated_store(platform: Platform, customers: int, seed: int = 1) -> EmulatedStore:
    """The demo's `platform` store (Shopify: Northwind Outfitters in USD; WooCommerce: Northwind EU in EUR) as an
    emulated store, for a demo of `customers` customers (both stores together); the same for the same seed."""
    store = store_index(platform)
    demo = DemoStore(customers, seed)
    people: list[CustomerRecord] = []
    orders: list[OrderRecord] = []
    checkouts: list[CheckoutRecord] = []
    for block in demo_blocks(demo, store):
        people += block.customers
        orders += block.orders
        checkouts += block.checkouts
    spec = STORES[store]
    return build_store(spec.name, spec.currency, people, orders, products=demo_products(demo, store),
                       checkouts=checkouts)


def store_index(platform: Platform) -> int:
    """Which of the demo's stores is the `platform` one."""
    for i, spec in enumerate(STORES):
        if spec.platform is platform:
            return i
    raise ValueError(f"the demo has no {platform.value} store")


def demo_products(demo: DemoStore, store: int) -> list[ProductRecord]:
    """The store's whole catalogue: every product with its variants, in its own currency."""
    setup = demo.setup()
    p, v = setup["products"], setup["product_variants"]
    category = setup["categories"]["name"]
    currency = STORES[store].currency
    variants: dict[int, list[VariantRecord]] = defaultdict(list)
    for product, ext, title, sku, price, stock in zip(
            *_lists(v, "product_id", "external_id", "title", "sku", "price_cents", "inventory_quantity"),
            strict=True):
        variants[product].append(VariantRecord(external_id=str(ext), title=title, price_cents=price, sku=sku,
                                               inventory_quantity=stock))
    mine = p["store_id"] == store
    created, updated = _times(p["created_at"][mine]), _times(p["updated_at"][mine])
    return [ProductRecord(external_id=str(ext), title=title, created_at=c, updated_at=u, currency=currency,
                          status=status, vendor=vendor, category=category[cat] if cat >= 0 else None,
                          variants=tuple(variants[row]))
            for row, ext, title, cat, vendor, status, c, u in zip(
                *_lists(_rows(p, mine), "id", "external_id", "title", "category_id", "vendor", "status"),
                created, updated, strict=True)]


def demo_blocks(demo: DemoStore, store: int) -> Iterator[DemoBlock]:
    """The store's customers, orders and abandoned checkouts, one generation block at a time."""
    setup = demo.setup()
    catalogue = _Catalogue(setup["products"]["external_id"], setup["product_variants"]["external_id"],
                           setup["categories"]["name"])
    for chunk in demo.chunks(BLOCK):
        for tables in chunk.blocks:
            yield _block(tables, store, catalogue)


@dataclass(frozen=True)
class _Catalogue:
    product_ext: Column  # by product row
    variant_ext: Column  # by variant row
    category: Column  # names, by category row


def _block(t: Tables, store: int, catalogue: _Catalogue) -> DemoBlock:
    ident = t["customer_identities"]
    mine = ident["store_id"] == store
    account = dict(zip(ident["customer_id"][mine].tolist(), ident["external_id"][mine].astype(str).tolist(),
                       strict=True))
    joined = dict(zip(ident["customer_id"][mine].tolist(), _times(ident["created_at"][mine]), strict=True))
    return DemoBlock(customers=_customers(t, account, joined), orders=_orders(t, store, catalogue),
                     checkouts=_checkouts(t, store, account))


def _customers(t: Tables, account: dict[int, str], joined: dict[int, datetime]) -> list[CustomerRecord]:
    tags: dict[int, list[str]] = defaultdict(list)
    for cid, tag in zip(*_lists(t["customer_tags"], "customer_id", "tag_id"), strict=True):
        tags[cid].append(TAGS[tag])
    addresses: dict[int, list[AddressRecord]] = defaultdict(list)
    a = t["addresses"]
    for cid, *fields in zip(*_lists(a, "customer_id", *_ADDRESS_FIELDS), strict=True):
        addresses[cid].append(AddressRecord(**dict(zip(_ADDRESS_FIELDS, fields, strict=True))))
    c = t["customers"]
    out = []
    for cid, first, last, email, phone, consent, consent_at, source, updated in zip(
            *_lists(c, "id", "first_name", "last_name", "email", "phone", "email_consent"),
            _times(c["email_consent_at"]), c["email_consent_source"].tolist(), _times(c["updated_at"]), strict=True):
        ext = account.get(cid)
        if ext is None:
            continue
        created = joined[cid]
        out.append(CustomerRecord(
            external_id=ext, created_at=created, updated_at=max(updated, created), first_name=first,
            last_name=last, email=email, phone=phone, email_consent=ConsentState(consent),
            email_consent_at=consent_at, email_consent_source=source, tags=tuple(tags[cid]),
            addresses=tuple(addresses[cid])))
    return out


def _orders(t: Tables, store: int, catalogue: _Catalogue) -> list[OrderRecord]:
    o = t["orders"]
    mine = o["store_id"] == store
    kept = set(o["id"][mine].tolist())

    line_ext: dict[int, str] = {}
    lines: dict[int, list[LineRecord]] = defaultdict(list)
    ln = t["order_lines"]
    for row, order, ext, product, variant, category, title, sku, qty, price in zip(
            *_lists(ln, "id", "order_id", "external_id", "product_id", "variant_id", "category_id", "title", "sku",
                    "quantity", "unit_price_cents"), strict=True):
        if order not in kept:
            continue
        line_ext[row] = str(ext)
        lines[order].append(LineRecord(
            external_id=str(ext), title=title, quantity=qty, unit_price_cents=price, sku=sku,
            product_external_id=str(catalogue.product_ext[product]) if product >= 0 else None,
            variant_external_id=str(catalogue.variant_ext[variant]) if variant >= 0 else None,
            category=str(catalogue.category[category]) if category >= 0 else None))

    codes: dict[int, list[str]] = defaultdict(list)
    for order, code in zip(*_lists(t["order_discount_codes"], "order_id", "code"), strict=True):
        if order in kept:
            codes[order].append(code)

    shipments: dict[int, list[FulfillmentRecord]] = defaultdict(list)
    f = t["fulfillments"]
    for order, ext, status, carrier, number, url, shipped, delivered in zip(
            *_lists(f, "order_id", "external_id", "status", "carrier", "tracking_number", "tracking_url"),
            _times(f["shipped_at"]), _times(f["delivered_at"]), strict=True):
        if order in kept:
            shipments[order].append(FulfillmentRecord(
                external_id=str(ext), status=ShipmentStatus(status), carrier=carrier, tracking_number=number,
                tracking_url=url, shipped_at=shipped, delivered_at=delivered))

    returned: dict[int, list[RefundLineRecord]] = defaultdict(list)
    for refund, line, qty, amount, restock in zip(
            *_lists(t["refund_lines"], "refund_id", "order_line_id", "quantity", "amount_cents", "restock"),
            strict=True):
        if line in line_ext:
            returned[refund].append(RefundLineRecord(line_ext[line], qty, amount, restock))
    refunds: dict[int, list[RefundRecord]] = defaultdict(list)
    r = t["refunds"]
    for row, order, ext, amount, reason, note, at in zip(
            *_lists(r, "id", "order_id", "external_id", "amount_cents", "reason", "note"), _times(r["created_at"]),
            strict=True):
        if order in kept:
            refunds[order].append(RefundRecord(external_id=str(ext), created_at=at, amount_cents=amount,
                                               reason=reason, note=note, lines=tuple(returned[row])))

    m = _rows(o, mine)
    out = []
    for (row, ext, customer, number, email, status, fulfilment, currency, subtotal, discount, shipping, tax, total,
         channel, gateway, brand, last4, country, city, reason), created, updated, cancelled in zip(
            zip(*_lists(m, "id", "external_id", "customer_external_id", "number", "email", "financial_status",
                        "fulfillment_status", "currency", "subtotal_cents", "discount_cents", "shipping_cents",
                        "tax_cents", "total_cents", "sales_channel", "payment_gateway", "card_brand", "card_last4",
                        "shipping_country", "shipping_city", "cancel_reason"), strict=True),
            _times(m["created_at"]), _times(m["updated_at"]), _times(m["cancelled_at"]), strict=True):
        out.append(OrderRecord(
            external_id=str(ext), number=str(number), created_at=created, updated_at=updated, currency=currency,
            total_cents=total, financial_status=FinancialStatus(status),
            fulfillment_status=FulfillmentStatus(fulfilment),
            customer_external_id=str(customer) if customer >= 0 else None, email=email, subtotal_cents=subtotal,
            discount_cents=discount, shipping_cents=shipping, tax_cents=tax, cancelled_at=cancelled,
            cancel_reason=reason, sales_channel=channel, discount_codes=tuple(codes[row]), payment_gateway=gateway,
            card_brand=brand, card_last4=last4, shipping_country=country, shipping_city=city,
            lines=tuple(lines[row]), fulfillments=tuple(shipments[row]), refunds=tuple(refunds[row])))
    return out


def _checkouts(t: Tables, store: int, account: dict[int, str]) -> list[CheckoutRecord]:
    k = t["abandoned_checkouts"]
    m = _rows(k, k["store_id"] == store)
    return [CheckoutRecord(external_id=str(ext), created_at=created, updated_at=updated, currency=currency,
                           total_cents=total, items_count=items, email=email, customer_external_id=account.get(cid),
                           completed_at=completed, summary=summary, recovery_url=url)
            for ext, cid, email, currency, total, items, summary, url, created, updated, completed in zip(
                *_lists(m, "external_id", "customer_id", "email", "currency", "total_cents", "items_count",
                        "summary", "recovery_url"),
                _times(m["created_at"]), _times(m["updated_at"]), _times(m["completed_at"]), strict=True)]


_ADDRESS_FIELDS = ("name", "company", "address1", "address2", "city", "region", "postal_code", "country", "phone",
                   "is_default")


def _rows(columns: Columns, keep: Column) -> Columns:
    return {name: values[keep] for name, values in columns.items()}


def _lists(columns: Columns, *names: str) -> list[list[Any]]:
    """Columns as Python lists (numbers as int, strings as str), ready to zip."""
    return [columns[n].tolist() for n in names]


def _times(values: Column) -> list[Any]:
    """UTC-aware datetimes (None for NaT)."""
    return [None if v is None else v.replace(tzinfo=UTC) for v in values.astype("datetime64[s]").astype(object)]
