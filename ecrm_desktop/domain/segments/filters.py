"""The catalogue of every segment filter: its value type, operators, parameters and an example.

The parser validates queries against it, the visual builder offers exactly these filters, and the user guide's
reference table (`reference.markdown_table`) is generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.segments.ast import Operator as Op
from ecrm_desktop.domain.segments.rfm import RfmGroup


class Kind(StrEnum):
    """What a filter's (or parameter's) value is written as."""

    MONEY = "amount"  # a number in the reporting currency, at most 2 decimals
    NUMBER = "number"
    COUNT = "whole number"
    DATE = "date"
    TEXT = "text"  # a single-quoted string
    ENUM = "enum"  # one of the listed values, quoted or bare
    BOOLEAN = "true or false"
    IDS = "product ids"  # numbers or quoted `gid://` ids, one or a parenthesised list
    TEXTS = "texts"  # one quoted string or a parenthesised list of them


class Data(StrEnum):
    """Whether ecrm holds the data a filter needs."""

    YES = "yes"
    PREDICTED = "predicted"  # read from the stored predictions: counting says so when they were never computed
    NONE = "none"  # a Shopify filter ecrm has no source for: refused when parsed


COMPARE = (Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE, Op.BETWEEN)
DATES = (Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE, Op.BETWEEN)
NULLS = (Op.IS_NULL, Op.IS_NOT_NULL)
MEMBER = (Op.CONTAINS, Op.NOT_CONTAINS)
EQUALS = (Op.EQ, Op.NE)


@dataclass(frozen=True)
class ParamSpec:
    """One `name:` argument of a function filter. A DATE parameter takes an operator (`date: >= -30d`)."""

    name: str
    kind: Kind
    summary: str
    required: bool = False
    data: Data = Data.YES


@dataclass(frozen=True)
class FilterSpec:
    name: str
    kind: Kind
    operators: tuple[Op, ...]
    summary: str
    example: str
    origin: str = "Shopify"
    values: tuple[str, ...] = ()
    params: tuple[ParamSpec, ...] = ()
    data: Data = Data.YES

    @property
    def is_function(self) -> bool:
        return bool(self.params)

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)


RFM_GROUPS = tuple(g.value for g in RfmGroup)
TIERS = ("LOW", "MEDIUM", "HIGH")
SPEND_TIERS = (*TIERS, "TOP")
PURCHASE_WINDOW = ParamSpec("date", Kind.DATE, "only orders placed on these days")

_CATALOGUE = (
    # -- Shopify's filters ------------------------------------------------------------------------------------
    FilterSpec("abandoned_checkout_date", Kind.DATE, DATES + NULLS, "day of the latest checkout left unfinished",
               "abandoned_checkout_date >= -7d"),
    FilterSpec("amount_spent", Kind.MONEY, COMPARE, "total of orders not cancelled, in the reporting currency",
               "amount_spent BETWEEN 1 AND 999.99"),
    FilterSpec("anniversary", Kind.DATE, (Op.EQ, Op.BETWEEN), "yearly date of an event stored on the customer",
               "anniversary(date: 'metafields.facts.birth_date') BETWEEN today AND +30d",
               params=(ParamSpec("date", Kind.TEXT, "the event's field", required=True),), data=Data.NONE),
    FilterSpec("customer_account_status", Kind.ENUM, EQUALS, "state of the store account",
               "customer_account_status = ENABLED", values=("ENABLED", "DISABLED", "INVITED", "DECLINED"),
               data=Data.NONE),
    FilterSpec("customer_added_date", Kind.DATE, DATES, "day the customer was first known",
               "customer_added_date >= 2025-01-01"),
    FilterSpec("customer_cities", Kind.TEXT, MEMBER + NULLS,
               "city of the default address: a name, or Shopify's `country-region-city` code",
               "customer_cities CONTAINS 'US-NY-NewYork'"),
    FilterSpec("customer_countries", Kind.TEXT, MEMBER + NULLS, "country of the default address (ISO code)",
               "customer_countries CONTAINS 'US'"),
    FilterSpec("customer_email_domain", Kind.TEXT, EQUALS + NULLS, "the part of the email after @",
               "customer_email_domain = 'gmail.com'"),
    FilterSpec("customer_language", Kind.TEXT, EQUALS, "language the customer chose", "customer_language = 'en'",
               data=Data.NONE),
    FilterSpec("customer_regions", Kind.TEXT, MEMBER + NULLS,
               "state or province of the default address: a name or code, or `country-region`",
               "customer_regions CONTAINS 'US-CA'"),
    FilterSpec("customer_tags", Kind.TEXT, MEMBER + NULLS, "store and ecrm tags (any case)",
               "customer_tags CONTAINS 'VIP'"),
    FilterSpec("email_subscription_status", Kind.ENUM, EQUALS, "email marketing consent",
               "email_subscription_status = SUBSCRIBED", values=tuple(s.value for s in ConsentState)),
    FilterSpec("last_order_date", Kind.DATE, DATES + NULLS, "day of the latest order not cancelled",
               "last_order_date < -90d"),
    FilterSpec("number_of_orders", Kind.COUNT, COMPARE, "orders not cancelled", "number_of_orders >= 2"),
    FilterSpec("orders_placed", Kind.BOOLEAN, EQUALS, "placed a number of orders (1 or more unless given) in a window",
               "orders_placed(count_at_least: 3, date: >= -90d) = true",
               params=(ParamSpec("count_at_least", Kind.COUNT, "at least this many orders"),
                       ParamSpec("count_at_most", Kind.COUNT, "at most this many orders"),
                       PURCHASE_WINDOW)),
    FilterSpec("predicted_spend_tier", Kind.ENUM, EQUALS,
               "predicted value relative to other customers: LOW the lowest 40 %, MEDIUM the next 30 %, HIGH the "
               "top 30 %; ecrm's TOP the top 10 %", "predicted_spend_tier = HIGH", values=SPEND_TIERS,
               data=Data.PREDICTED),
    FilterSpec("products_purchased", Kind.BOOLEAN, EQUALS,
               "bought a product (any product unless narrowed) in orders not cancelled",
               "products_purchased(category: 'Shoes', date: >= -180d) = true",
               params=(ParamSpec("id", Kind.IDS, "the platform's product ids"),
                       ParamSpec("tag", Kind.TEXTS, "product tags", data=Data.NONE),
                       ParamSpec("sku", Kind.TEXTS, "variant SKUs"),
                       ParamSpec("category", Kind.TEXTS, "product categories (any case)"),
                       PURCHASE_WINDOW)),
    FilterSpec("rfm_group", Kind.ENUM, EQUALS, "recency, frequency and monetary group", "rfm_group = CHAMPIONS",
               values=RFM_GROUPS),
    FilterSpec("sms_subscription_status", Kind.ENUM, EQUALS, "SMS marketing consent",
               "sms_subscription_status = SUBSCRIBED", values=tuple(s.value for s in ConsentState),
               data=Data.NONE),
    FilterSpec("storefront.product_viewed", Kind.BOOLEAN, EQUALS, "viewed a product in the online store",
               "storefront.product_viewed(id: 1012132033639) = true",
               params=(ParamSpec("id", Kind.IDS, "product ids"), PURCHASE_WINDOW), data=Data.NONE),
    FilterSpec("shopify_email.opened", Kind.BOOLEAN, EQUALS, "opened a Shopify Email campaign",
               "shopify_email.opened(activity_id: 123) = true",
               params=(ParamSpec("activity_id", Kind.IDS, "marketing activity ids"),), data=Data.NONE),
    # -- ecrm's additions ----------------------------------------------------------------------------------------
    FilterSpec("first_order_date", Kind.DATE, DATES + NULLS, "day of the first order not cancelled",
               "first_order_date >= 30_days_ago", origin="ecrm"),
    FilterSpec("average_order_value", Kind.MONEY, COMPARE, "mean total of orders not cancelled",
               "average_order_value > 80", origin="ecrm"),
    FilterSpec("return_rate", Kind.NUMBER, COMPARE, "items refunded or returned / items bought, 0 to 1",
               "return_rate >= 0.3", origin="ecrm"),
    FilterSpec("refund_count", Kind.COUNT, COMPARE, "refunds on orders not cancelled", "refund_count >= 2",
               origin="ecrm"),
    FilterSpec("sales_channel", Kind.TEXT, MEMBER, "a channel of any order not cancelled (any case)",
               "sales_channel CONTAINS 'web'", origin="ecrm"),
    FilterSpec("store", Kind.TEXT, EQUALS, "linked to that connected store (by name)", "store = 'EU shop'",
               origin="ecrm"),
    FilterSpec("discount_codes_used", Kind.TEXT, MEMBER, "a code used on any order not cancelled (any case)",
               "discount_codes_used CONTAINS 'WELCOME10'", origin="ecrm"),
    FilterSpec("ticket_count", Kind.COUNT, COMPARE, "support tickets", "ticket_count >= 3", origin="ecrm"),
    FilterSpec("open_tickets", Kind.COUNT, COMPARE, "support tickets not solved", "open_tickets > 0", origin="ecrm"),
    FilterSpec("last_ticket_date", Kind.DATE, DATES + NULLS, "day of the latest support ticket",
               "last_ticket_date >= -14d", origin="ecrm"),
    FilterSpec("predicted_clv", Kind.MONEY, COMPARE, "predicted value of the next 12 months' orders, discounted",
               "predicted_clv > 1000", origin="ecrm", data=Data.PREDICTED),
    FilterSpec("churn_risk", Kind.ENUM, EQUALS, "predicted risk of not ordering again", "churn_risk = HIGH",
               origin="ecrm", values=TIERS, data=Data.PREDICTED),
    FilterSpec("expected_orders_90d", Kind.NUMBER, COMPARE, "predicted orders in the next 90 days",
               "expected_orders_90d >= 1", origin="ecrm", data=Data.PREDICTED),
    FilterSpec("expected_orders_365d", Kind.NUMBER, COMPARE, "predicted orders in the next 365 days",
               "expected_orders_365d >= 2", origin="ecrm", data=Data.PREDICTED),
    FilterSpec("p_alive", Kind.NUMBER, COMPARE, "probability the customer still buys, 0 to 1",
               "p_alive < 0.3", origin="ecrm", data=Data.PREDICTED),
    FilterSpec("expected_next_order_date", Kind.DATE, DATES + NULLS, "predicted day of the next order",
               "expected_next_order_date BETWEEN today AND +14d", origin="ecrm", data=Data.PREDICTED),
)

FILTERS: dict[str, FilterSpec] = {f.name: f for f in _CATALOGUE}

# Shopify filters outside the catalogue that ecrm recognises only to say it has no data for them.
SHOPIFY_WITHOUT_DATA = frozenset({
    "companies", "created_by_app_id", "customer_within_distance", "product_subscription_status",
    "store_credit_accounts", "storefront_events",
})
NO_DATA_FAMILIES = ("storefront.", "shopify_email.")


def lookup(name: str) -> FilterSpec | None:
    """The filter called `name` (any case), or None."""
    return FILTERS.get(name.lower())


def without_data(name: str) -> bool:
    """Whether `name` is a Shopify filter ecrm knows but has no data for."""
    name = name.lower()
    spec = FILTERS.get(name)
    if spec is not None:
        return spec.data is Data.NONE
    return name in SHOPIFY_WITHOUT_DATA or name.startswith(NO_DATA_FAMILIES)
