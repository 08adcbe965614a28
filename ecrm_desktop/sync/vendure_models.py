"""Typed models of Vendure Admin API payloads (money as integers in minor units, ISO times, string ids) and
their mapping to records."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ecrm_desktop.domain.catalogue import CheckoutRecord, ProductRecord, VariantRecord
from ecrm_desktop.domain.enums import ConsentState, FinancialStatus, FulfillmentStatus, ShipmentStatus
from ecrm_desktop.domain.records import (
    AddressRecord,
    CustomerRecord,
    FulfillmentRecord,
    LineRecord,
    OrderRecord,
    RefundLineRecord,
    RefundRecord,
)
from ecrm_desktop.sync.parsing import Email, utc

# Vendure's default id strategy hands out auto-increment integers, sent as strings.
Id = Annotated[str, StringConstraints(pattern=r"^[0-9]+$")]
Money = Annotated[int, Field(ge=0)]


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Country(Model):
    code: str = Field(max_length=2)


class Address(Model):
    full_name: str | None = Field(None, alias="fullName")
    company: str | None = None
    street_line1: str | None = Field(None, alias="streetLine1")
    street_line2: str | None = Field(None, alias="streetLine2")
    city: str | None = None
    province: str | None = None
    postal_code: str | None = Field(None, alias="postalCode")
    phone_number: str | None = Field(None, alias="phoneNumber")
    country: Country | None = None
    country_code: str | None = Field(None, alias="countryCode", max_length=2)
    default_shipping: bool | None = Field(None, alias="defaultShippingAddress")
    default_billing: bool | None = Field(None, alias="defaultBillingAddress")

    def record(self, is_default: bool) -> AddressRecord:
        return AddressRecord(address1=self.street_line1 or None, address2=self.street_line2 or None,
                             city=self.city or None, region=self.province or None,
                             postal_code=self.postal_code or None, country=self.country_code_or_none,
                             name=self.full_name or None, company=self.company or None,
                             phone=self.phone_number or None, is_default=is_default)

    @property
    def country_code_or_none(self) -> str | None:
        code = self.country.code if self.country else self.country_code
        return code.upper() if code else None


class Group(Model):
    name: str


class Customer(Model):
    id: Id
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    first_name: str = Field("", alias="firstName")
    last_name: str = Field("", alias="lastName")
    phone_number: str | None = Field(None, alias="phoneNumber")
    email_address: Email = Field(alias="emailAddress")
    groups: list[Group] = []
    addresses: list[Address] = []


def customer_record(c: Customer) -> CustomerRecord:
    """Vendure core keeps no marketing consent, so none is reported (NOT_SUBSCRIBED); customer groups become the
    customer's store tags."""
    ordered = sorted(c.addresses, key=lambda a: not (a.default_shipping or a.default_billing))
    addresses = tuple(a.record(i == 0) for i, a in enumerate(ordered))
    return CustomerRecord(
        external_id=c.id, created_at=utc(c.created_at), updated_at=utc(c.updated_at),
        first_name=c.first_name or None, last_name=c.last_name or None, email=c.email_address,
        phone=c.phone_number or None, email_consent=ConsentState.NOT_SUBSCRIBED,
        tags=tuple(sorted({g.name for g in c.groups})), addresses=tuple(dict.fromkeys(addresses)))


class Owner(Model):
    id: Id
    email_address: Email | None = Field(None, alias="emailAddress")


class Discount(Model):
    amount_with_tax: int = Field(alias="amountWithTax")


class ProductRef(Model):
    id: Id
    name: str = ""


class VariantRef(Model):
    id: Id
    sku: str = ""
    name: str = ""
    product: ProductRef | None = None


class Line(Model):
    id: Id
    quantity: int = Field(ge=0)
    unit_price_with_tax: Money = Field(alias="unitPriceWithTax")
    product_variant: VariantRef = Field(alias="productVariant")


class RefundLine(Model):
    order_line_id: Id = Field(alias="orderLineId")
    quantity: int = Field(ge=0)


class Refund(Model):
    id: Id
    created_at: datetime = Field(alias="createdAt")
    state: str
    total: Money
    reason: str | None = None
    lines: list[RefundLine] = []


class Payment(Model):
    id: Id
    created_at: datetime = Field(alias="createdAt")
    method: str
    state: str
    amount: Money
    refunds: list[Refund] = []


