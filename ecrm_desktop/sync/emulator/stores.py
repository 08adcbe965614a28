"""The two demo stores: a Shopify store in US dollars and a WooCommerce store in euros.

Each store numbers its own records the way its platform does (Shopify's 13-digit ids and "#1001" order
names; WooCommerce's small post ids, where the order number is the order id).
"""

from __future__ import annotations

from dataclasses import dataclass

from ecrm_desktop.domain.enums import Platform

EUR_TO_USD = 1.08  # the demo's exchange rate into the reporting currency (US dollars)


@dataclass(frozen=True)
class StoreSpec:
    name: str
    platform: Platform
    currency: str
    url: str
    rate_to_reporting: float
    id_base: dict[str, int]  # first external id of each kind of record
    order_number_prefix: str  # "#" for Shopify; WooCommerce shows the bare id
    first_order_number: int | None  # None: the order number is the order's external id
    gateways: tuple[tuple[str, float, bool], ...]  # name, share, pays by card
    card_brands: tuple[tuple[str, float], ...]
    shipping_fee: int  # cents, domestic
    international_fee: int
    free_shipping_from: int
    support_address: str
    recovery_path: str  # where an abandoned checkout is taken up again ({token})


SHOPIFY = StoreSpec(
    name="Northwind Outfitters", platform=Platform.SHOPIFY, currency="USD",
    url="https://northwind-outfitters.myshopify.com", rate_to_reporting=1.0,
    id_base={"customer": 7_214_000_000_000, "product": 8_101_000_000_000, "variant": 45_210_000_000_000,
             "order": 5_612_000_000_000, "line": 14_020_000_000_000, "fulfillment": 4_870_000_000_000,
             "refund": 912_000_000_000, "checkout": 30_450_000_000_000},
    order_number_prefix="#", first_order_number=1001,
    gateways=(("shopify_payments", 0.7, True), ("paypal", 0.18, False), ("shop_pay", 0.09, True),
              ("gift_card", 0.03, False)),
    card_brands=(("Visa", 0.52), ("Mastercard", 0.3), ("American Express", 0.13), ("Discover", 0.05)),
    shipping_fee=695, international_fee=1_995, free_shipping_from=7_500,
    support_address="support@northwind-outfitters.example",
    recovery_path="/checkouts/ac/{token}/recover",
)

WOOCOMMERCE = StoreSpec(
    name="Northwind EU", platform=Platform.WOOCOMMERCE, currency="EUR",
    url="https://eu.northwind-outfitters.example", rate_to_reporting=EUR_TO_USD,
    id_base={"customer": 1_000, "product": 200, "variant": 5_000, "order": 12_000, "line": 1,
             "fulfillment": 1, "refund": 1, "checkout": 1},
    order_number_prefix="", first_order_number=None,
    gateways=(("stripe", 0.55, True), ("paypal", 0.3, False), ("klarna", 0.12, False),
              ("bacs", 0.03, False)),
    card_brands=(("Visa", 0.55), ("Mastercard", 0.4), ("American Express", 0.05)),
    shipping_fee=495, international_fee=1_495, free_shipping_from=6_000,
    support_address="service@northwind-eu.example",
    recovery_path="/checkout/?recover-cart={token}",
)

STORES: tuple[StoreSpec, ...] = (SHOPIFY, WOOCOMMERCE)
US_STORE, EU_STORE = 0, 1
