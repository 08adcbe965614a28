"""Typed models of WooCommerce REST API v3 payloads (money as strings, `*_gmt` times) and their mapping to
records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ecrm_desktop.domain.catalogue import ProductRecord, VariantRecord
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
from ecrm_desktop.sync.parsing import Email, cents, utc

TRACKING_META = "_wc_shipment_tracking_items"  # the Shipment Tracking extension's order meta
REFUNDED_ITEM_META = "_refunded_item_id"


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Meta(Model):
    key: str
    value: Any = None


def _known_email(value: Any) -> Any:
    """None for a blank address or one WordPress's personal-data eraser left ("deleted@site.invalid"): the
    reserved `.invalid` domain never names a person, so an anonymised record links to nobody."""
    if not value or (isinstance(value, str) and value.strip().lower().endswith(".invalid")):
        return None
    return value


class Address(Model):
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = Field(default="", max_length=2)
    email: Email | None = None
    phone: str = ""

    @field_validator("email", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return _known_email(value)

    def record(self, is_default: bool) -> AddressRecord:
        name = f"{self.first_name} {self.last_name}".strip()
        return AddressRecord(address1=self.address_1 or None, address2=self.address_2 or None,
                             city=self.city or None, region=self.state or None, postal_code=self.postcode or None,
                             country=self.country or None, name=name or None, company=self.company or None,
                             phone=self.phone or None, is_default=is_default)


class Customer(Model):
    id: int = Field(gt=0)
    date_created_gmt: datetime
    date_modified_gmt: datetime | None = None
    email: Email | None

    @field_validator("email", mode="before")
    @classmethod
    def _anonymised_is_none(cls, value: Any) -> Any:
        return _known_email(value)
    first_name: str = ""
    last_name: str = ""
    billing: Address = Address()
    shipping: Address = Address()
    meta_data: list[Meta] = []


def customer_record(c: Customer) -> CustomerRecord:
    """WooCommerce core keeps no marketing consent, so none is reported (NOT_SUBSCRIBED)."""
    addresses = [a for a in (c.billing.record(True), c.shipping.record(False)) if a.address1 or a.city or a.country]
    if addresses and not addresses[0].is_default:
        addresses[0] = AddressRecord(**{**addresses[0].__dict__, "is_default": True})
    return CustomerRecord(
        external_id=str(c.id), created_at=utc(c.date_created_gmt),
        updated_at=utc(c.date_modified_gmt or c.date_created_gmt),
        first_name=c.first_name or c.billing.first_name or None, last_name=c.last_name or c.billing.last_name or None,
        email=c.email, phone=c.billing.phone or None, email_consent=ConsentState.NOT_SUBSCRIBED,
        addresses=tuple(dict.fromkeys(addresses)))


class LineItem(Model):
    id: int
    name: str
    product_id: int = 0
    variation_id: int = 0
    quantity: int = Field(ge=0)
    subtotal: str
    total: str
    sku: str | None = None


class Coupon(Model):
    code: str


class RefundSummary(Model):
    id: int


class Order(Model):
    id: int = Field(gt=0)
    number: str
    status: str
    currency: str = Field(min_length=3, max_length=3)
    date_created_gmt: datetime
    date_modified_gmt: datetime
    date_completed_gmt: datetime | None = None
    discount_total: str = "0"
    shipping_total: str = "0"
    total_tax: str = "0"
    total: str
    customer_id: int = 0
    billing: Address = Address()
    shipping: Address = Address()
    payment_method: str = ""
    created_via: str = ""
    line_items: list[LineItem] = []
    coupon_lines: list[Coupon] = []
    refunds: list[RefundSummary] = []
    meta_data: list[Meta] = []


class RefundLine(Model):
    id: int
    quantity: int
    total: str
    meta_data: list[Meta] = []


class Refund(Model):
    id: int
    date_created_gmt: datetime
    amount: str
    reason: str = ""
    line_items: list[RefundLine] = []


class Tracking(Model):
    tracking_id: str = ""
    tracking_provider: str = ""
    tracking_number: str = ""
    date_shipped: int | None = None


class WooOrder(Model):
    """An order with its full refunds (fetched from `/orders/<id>/refunds`)."""

    order: Order
    refunds: list[Refund] = []


_STATUS = {"processing": FinancialStatus.PAID, "completed": FinancialStatus.PAID,
           "refunded": FinancialStatus.REFUNDED, "cancelled": FinancialStatus.VOIDED}


def order_record(w: WooOrder) -> OrderRecord:
    o = w.order
    total = cents(o.total)
    refunds = tuple(_refund(r) for r in w.refunds)
    refunded = sum(r.amount_cents for r in refunds)
    status = _STATUS.get(o.status, FinancialStatus.PENDING)
    if status is FinancialStatus.PAID and refunded > 0:
        status = FinancialStatus.REFUNDED if refunded >= total else FinancialStatus.PARTIALLY_REFUNDED
    return OrderRecord(
        external_id=str(o.id), number=o.number, created_at=utc(o.date_created_gmt),
        updated_at=utc(o.date_modified_gmt), currency=o.currency.upper(), total_cents=total,
        financial_status=status,
        fulfillment_status=FulfillmentStatus.FULFILLED if o.status == "completed" or o.date_completed_gmt
        else FulfillmentStatus.UNFULFILLED,
        customer_external_id=str(o.customer_id) if o.customer_id else None, email=o.billing.email,
        subtotal_cents=sum(cents(li.subtotal) for li in o.line_items), discount_cents=cents(o.discount_total),
        shipping_cents=cents(o.shipping_total), tax_cents=cents(o.total_tax),
        cancelled_at=utc(o.date_modified_gmt) if o.status == "cancelled" else None,
        sales_channel=o.created_via or None, discount_codes=tuple(c.code for c in o.coupon_lines),
        payment_gateway=o.payment_method or None,
        shipping_country=(o.shipping.country or o.billing.country) or None,
        shipping_city=(o.shipping.city or o.billing.city) or None,
        lines=tuple(LineRecord(
            external_id=str(li.id), title=li.name, quantity=li.quantity,
            unit_price_cents=cents(li.subtotal) // li.quantity if li.quantity else 0, sku=li.sku or None,
            product_external_id=str(li.product_id) if li.product_id else None,
            variant_external_id=str(li.variation_id or li.product_id) if li.product_id else None)
            for li in o.line_items),
        fulfillments=_fulfillments(o), refunds=refunds)


def _refund(r: Refund) -> RefundRecord:
    return RefundRecord(
        external_id=str(r.id), created_at=utc(r.date_created_gmt), amount_cents=cents(r.amount),
        reason=r.reason or None,
        lines=tuple(RefundLineRecord(line_external_id=str(_meta(rl.meta_data, REFUNDED_ITEM_META)),
                                     quantity=abs(rl.quantity), amount_cents=abs(cents(rl.total)))
                    for rl in r.line_items if _meta(rl.meta_data, REFUNDED_ITEM_META) is not None))


def _fulfillments(o: Order) -> tuple[FulfillmentRecord, ...]:
    raw = _meta(o.meta_data, TRACKING_META) or []
    items = [Tracking.model_validate(t) for t in raw] if isinstance(raw, list) else []
    delivered = o.status == "completed"
    return tuple(FulfillmentRecord(
        external_id=t.tracking_id or f"{o.id}-{i}",
        status=ShipmentStatus.DELIVERED if delivered else ShipmentStatus.IN_TRANSIT,
        carrier=t.tracking_provider or None, tracking_number=t.tracking_number or None,
        shipped_at=datetime.fromtimestamp(t.date_shipped, UTC) if t.date_shipped else None,
        delivered_at=utc(o.date_completed_gmt) if delivered and o.date_completed_gmt else None)
        for i, t in enumerate(items))


def _meta(meta: list[Meta], key: str) -> Any:
    return next((m.value for m in meta if m.key == key), None)


class Category(Model):
    name: str


class Variation(Model):
    id: int
    sku: str = ""
    price: str = ""
    stock_quantity: int | None = None
    attributes: list[dict[str, Any]] = []


class Product(Model):
    id: int = Field(gt=0)
    name: str = Field(min_length=1)
    type: str = "simple"
    status: str = "publish"
    date_created_gmt: datetime
    date_modified_gmt: datetime
    sku: str = ""
    price: str = ""
    stock_quantity: int | None = None
    categories: list[Category] = []


class WooProduct(Model):
    """A product with its variations (fetched from `/products/<id>/variations` for variable products)."""

    product: Product
    variations: list[Variation] = []


_PRODUCT_STATUS = {"publish": "ACTIVE", "private": "UNLISTED"}


def product_record(w: WooProduct, currency: str) -> ProductRecord:
    p = w.product
    variants = [VariantRecord(external_id=str(v.id), title=_variation_title(v) or p.name, price_cents=cents(v.price),
                              sku=v.sku or None, inventory_quantity=v.stock_quantity) for v in w.variations]
    if p.type != "variable":
        variants = [VariantRecord(external_id=str(p.id), title=p.name, price_cents=cents(p.price), sku=p.sku or None,
                                  inventory_quantity=p.stock_quantity)]
    return ProductRecord(
        external_id=str(p.id), title=p.name, created_at=utc(p.date_created_gmt), updated_at=utc(p.date_modified_gmt),
        currency=currency, status=_PRODUCT_STATUS.get(p.status, "DRAFT"),
        category=p.categories[0].name if p.categories else None, variants=tuple(variants))


def _variation_title(v: Variation) -> str:
    return " / ".join(str(a.get("option", "")) for a in v.attributes if a.get("option"))