class Fulfillment(Model):
    id: Id
    state: str
    method: str | None = None
    tracking_code: str | None = Field(None, alias="trackingCode")
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")


class Order(Model):
    id: Id
    code: str = Field(min_length=1)
    state: str
    active: bool
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    order_placed_at: datetime | None = Field(None, alias="orderPlacedAt")
    currency_code: str = Field(alias="currencyCode", min_length=3, max_length=3)
    sub_total_with_tax: Money = Field(alias="subTotalWithTax")
    shipping_with_tax: Money = Field(alias="shippingWithTax")
    total: Money
    total_with_tax: Money = Field(alias="totalWithTax")
    coupon_codes: list[str] = Field([], alias="couponCodes")
    customer: Owner | None = None
    shipping_address: Address | None = Field(None, alias="shippingAddress")
    billing_address: Address | None = Field(None, alias="billingAddress")
    discounts: list[Discount] = []
    lines: list[Line] = []
    payments: list[Payment] | None = None
    fulfillments: list[Fulfillment] | None = None


# Payment and refund states that moved money (a declined, cancelled or failed one did not).
_PAID = {"Settled"}
_AUTHORIZED = {"Authorized"}
_REFUNDED = {"Settled", "Pending"}
_SHIPPED = {"Shipped": ShipmentStatus.IN_TRANSIT, "Delivered": ShipmentStatus.DELIVERED}
_FULFILLED_STATES = {"Shipped", "Delivered"}
_PART_FULFILLED_STATES = {"PartiallyShipped", "PartiallyDelivered"}


def order_record(o: Order) -> OrderRecord:
    """A placed order: the money is what the customer paid (tax included), the payments' refunds its refunds."""
    payments = o.payments or []
    refunds = tuple(_refund(r, o) for p in payments for r in p.refunds if r.state in _REFUNDED)
    refunded = sum(r.amount_cents for r in refunds)
    paid = any(p.state in _PAID for p in payments)
    if o.state == "Cancelled" and refunded == 0:
        status = FinancialStatus.VOIDED
    elif refunded > 0:
        status = FinancialStatus.REFUNDED if refunded >= o.total_with_tax else FinancialStatus.PARTIALLY_REFUNDED
    elif paid:
        status = FinancialStatus.PAID
    elif any(p.state in _AUTHORIZED for p in payments):
        status = FinancialStatus.AUTHORIZED
    else:
        status = FinancialStatus.PENDING
    address = o.shipping_address if o.shipping_address and o.shipping_address.city else o.billing_address
    settled = [p for p in payments if p.state in _PAID | _AUTHORIZED]
    return OrderRecord(
        external_id=o.id, number=o.code, created_at=utc(o.order_placed_at or o.created_at),
        updated_at=_last_change(o), currency=o.currency_code.upper(), total_cents=o.total_with_tax,
        financial_status=status, fulfillment_status=_fulfillment_status(o.state),
        customer_external_id=o.customer.id if o.customer else None,
        email=o.customer.email_address if o.customer else None,
        subtotal_cents=o.sub_total_with_tax, discount_cents=abs(sum(d.amount_with_tax for d in o.discounts)),
        shipping_cents=o.shipping_with_tax, tax_cents=max(0, o.total_with_tax - o.total),
        cancelled_at=_last_change(o) if o.state == "Cancelled" else None,
        discount_codes=tuple(o.coupon_codes), payment_gateway=settled[0].method if settled else None,
        shipping_country=address.country_code_or_none if address else None,
        shipping_city=(address.city or None) if address else None,
        lines=tuple(LineRecord(
            external_id=li.id, title=_line_title(li.product_variant), quantity=li.quantity,
            unit_price_cents=li.unit_price_with_tax, sku=li.product_variant.sku or None,
            product_external_id=li.product_variant.product.id if li.product_variant.product else None,
            variant_external_id=li.product_variant.id) for li in o.lines),
        fulfillments=tuple(FulfillmentRecord(
            external_id=f.id, status=_SHIPPED[f.state], carrier=f.method or None,
            tracking_number=f.tracking_code or None, shipped_at=utc(f.created_at),
            delivered_at=utc(f.updated_at) if f.state == "Delivered" else None)
            for f in o.fulfillments or [] if f.state in _SHIPPED),
        refunds=refunds)


