"""Demo orders: how many each customer places and when, what is in them, what they cost, how they are paid.

Orders per customer are heavy-tailed: a tenth never order, almost half order once, and the rest come back at
irregular intervals, some for years, some lapsing. Orders are numbered customer by customer in time order, so
a customer's order numbers rise with the dates. Shipping and returns are added later (see `shipping`,
`returns`); `Orders.table` then writes the order rows with the statuses and amounts those change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecrm_desktop.domain.enums import FinancialStatus, FulfillmentStatus
from ecrm_desktop.storage.columnar import NAT, Columns, is_null
from ecrm_desktop.sync.emulator.catalogue import Catalogue
from ecrm_desktop.sync.emulator.customers import Customers
from ecrm_desktop.sync.emulator.geography import COUNTRIES
from ecrm_desktop.sync.emulator.numbering import Numbering
from ecrm_desktop.sync.emulator.sampling import (
    BoolArray,
    Choice,
    FloatArray,
    GroupedChoice,
    IntArray,
    expand,
    strings,
    where_else_none,
)
from ecrm_desktop.sync.emulator.seasons import (
    DAY,
    DEMO_NOW,
    HOUR,
    Timeline,
    day_of_month,
    is_black_friday_weekend,
    month_of,
    time_of_day,
)
from ecrm_desktop.sync.emulator.stores import STORES, US_STORE

NEVER, ONCE = 0.10, 0.45  # shares of customers with no order and with exactly one
FIRST_ORDER_AT_SIGNUP = 0.75  # most accounts are created at their first checkout
CHURN_SHARE = 0.45
CHURN_AFTER_DAYS = 300.0
REPEAT_RATE_MEDIAN = 5.5  # orders a year of a repeat customer, median ...
REPEAT_RATE_SPREAD = 1.0  # ... and the sigma of its log-normal spread
MAX_ORDERS = 400
LINES = Choice((0.6, 0.25, 0.1, 0.05))  # 1 to 4 lines
QUANTITY = Choice((0.84, 0.11, 0.03, 0.01, 0.01))  # 1 to 5 items
FAVOURITE_SHARE = 0.45  # of lines from the customer's favourite category
SECOND_STORE_SHARE = 0.4  # of the orders a shopper known to both stores places in the other one
OTHER_ADDRESS_SHARE = 0.2  # of the orders of a customer with two addresses sent to the second
CANCELLED = 0.02
CASH_AT_POS = 0.3

CHANNEL = strings(("online_store", "mobile_app", "pos", "instagram", "facebook", "google", "tiktok"))
POS = 2
_CHANNEL_PICK = GroupedChoice([(0.6, 0.1, 0.08, 0.07, 0.05, 0.05, 0.05), (0.8, 0.0, 0.1, 0.05, 0.0, 0.05, 0.0)])

CODE = strings(("WELCOME10", "NEWSLETTER10", "SUMMER20", "BFCM25", "HOLIDAY15", "FREESHIP",
                "LENA15", "MAXFIT10", "TRAILTOM12"))
_PERCENT = np.array([10, 10, 20, 25, 15, 0, 15, 10, 12])
WELCOME, NEWSLETTER, SUMMER, BFCM, HOLIDAY, FREESHIP, INFLUENCER = range(7)
INFLUENCER_CODES = 3

_CANCEL_REASON = strings(("CUSTOMER", "INVENTORY", "FRAUD", "DECLINED", "OTHER"))
_CANCEL_REASONS = Choice((0.5, 0.15, 0.1, 0.15, 0.1))

UNFULFILLED, PARTIALLY_FULFILLED, FULFILLED = range(3)
_FULFILLMENT = strings([s.value for s in (FulfillmentStatus.UNFULFILLED, FulfillmentStatus.PARTIALLY_FULFILLED,
                                          FulfillmentStatus.FULFILLED)])
_FRESH_FULFILLMENT = Choice((0.2, 0.1, 0.7))  # of orders two to six days old
PAID, AUTHORIZED, PENDING, PARTIALLY_REFUNDED, REFUNDED, VOIDED = range(6)
_FINANCIAL = strings([s.value for s in (FinancialStatus.PAID, FinancialStatus.AUTHORIZED, FinancialStatus.PENDING,
                                        FinancialStatus.PARTIALLY_REFUNDED, FinancialStatus.REFUNDED,
                                        FinancialStatus.VOIDED)])
_YOUNG_PAYMENT = Choice((0.65, 0.25, 0.1))  # orders under a day old: paid, authorised, pending

_GATEWAY = strings([g for s in STORES for g, _, _ in s.gateways])
_GATEWAY_CARD = np.array([card for s in STORES for _, _, card in s.gateways])
_GATEWAY_PICK = GroupedChoice([[w for _, w, _ in s.gateways] for s in STORES])
_BRAND = strings([b for s in STORES for b, _ in s.card_brands])
_BRAND_PICK = GroupedChoice([[w for _, w in s.card_brands] for s in STORES])
_LAST4 = strings([f"{i:04d}" for i in range(10_000)])

_TAX_RATE = np.array([c.tax_rate for c in COUNTRIES])
_TAX_INCLUDED = np.array([c.tax_included for c in COUNTRIES])
_IN_EU = np.array([c.in_eu for c in COUNTRIES])
_US = next(i for i, c in enumerate(COUNTRIES) if c.code == "US")
_CURRENCY = strings([s.currency for s in STORES])
_RATE = np.array([s.rate_to_reporting for s in STORES])
_NUMBER_PREFIX = np.array([s.order_number_prefix for s in STORES])
_FIRST_NUMBER = np.array([s.first_order_number or 0 for s in STORES], dtype=np.int64)
_ORDER_BASE = np.array([s.id_base["order"] for s in STORES], dtype=np.int64)
_SHIPPING_FEE = np.array([s.shipping_fee for s in STORES], dtype=np.int64)
_INTERNATIONAL_FEE = np.array([s.international_fee for s in STORES], dtype=np.int64)
_FREE_SHIPPING_FROM = np.array([s.free_shipping_from for s in STORES], dtype=np.int64)


@dataclass(frozen=True)
class Orders:
    """One block's orders (by customer, then time) with their lines, before shipping and returns are known."""

    ids: IntArray
    customer: IntArray  # position of the customer in the block
    store: IntArray
    created: IntArray
    country: IntArray  # shipping country, index into COUNTRIES
    domestic: BoolArray
    pos: BoolArray
    cancelled_at: IntArray
    fulfillment: IntArray
    payment: IntArray  # financial status before refunds
    item_share: FloatArray  # share of the item prices actually paid (after discounts)
    line_ids: IntArray
    line_order: IntArray  # position of the line's order
    line_category: IntArray
    line_quantity: IntArray
    line_price: IntArray
    columns: Columns  # order rows without the columns shipping and returns change
    lines: Columns
    discount_codes: Columns

    @property
    def count(self) -> int:
        return self.ids.size

    @property
    def cancelled(self) -> BoolArray:
        cancelled: BoolArray = self.cancelled_at != NAT
        return cancelled

    def per_customer(self, customers: int) -> tuple[IntArray, IntArray]:
        """How many orders each of the block's customers has, and the position of each one's first."""
        counts = np.bincount(self.customer, minlength=customers)
        return counts, np.cumsum(counts) - counts

    def table(self, financial: IntArray, refunded_cents: IntArray, updated: IntArray) -> Columns:
        """The order rows, given each order's financial status, refunded amount and last change."""
        return {**self.columns, "financial_status": _FINANCIAL[financial], "refunded_cents": refunded_cents,
                "updated_at": updated.view("datetime64[s]")}


