"""The demo store of one platform as the emulator serves it: the generator's rows of that store, as records."""

from __future__ import annotations

import numpy as np
import pytest

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.sync.emulator.demo_records import demo_emulated_store, store_index
from ecrm_desktop.sync.emulator.demo_store import DemoStore
from ecrm_desktop.sync.emulator.stores import STORES

CUSTOMERS = 1_500


@pytest.mark.parametrize("platform", [Platform.SHOPIFY, Platform.WOOCOMMERCE])
def test_the_store_holds_exactly_the_generators_rows_of_that_store(platform: Platform) -> None:
    store = demo_emulated_store(platform, CUSTOMERS, seed=4)
    s = store_index(platform)
    spec = STORES[s]
    assert (store.name, store.currency) == (spec.name, spec.currency)
    blocks = [b for c in DemoStore(CUSTOMERS, 4).chunks(CUSTOMERS) for b in c.blocks]

    def count(table: str) -> int:
        return sum(int(np.sum(b[table]["store_id"] == s)) for b in blocks)

    assert len(store.customers) == count("customer_identities")
    assert len(store.orders) == count("orders")
    assert len(store.checkouts) == count("abandoned_checkouts")
    assert len(store.products) == DemoStore(CUSTOMERS, 4).catalogue.product_count
    orders = list(store.orders.values())
    lines = sum(len(o.lines) for o in orders)
    assert lines == sum(int(np.sum(b["orders"]["store_id"][b["order_lines"]["order_id"] - b["orders"]["id"][0]] == s))
                        for b in blocks)
    assert sum(o.total_cents for o in orders) == sum(
        int(b["orders"]["total_cents"][b["orders"]["store_id"] == s].sum()) for b in blocks)


@pytest.mark.parametrize("platform", [Platform.SHOPIFY, Platform.WOOCOMMERCE])
def test_every_reference_resolves_inside_the_store(platform: Platform) -> None:
    store = demo_emulated_store(platform, CUSTOMERS)
    variants = {v.external_id for p in store.products.values() for v in p.variants}
    for o in store.orders.values():
        assert o.customer_external_id in store.customers
        assert o.currency == store.currency and o.updated_at >= o.created_at
        line_ids = {ln.external_id for ln in o.lines}
        assert all(ln.product_external_id in store.products and ln.variant_external_id in variants
                   for ln in o.lines)
        assert all(rl.line_external_id in line_ids for r in o.refunds for rl in r.lines)
        assert o.refunded_cents <= o.total_cents
    for c in store.customers.values():
        assert c.updated_at >= c.created_at and c.created_at.tzinfo is not None
    assert all(k.customer_external_id in store.customers for k in store.checkouts.values())
    assert any(o.refunds for o in store.orders.values()) and any(o.fulfillments for o in store.orders.values())
    assert any(c.tags for c in store.customers.values())


def test_the_same_seed_gives_the_same_store_and_another_seed_another() -> None:
    one, same = demo_emulated_store(Platform.SHOPIFY, 600, seed=2), demo_emulated_store(Platform.SHOPIFY, 600, seed=2)
    assert one.customers == same.customers and one.orders == same.orders and one.products == same.products
    assert one.checkouts == same.checkouts
    other = demo_emulated_store(Platform.SHOPIFY, 600, seed=3)
    assert other.orders != one.orders


def test_a_shopper_known_to_both_stores_has_an_account_in_each() -> None:
    us, eu = demo_emulated_store(Platform.SHOPIFY, 6_000), demo_emulated_store(Platform.WOOCOMMERCE, 6_000)
    us_emails = {c.email for c in us.customers.values()}
    both = [c for c in eu.customers.values() if c.email in us_emails]
    assert both, "the demo has shoppers known to both stores"
    assert all(not c.external_id.startswith("7214") for c in both)  # with the WooCommerce store's own ids
