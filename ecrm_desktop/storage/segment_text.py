"""Text conditions of segments (countries, regions, cities, email domain, tags, store, channel, discount codes)
and the definition of an order that counts, shared by every order-based condition."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, func, not_, select, true

from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.segments.ast import Operator, Value
from ecrm_desktop.storage.tables import (
    Customer,
    CustomerIdentity,
    CustomerTag,
    Order,
    OrderDiscountCode,
    Store,
    Tag,
)

Expr = ColumnElement[bool]
_SHOPIFY_CODE = re.compile(r"^([A-Za-z]{2})-([A-Za-z0-9]{1,3})(?:-(.+))?$")


def counted_orders() -> Select[int | None]:
    """Ids of the customers of orders that count (not cancelled, as in `storage.aggregates`), one row per order."""
    return select(Order.customer_id).where(Order.cancelled_at.is_(None), Order.customer_id.is_not(None))


@dataclass(frozen=True)
class TextFilter:
    """A text filter: the rows a value matches, and which customers have any value at all."""

    matches: Callable[[str], Expr]
    present: Callable[[], Expr]

    def compare(self, op: Operator, value: Value) -> Expr:
        if op is Operator.IS_NULL:
            return not_(self.present())
        if op is Operator.IS_NOT_NULL:
            return self.present()
        if not isinstance(value, str):
            raise TypeError(f"expected a text, got {value!r}")
        expr = self.matches(value)
        return expr if op in (Operator.EQ, Operator.CONTAINS) else not_(expr)


def _known(column: SQLColumnExpression[Any], expr: Expr) -> Expr:
    """`expr`, false rather than NULL where `column` is NULL."""
    return and_(column.is_not(None), expr)


def _same_text(column: SQLColumnExpression[Any], text: str) -> Expr:
    return _known(column, func.lower(column) == text.lower())


def _region(text: str) -> Expr:
    code = _SHOPIFY_CODE.match(text)
    if code is None or code.group(3) is not None:
        return _same_text(Customer.region, text)
    return and_(_known(Customer.country, Customer.country == code.group(1).upper()),
                _same_text(Customer.region, code.group(2)))


def _city(text: str) -> Expr:
    """A city name, or Shopify's `US-NY-NewYork` code (country, region, name without spaces)."""
    code = _SHOPIFY_CODE.match(text)
    if code is None or code.group(3) is None:
        return _same_text(Customer.city, text)
    compact = func.lower(func.replace(Customer.city, " ", ""))
    return and_(_region("-".join(code.group(1, 2))),
                _known(Customer.city, compact == code.group(3).replace(" ", "").lower()))


def _tagged(text: str) -> Expr:
    tag_ids = select(Tag.id).where(func.lower(Tag.name) == text.lower())
    return Customer.id.in_(select(CustomerTag.customer_id).where(CustomerTag.tag_id.in_(tag_ids)))


def _in_store(text: str) -> Expr:
    return Customer.id.in_(select(CustomerIdentity.customer_id).join(Store, Store.id == CustomerIdentity.store_id)
                           .where(func.lower(Store.name) == text.lower()))


def _used_code(text: str) -> Expr:
    return Customer.id.in_(counted_orders().join(OrderDiscountCode, OrderDiscountCode.order_id == Order.id)
                           .where(func.lower(OrderDiscountCode.code) == text.lower()))


def _bought_through(text: str) -> Expr:
    return Customer.id.in_(counted_orders().where(func.lower(Order.sales_channel) == text.lower()))


def _email_domain(text: str) -> Expr:
    return _known(Customer.email, func.lower(Customer.email).endswith("@" + text.lower(), autoescape=True))


TEXT_FILTERS: dict[str, TextFilter] = {
    "customer_countries": TextFilter(lambda t: _known(Customer.country, Customer.country == t.upper()),
                                 lambda: Customer.country.is_not(None)),
    "customer_regions": TextFilter(_region, lambda: Customer.region.is_not(None)),
    "customer_cities": TextFilter(_city, lambda: Customer.city.is_not(None)),
    "customer_email_domain": TextFilter(_email_domain, lambda: Customer.email.is_not(None)),
    "customer_tags": TextFilter(_tagged, lambda: Customer.id.in_(select(CustomerTag.customer_id))),
    "email_subscription_status": TextFilter(lambda t: Customer.email_consent == ConsentState(t), true),
    "store": TextFilter(_in_store, true),
    "sales_channel": TextFilter(_bought_through, true),
    "discount_codes_used": TextFilter(_used_code, true),
}