def _last_change(o: Order) -> datetime:
    """The order's latest change: Vendure leaves `updatedAt` alone when an order is placed, paid, shipped or
    refunded, so the latest of those times counts too."""
    times = [o.updated_at, *([o.order_placed_at] if o.order_placed_at else []),
             *(p.created_at for p in o.payments or []), *(r.created_at for p in o.payments or [] for r in p.refunds),
             *(f.updated_at for f in o.fulfillments or [])]
    return max(utc(t) for t in times)


def _fulfillment_status(state: str) -> FulfillmentStatus:
    if state in _FULFILLED_STATES:
        return FulfillmentStatus.FULFILLED
    if state in _PART_FULFILLED_STATES:
        return FulfillmentStatus.PARTIALLY_FULFILLED
    return FulfillmentStatus.UNFULFILLED


def _line_title(v: VariantRef) -> str:
    return v.name or (v.product.name if v.product else "") or f"Variant {v.id}"


def _refund(r: Refund, o: Order) -> RefundRecord:
    prices = {li.id: li.unit_price_with_tax for li in o.lines}
    return RefundRecord(
        external_id=r.id, created_at=utc(r.created_at), amount_cents=r.total, reason=r.reason or None,
        lines=tuple(RefundLineRecord(line_external_id=rl.order_line_id, quantity=rl.quantity,
                                     amount_cents=rl.quantity * prices.get(rl.order_line_id, 0))
                    for rl in r.lines if rl.quantity > 0))


class CartLineVariant(Model):
    name: str = ""


class CartLine(Model):
    quantity: int = Field(ge=0)
    product_variant: CartLineVariant = Field(alias="productVariant")


class Cart(Model):
    """An order as the carts pass reads it: while `active`, a cart; once placed, a cart that was completed."""

    id: Id
    active: bool
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    order_placed_at: datetime | None = Field(None, alias="orderPlacedAt")
    currency_code: str = Field(alias="currencyCode", min_length=3, max_length=3)
    total_with_tax: Money = Field(alias="totalWithTax")
    total_quantity: int = Field(alias="totalQuantity", ge=0)
    customer: Owner | None = None
    lines: list[CartLine] = []


def checkout_record(c: Cart) -> CheckoutRecord:
    titles = [ln.product_variant.name for ln in c.lines if ln.product_variant.name]
    return CheckoutRecord(
        external_id=c.id, created_at=utc(c.created_at), updated_at=utc(c.updated_at),
        currency=c.currency_code.upper(), total_cents=c.total_with_tax, items_count=c.total_quantity,
        email=c.customer.email_address if c.customer else None,
        customer_external_id=c.customer.id if c.customer else None,
        completed_at=None if c.active else utc(c.order_placed_at or c.updated_at), update_only=not c.active,
        summary=(titles[0] if len(titles) == 1 else f"{titles[0]} and {len(titles) - 1} more") if titles else None)


class FacetRef(Model):
    code: str
    name: str


class FacetValue(Model):
    name: str
    facet: FacetRef


class StockLevel(Model):
    stock_on_hand: int = Field(alias="stockOnHand")
    stock_allocated: int = Field(alias="stockAllocated")


class Variant(Model):
    id: Id
    name: str = ""
    sku: str = ""
    price_with_tax: Money = Field(alias="priceWithTax")
    currency_code: str = Field(alias="currencyCode", min_length=3, max_length=3)
    stock_levels: list[StockLevel] = Field([], alias="stockLevels")


class Product(Model):
    id: Id
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    name: str = Field(min_length=1)
    enabled: bool = True
    facet_values: list[FacetValue] = Field([], alias="facetValues")
    variants: list[Variant] = []


def product_record(p: Product, currency: str) -> ProductRecord:
    """Stock is what can still be sold: on hand less what placed orders have allocated, over every location.
    The category is the product's "category" facet value, else its first facet value."""
    category = next((f.name for f in p.facet_values if f.facet.code == "category"),
                    p.facet_values[0].name if p.facet_values else None)
    return ProductRecord(
        external_id=p.id, title=p.name, created_at=utc(p.created_at), updated_at=utc(p.updated_at),
        currency=p.variants[0].currency_code.upper() if p.variants else currency,
        status="ACTIVE" if p.enabled else "DRAFT", category=category,
        variants=tuple(VariantRecord(
            external_id=v.id, title=v.name or p.name, price_cents=v.price_with_tax, sku=v.sku or None,
            inventory_quantity=sum(s.stock_on_hand - s.stock_allocated for s in v.stock_levels))
            for v in p.variants))