@dataclass(frozen=True)
class _Money:
    subtotal: IntArray
    item_discount: IntArray
    discount: IntArray
    shipping: IntArray
    tax: IntArray
    total: IntArray
    code: IntArray  # index into CODE, -1 without a code


def make_orders(rng: np.random.Generator, customers: Customers, catalogue: Catalogue, *, timeline: Timeline,
                numbering: Numbering) -> Orders:
    """Every order of the block's customers, with lines, discounts, taxes, shipping fees and payment."""
    owner, rank, created = _order_times(rng, customers, timeline)
    m = owner.size
    store = customers.home_store[owner].copy()
    elsewhere = customers.dual[owner] & (rng.random(m) < SECOND_STORE_SHARE)
    store[elsewhere] = 1 - store[elsewhere]
    channel = _CHANNEL_PICK.sample(rng, store) - _CHANNEL_PICK.offsets[store]
    pos = channel == POS
    country = customers.country[owner]
    domestic = np.where(store == US_STORE, country == _US, _IN_EU[country])
    second = ~is_null(customers.second_city[owner]) & (rng.random(m) < OTHER_ADDRESS_SHARE)

    ids = numbering.rows("orders", m)
    lines, line_order = _lines(rng, customers, catalogue, owner=owner, store=store, order_ids=ids,
                               numbering=numbering)
    money = _money(rng, lines, line_order, created=created, first_order=rank == 0, store=store, country=country,
                   domestic=domestic, pos=pos)
    cancelled, fulfillment, payment = _statuses(rng, created, pos)
    cancelled_at = np.where(cancelled, np.minimum(created + rng.integers(600, 2 * DAY, m), DEMO_NOW - 60), NAT)
    external = numbering.external_ids("order", store)
    shown = np.where(_FIRST_NUMBER[store] > 0, _FIRST_NUMBER[store] + external - _ORDER_BASE[store], external)
    columns: Columns = {
        "id": ids, "store_id": store, "external_id": external, "customer_id": customers.ids[owner],
        "customer_external_id": customers.external_ids[store, owner],
        "number": np.char.add(_NUMBER_PREFIX[store], shown.astype("U20")),
        "email": customers.email[owner], "created_at": created.view("datetime64[s]"),
        "cancelled_at": cancelled_at.view("datetime64[s]"),
        "cancel_reason": where_else_none(cancelled, _CANCEL_REASON[_CANCEL_REASONS.sample(rng, m)]),
        "fulfillment_status": _FULFILLMENT[fulfillment], "currency": _CURRENCY[store],
        "subtotal_cents": money.subtotal, "discount_cents": money.discount, "shipping_cents": money.shipping,
        "tax_cents": money.tax, "total_cents": money.total, "exchange_rate": _RATE[store],
        "total_reporting_cents": np.rint(money.total * _RATE[store]).astype(np.int64),
        "sales_channel": CHANNEL[channel], **_payments(rng, store, pos),
        "shipping_country": customers.country_code[owner],
        "shipping_city": np.where(second, customers.second_city[owner], customers.city[owner]),
    }
    coded = money.code >= 0
    return Orders(
        ids=ids, customer=owner, store=store, created=created, country=country, domestic=domestic, pos=pos,
        cancelled_at=cancelled_at, fulfillment=fulfillment, payment=payment,
        item_share=np.where(money.subtotal > 0, (money.subtotal - money.item_discount)
                            / np.maximum(money.subtotal, 1), 1.0),
        line_ids=lines["id"], line_order=line_order, line_category=lines["category_id"],
        line_quantity=lines["quantity"], line_price=lines["unit_price_cents"], columns=columns, lines=lines,
        discount_codes={"order_id": ids[coded], "code": CODE[money.code[coded]], "amount_cents": money.discount[coded]},
    )


