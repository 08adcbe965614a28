"""The demo store generator: two stores, their catalogue, customers, orders, shipments, returns, abandoned
checkouts and support tickets, as columns ready for `storage.bulk_load`.

Everything is drawn from numpy PCG64 streams keyed by (seed, block): customers come in fixed blocks of
`BLOCK` and each block's draws depend only on the seed and the block number, so the same customer count and
seed give the same data whatever the chunk size a caller asks for. "Now" is the fixed `DEMO_NOW`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from ecrm_desktop.storage.columnar import Column, Columns, Tables
from ecrm_desktop.sync.emulator.catalogue import CATEGORIES, Catalogue, build_catalogue
from ecrm_desktop.sync.emulator.checkouts import make_checkouts
from ecrm_desktop.sync.emulator.customers import Customers, make_customers
from ecrm_desktop.sync.emulator.numbering import Numbering
from ecrm_desktop.sync.emulator.orders import PARTIALLY_REFUNDED, REFUNDED, Orders, make_orders
from ecrm_desktop.sync.emulator.returns import make_returns
from ecrm_desktop.sync.emulator.sampling import IntArray, seeded, strings
from ecrm_desktop.sync.emulator.seasons import DAY, DEMO_NOW, HISTORY_START, Timeline
from ecrm_desktop.sync.emulator.shipping import make_shipments
from ecrm_desktop.sync.emulator.stores import STORES
from ecrm_desktop.sync.emulator.support import make_tickets
from ecrm_desktop.sync.emulator.support_texts import TOPICS

BLOCK = 5_000  # customers per generation block; part of what a seed means, so never change it lightly
BLOCK_STREAM = 2
SIGNUP_GROWTH_PER_YEAR = 0.4
VIP_SPEND_CENTS = 400_000  # lifetime spend (reporting currency) from which a store tags a customer VIP
CUSTOMER_TAGS = ("VIP", "wholesale", "newsletter", "influencer")
TAGS = CUSTOMER_TAGS + tuple(t.tag for t in TOPICS)
_TOPIC_TAG = np.arange(len(CUSTOMER_TAGS), len(TAGS), dtype=np.int64)


@dataclass(frozen=True)
class DemoChunk:
    """Consecutive customers with everything that belongs to them."""

    customers: int
    orders: int
    tickets: int
    blocks: list[Tables]  # one per generation block, each self-contained


@dataclass
class DemoStore:
    """A deterministic demo of `customers` customers for `seed` (see the module docstring)."""

    customers: int
    seed: int = 1
    catalogue: Catalogue = field(init=False)

    def __post_init__(self) -> None:
        if self.customers < 0:
            raise ValueError("the number of customers cannot be negative")
        self.catalogue = build_catalogue(self.seed)

    def setup(self) -> Tables:
        """The stores, currency rate, categories, tags and catalogue: to be written before any chunk."""
        c = self.catalogue
        n_p, n_v, n_s = c.product_count, c.variant_count, len(STORES)
        store_of_p = np.repeat(np.arange(n_s), n_p)
        store_of_v = np.repeat(np.arange(n_s), n_v)
        product = np.tile(np.arange(n_p), n_s)
        variant = np.tile(np.arange(n_v), n_s)
        created = np.tile(c.product_created, n_s).view("datetime64[s]")
        return {
            "stores": {
                "id": np.arange(n_s), "name": strings([s.name for s in STORES]),
                "platform": strings([s.platform.value for s in STORES]), "url": strings([s.url for s in STORES]),
                "currency": strings([s.currency for s in STORES]),
                "settings_json": strings([json.dumps({"demo": True})] * n_s),
                "created_at": np.full(n_s, HISTORY_START - 400 * DAY).view("datetime64[s]"),
            },
            "currency_rates": {
                "currency": strings([s.currency for s in STORES if s.rate_to_reporting != 1.0]),
                "rate_to_reporting": np.array([s.rate_to_reporting for s in STORES if s.rate_to_reporting != 1.0]),
                "updated_at": np.full(1, DEMO_NOW).view("datetime64[s]"),
            },
            "categories": {"id": np.arange(len(CATEGORIES)), "name": strings([k.name for k in CATEGORIES])},
            "tags": {"id": np.arange(len(TAGS)), "name": strings(TAGS)},
            "products": {
                "id": np.arange(n_s * n_p), "store_id": store_of_p,
                "external_id": np.array([s.id_base["product"] for s in STORES])[store_of_p] + product,
                "title": c.product_title[product], "category_id": c.product_category[product],
                "vendor": c.product_vendor[product],
                "status": np.where(c.product_archived[product], "ARCHIVED", "ACTIVE").astype(object),
                "created_at": created, "updated_at": created,
            },
            "product_variants": {
                "id": np.arange(n_s * n_v), "product_id": store_of_v * n_p + c.variant_product[variant],
                "external_id": np.array([s.id_base["variant"] for s in STORES])[store_of_v] + variant,
                "title": c.variant_title[variant], "sku": c.variant_sku[variant],
                "price_cents": c.variant_price[store_of_v, variant],
                "currency": strings([s.currency for s in STORES])[store_of_v],
                "inventory_quantity": np.tile(c.variant_inventory, n_s),
            },
        }

    def chunks(self, chunk_customers: int) -> Iterator[DemoChunk]:
        """The demo's customers, `chunk_customers` at a time (rounded up to whole blocks)."""
        per_chunk = max(1, -(-chunk_customers // BLOCK))
        blocks = -(-self.customers // BLOCK)
        numbering = Numbering()
        signups, orders = Timeline(SIGNUP_GROWTH_PER_YEAR), Timeline(0.0)
        for start in range(0, blocks, per_chunk):
            parts = [self._block(b, numbering, signups, orders) for b in range(start, min(start + per_chunk, blocks))]
            yield DemoChunk(customers=sum(p["customers"]["id"].size for p in parts),
                            orders=sum(p["orders"]["id"].size for p in parts),
                            tickets=sum(p["tickets"]["id"].size for p in parts), blocks=parts)

    def _block(self, b: int, numbering: Numbering, signups: Timeline, order_times: Timeline) -> Tables:
        rng = seeded(self.seed, BLOCK_STREAM, b)
        first = b * BLOCK
        customers = make_customers(rng, first, min(BLOCK, self.customers - first), total=self.customers,
                                   signups=signups, numbering=numbering)
        orders = make_orders(rng, customers, self.catalogue, timeline=order_times, numbering=numbering)
        shipments = make_shipments(rng, orders, numbering)
        returns = make_returns(rng, orders, customers, delivered=shipments.delivered, numbering=numbering)
        checkouts = make_checkouts(rng, customers, self.catalogue, timeline=order_times, numbering=numbering)
        support = make_tickets(rng, customers, orders, shipments=shipments.columns, catalogue=self.catalogue,
                               timeline=order_times, numbering=numbering, tag_of_topic=_TOPIC_TAG)
        financial = np.where(returns.everything_returned, REFUNDED,
                             np.where(returns.refunded_cents > 0, PARTIALLY_REFUNDED, orders.payment))
        updated = np.maximum.reduce([orders.created, orders.cancelled_at, shipments.last_event, returns.refunded_at])
        return {
            "customers": {**customers.columns, "updated_at": _customer_updated(customers, orders, updated)},
            **customers.children,
            "customer_tags": _customer_tags(customers, orders),
            "orders": orders.table(financial, returns.refunded_cents, updated),
            "order_lines": orders.lines, "order_discount_codes": orders.discount_codes,
            "fulfillments": shipments.columns, "refunds": returns.refunds, "refund_lines": returns.refund_lines,
            "abandoned_checkouts": checkouts,
            "tickets": support.tickets, "ticket_messages": support.messages, "ticket_tags": support.tags,
        }


def _customer_updated(customers: Customers, orders: Orders, order_updated: IntArray) -> Column:
    latest = np.maximum(customers.signup, customers.consent_at)
    np.maximum.at(latest, orders.customer, order_updated)
    return latest.view("datetime64[s]")


def _customer_tags(customers: Customers, orders: Orders) -> Columns:
    """The stores' tags: VIP for big spenders, and wholesale, newsletter and influencer accounts."""
    spent = np.zeros(customers.count, dtype=np.int64)
    kept = ~orders.cancelled
    np.add.at(spent, orders.customer[kept], orders.columns["total_reporting_cents"][kept])
    flags = np.column_stack([spent >= VIP_SPEND_CENTS, customers.wholesale, customers.newsletter,
                             customers.influencer])
    who, tag = np.nonzero(flags)
    return {"customer_id": customers.ids[who], "tag_id": tag, "source": np.full(who.size, "store", dtype=object)}