def _order_times(rng: np.random.Generator, customers: Customers,
                 timeline: Timeline) -> tuple[IntArray, IntArray, IntArray]:
    """(customer, rank, time) of every order, by customer and time: how many orders each customer places,
    spread irregularly over the time they stay active, busier in the season."""
    n = customers.count
    kind = rng.random(n)
    at_signup = rng.random(n) < FIRST_ORDER_AT_SIGNUP
    delay = np.where(at_signup, rng.integers(30, 900, n), (rng.exponential(40.0, n) * DAY).astype(np.int64))
    first = customers.signup + delay
    lapse = first + (rng.exponential(CHURN_AFTER_DAYS, n) * DAY).astype(np.int64)
    end = np.where(rng.random(n) < CHURN_SHARE, np.minimum(lapse, DEMO_NOW), DEMO_NOW)
    years = np.maximum(end - first, 0) / (365.0 * DAY)
    yearly = rng.lognormal(np.log(REPEAT_RATE_MEDIAN), REPEAT_RATE_SPREAD, n)
    repeats = np.minimum(2 + rng.poisson(yearly * years), MAX_ORDERS)
    count = np.where(kind < NEVER, 0, np.where(kind < NEVER + ONCE, 1, repeats))
    count[first >= DEMO_NOW - HOUR] = 0

    owner, rank = expand(count)
    # Irregular gaps: each later order sits a random share of the way through the customer's active time.
    gaps = rng.gamma(0.6, size=owner.size)
    running = np.cumsum(gaps)
    start = (np.cumsum(count) - count)[owner]
    last = start + count[owner] - 1
    share = (running - running[start]) / (running[last] - running[start] + gaps[start])
    later = timeline.spread(first[owner], end[owner], share)
    later = later - later % DAY + time_of_day(rng, owner.size)
    created = np.where(rank == 0, first[owner], np.clip(later, first[owner] + 600, DEMO_NOW - 60))
    by_customer = np.lexsort((created, owner))  # the (customer, time) index then grows at its end
    return owner[by_customer], rank[by_customer], created[by_customer]


def _lines(rng: np.random.Generator, customers: Customers, catalogue: Catalogue, *, owner: IntArray,
           store: IntArray, order_ids: IntArray, numbering: Numbering) -> tuple[Columns, IntArray]:
    """The order lines (and the position of each line's order): popular variants, and often ones from the
    customer's favourite category."""
    line_order, _ = expand(LINES.sample(rng, owner.size) + 1)
    n = line_order.size
    favourite = catalogue.in_category.sample(rng, customers.favourite_category[owner[line_order]])
    variant = np.where(rng.random(n) < FAVOURITE_SHARE, favourite, catalogue.popular.sample(rng, n))
    quantity = QUANTITY.sample(rng, n) + 1
    bulk = customers.wholesale[owner[line_order]]
    quantity[bulk] *= rng.integers(3, 13, int(bulk.sum()))
    line_store = store[line_order]
    price = catalogue.variant_price[line_store, variant]
    product = catalogue.variant_product[variant]
    return {
        "id": numbering.rows("order_lines", n), "order_id": order_ids[line_order],
        "external_id": numbering.external_ids("line", line_store),
        "product_id": line_store * catalogue.product_count + product,
        "variant_id": line_store * catalogue.variant_count + variant,
        "category_id": catalogue.product_category[product], "title": catalogue.product_title[product],
        "sku": catalogue.variant_sku[variant], "quantity": quantity, "unit_price_cents": price,
        "total_cents": quantity * price,
    }, line_order


def _money(rng: np.random.Generator, lines: Columns, line_order: IntArray, *, created: IntArray,
           first_order: BoolArray, store: IntArray, country: IntArray, domestic: BoolArray, pos: BoolArray) -> _Money:
    """Subtotal, discount, shipping, tax and total: VAT is inside European and Australian prices, North
    American sales tax comes on top; shipping is free above each store's threshold and in shops."""
    subtotal = np.bincount(line_order, weights=lines["total_cents"], minlength=store.size).astype(np.int64)
    code = _discount_codes(rng, created, first_order)
    item_discount = np.where(code >= 0, np.rint(subtotal * _PERCENT[code] / 100.0), 0).astype(np.int64)
    fee = np.where(domestic, _SHIPPING_FEE[store], _INTERNATIONAL_FEE[store])
    free = pos | (domestic & (subtotal - item_discount >= _FREE_SHIPPING_FROM[store]))
    shipping = np.where(free, 0, fee)
    discount = item_discount + np.where(code == FREESHIP, shipping, 0)
    rate, included = _TAX_RATE[country], _TAX_INCLUDED[country]
    net = subtotal - item_discount
    tax = np.rint(np.where(included, net * rate / (1 + rate), net * rate)).astype(np.int64)
    total = subtotal - discount + shipping + np.where(included, 0, tax)
    return _Money(subtotal, item_discount, discount, shipping, tax, total, code)


def _discount_codes(rng: np.random.Generator, created: IntArray, first_order: BoolArray) -> IntArray:
    """The code used on each order (index into CODE), or -1; seasonal campaigns come first."""
    m = created.size
    code = np.full(m, -1, dtype=np.int64)
    month = month_of(created)
    everyone = np.ones(m, dtype=bool)
    offers: tuple[tuple[BoolArray, IntArray | int, float], ...] = (
        (is_black_friday_weekend(created), BFCM, 0.45), ((month == 11) & (day_of_month(created) <= 20), HOLIDAY, 0.12),
        ((month >= 5) & (month <= 7), SUMMER, 0.1), (first_order, WELCOME, 0.25),
        (everyone, INFLUENCER + rng.integers(0, INFLUENCER_CODES, m), 0.03), (everyone, FREESHIP, 0.03),
        (everyone, NEWSLETTER, 0.04),
    )
    for applies, which, share in offers:
        take = (code < 0) & applies & (rng.random(m) < share)
        code[take] = which[take] if isinstance(which, np.ndarray) else which
    return code


def _statuses(rng: np.random.Generator, created: IntArray, pos: BoolArray) -> tuple[BoolArray, IntArray, IntArray]:
    """Cancellations, fulfilment and payment as they stand "now": recent orders wait to be shipped or paid."""
    m = created.size
    age = DEMO_NOW - created
    cancelled = (rng.random(m) < CANCELLED) & ~pos
    fulfillment = np.where(age < 6 * DAY, _FRESH_FULFILLMENT.sample(rng, m), FULFILLED)
    fulfillment[age < 2 * DAY] = UNFULFILLED
    fulfillment[pos] = FULFILLED
    fulfillment[cancelled] = UNFULFILLED
    payment = np.where((age < DAY) & ~pos, _YOUNG_PAYMENT.sample(rng, m), PAID)
    payment[cancelled] = VOIDED
    return cancelled, fulfillment, payment


def _payments(rng: np.random.Generator, store: IntArray, pos: BoolArray) -> Columns:
    """Gateway, card brand and last four digits (cash and wallets have no card)."""
    m = store.size
    gateway = _GATEWAY_PICK.sample(rng, store)
    cash = pos & (rng.random(m) < CASH_AT_POS)
    card = _GATEWAY_CARD[gateway] & ~cash
    return {
        "payment_gateway": np.where(cash, "cash", _GATEWAY[gateway]).astype(object),
        "card_brand": where_else_none(card, _BRAND[_BRAND_PICK.sample(rng, store)]),
        "card_last4": where_else_none(card, _LAST4[rng.integers(0, _LAST4.size, m)]),
    }

