"""Typed models of the Shopify Admin GraphQL payloads the connector asks for, and their mapping to records."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

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
from ecrm_desktop.sync.parsing import Email, cents, legacy_id, utc


class Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True)


class Node(Model):
    id: str = Field(min_length=1)


class Money(Model):
    amount: str
    currency_code: str = Field(min_length=3, max_length=3)


class MoneyBag(Model):
    shop_money: Money


class EmailAddress(Model):
    email_address: Email | None = None
    marketing_state: str = "NOT_SUBSCRIBED"
    marketing_updated_at: AwareDatetime | None = None


class PhoneNumber(Model):
    phone_number: str | None = None


class MailingAddress(Model):
    id: str | None = None
    name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province_code: str | None = None
    zip: str | None = None
    country_code_v2: str | None = Field(default=None, min_length=2, max_length=2)
    phone: str | None = None


class Addresses(Model):
    nodes: list[MailingAddress] = []


class Customer(Node):
    created_at: AwareDatetime
    updated_at: AwareDatetime
    first_name: str | None = None
    last_name: str | None = None
    tags: list[str] = []
    default_email_address: EmailAddress | None = None
    default_phone_number: PhoneNumber | None = None
    default_address: Node | None = None
    addresses_v2: Addresses = Addresses()


_CONSENT = {"SUBSCRIBED": ConsentState.SUBSCRIBED, "PENDING": ConsentState.PENDING,
            "UNSUBSCRIBED": ConsentState.UNSUBSCRIBED}


def customer_record(c: Customer) -> CustomerRecord:
    email = c.default_email_address
    default_id = c.default_address.id if c.default_address else None
    return CustomerRecord(
        external_id=legacy_id(c.id), created_at=utc(c.created_at), updated_at=utc(c.updated_at),
        first_name=c.first_name, last_name=c.last_name,
        email=str(email.email_address) if email and email.email_address else None,
        phone=c.default_phone_number.phone_number if c.default_phone_number else None,
        email_consent=_CONSENT.get(email.marketing_state, ConsentState.NOT_SUBSCRIBED) if email
        else ConsentState.NOT_SUBSCRIBED,
        email_consent_at=utc(email.marketing_updated_at) if email and email.marketing_updated_at else None,
        tags=tuple(c.tags),
        addresses=tuple(AddressRecord(
            address1=a.address1, address2=a.address2, city=a.city, region=a.province_code, postal_code=a.zip,
            country=a.country_code_v2, name=a.name, company=a.company, phone=a.phone,
            is_default=a.id is not None and a.id == default_id) for a in c.addresses_v2.nodes))


class ProductRef(Node):
    product_type: str | None = None


class LineItem(Node):
    title: str
    quantity: int = Field(ge=0)
    sku: str | None = None
    original_unit_price_set: MoneyBag
    product: ProductRef | None = None
    variant: Node | None = None


class LineItems(Model):
    nodes: list[LineItem] = []


class TrackingInfo(Model):
    company: str | None = None
    number: str | None = None
    url: str | None = None


class Fulfillment(Node):
    display_status: str | None = None
    created_at: AwareDatetime
    delivered_at: AwareDatetime | None = None
    tracking_info: list[TrackingInfo] = []


class RefundLineItem(Model):
    quantity: int = Field(ge=0)
    restocked: bool = False
    line_item: Node
    subtotal_set: MoneyBag


class RefundLineItems(Model):
    nodes: list[RefundLineItem] = []


class Refund(Node):
    created_at: AwareDatetime
    note: str | None = None
    total_refunded_set: MoneyBag
    refund_line_items: RefundLineItems = RefundLineItems()


class PaymentDetails(Model):
    company: str | None = None
    number: str | None = None


class Transaction(Model):
    payment_details: PaymentDetails | None = None


class ShippingAddress(Model):
    city: str | None = None
    country_code_v2: str | None = Field(default=None, min_length=2, max_length=2)


class Order(Node):
    name: str = Field(min_length=1)
    created_at: AwareDatetime
    updated_at: AwareDatetime
    cancelled_at: AwareDatetime | None = None
    cancel_reason: str | None = None
    currency_code: str = Field(min_length=3, max_length=3)
    email: Email | None = None
    source_name: str | None = None
    display_financial_status: str | None = None
    display_fulfillment_status: str
    discount_codes: list[str] = []
    payment_gateway_names: list[str] = []
    customer: Node | None = None
    subtotal_price_set: MoneyBag
    total_discounts_set: MoneyBag
    total_shipping_price_set: MoneyBag
    total_tax_set: MoneyBag
    total_price_set: MoneyBag
    shipping_address: ShippingAddress | None = None
    transactions: list[Transaction] = []
    line_items: LineItems
    fulfillments: list[Fulfillment] = []
    refunds: list[Refund] = []


_FINANCIAL = {"PAID": FinancialStatus.PAID, "AUTHORIZED": FinancialStatus.AUTHORIZED,
              "PARTIALLY_REFUNDED": FinancialStatus.PARTIALLY_REFUNDED, "REFUNDED": FinancialStatus.REFUNDED,
              "VOIDED": FinancialStatus.VOIDED, "EXPIRED": FinancialStatus.VOIDED}
_FULFILMENT = {"FULFILLED": FulfillmentStatus.FULFILLED,
               "PARTIALLY_FULFILLED": FulfillmentStatus.PARTIALLY_FULFILLED}
_SHIPMENT = {"LABEL_PRINTED": ShipmentStatus.LABEL_PRINTED, "LABEL_PURCHASED": ShipmentStatus.LABEL_PRINTED,
             "OUT_FOR_DELIVERY": ShipmentStatus.OUT_FOR_DELIVERY, "DELIVERED": ShipmentStatus.DELIVERED,
             "PICKED_UP": ShipmentStatus.DELIVERED, "FAILURE": ShipmentStatus.FAILURE,
             "NOT_DELIVERED": ShipmentStatus.FAILURE, "CANCELED": ShipmentStatus.FAILURE}


def order_record(o: Order) -> OrderRecord:
    card = next((t.payment_details for t in o.transactions if t.payment_details and t.payment_details.number),
                None)
    return OrderRecord(
        external_id=legacy_id(o.id), number=o.name, created_at=utc(o.created_at), updated_at=utc(o.updated_at),
        currency=o.currency_code, total_cents=cents(o.total_price_set.shop_money.amount),
        financial_status=_FINANCIAL.get(o.display_financial_status or "", FinancialStatus.PENDING),
        fulfillment_status=_FULFILMENT.get(o.display_fulfillment_status, FulfillmentStatus.UNFULFILLED),
        customer_external_id=legacy_id(o.customer.id) if o.customer else None,
        email=str(o.email) if o.email else None,
        subtotal_cents=cents(o.subtotal_price_set.shop_money.amount),
        discount_cents=cents(o.total_discounts_set.shop_money.amount),
        shipping_cents=cents(o.total_shipping_price_set.shop_money.amount),
        tax_cents=cents(o.total_tax_set.shop_money.amount),
        cancelled_at=utc(o.cancelled_at) if o.cancelled_at else None,
        cancel_reason=o.cancel_reason.lower() if o.cancel_reason else None,
        sales_channel=o.source_name, discount_codes=tuple(o.discount_codes),
        payment_gateway=o.payment_gateway_names[0] if o.payment_gateway_names else None,
        card_brand=card.company if card else None,
        card_last4=card.number[-4:] if card and card.number else None,
        shipping_country=o.shipping_address.country_code_v2 if o.shipping_address else None,
        shipping_city=o.shipping_address.city if o.shipping_address else None,
        lines=tuple(LineRecord(
            external_id=legacy_id(li.id), title=li.title, quantity=li.quantity,
            unit_price_cents=cents(li.original_unit_price_set.shop_money.amount), sku=li.sku,
            product_external_id=legacy_id(li.product.id) if li.product else None,
            variant_external_id=legacy_id(li.variant.id) if li.variant else None,
            category=li.product.product_type or None if li.product else None) for li in o.line_items.nodes),
        fulfillments=tuple(_fulfillment(f) for f in o.fulfillments),
        refunds=tuple(RefundRecord(
            external_id=legacy_id(r.id), created_at=utc(r.created_at),
            amount_cents=cents(r.total_refunded_set.shop_money.amount), note=r.note,
            lines=tuple(RefundLineRecord(
                line_external_id=legacy_id(rl.line_item.id), quantity=rl.quantity,
                amount_cents=cents(rl.subtotal_set.shop_money.amount), restock=rl.restocked)
                for rl in r.refund_line_items.nodes)) for r in o.refunds))


def _fulfillment(f: Fulfillment) -> FulfillmentRecord:
    track = f.tracking_info[0] if f.tracking_info else TrackingInfo()
    status = _SHIPMENT.get(f.display_status or "", ShipmentStatus.IN_TRANSIT)
    return FulfillmentRecord(
        external_id=legacy_id(f.id), status=status, carrier=track.company, tracking_number=track.number,
        tracking_url=track.url, shipped_at=utc(f.created_at),
        delivered_at=utc(f.delivered_at) if f.delivered_at else None)


class Variant(Node):
    title: str
    sku: str | None = None
    price: str
    inventory_quantity: int | None = None


class Variants(Model):
    nodes: list[Variant] = []


class Product(Node):
    title: str = Field(min_length=1)
    vendor: str | None = None
    status: str = "ACTIVE"
    product_type: str | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    variants: Variants = Variants()


def product_record(p: Product, currency: str) -> ProductRecord:
    return ProductRecord(
        external_id=legacy_id(p.id), title=p.title, created_at=utc(p.created_at), updated_at=utc(p.updated_at),
        currency=currency, status=p.status, vendor=p.vendor, category=p.product_type or None,
        variants=tuple(VariantRecord(external_id=legacy_id(v.id), title=v.title, price_cents=cents(v.price),
                                     sku=v.sku, inventory_quantity=v.inventory_quantity) for v in p.variants.nodes))


class CheckoutCustomer(Node):
    default_email_address: EmailAddress | None = None


class CheckoutLine(Model):
    title: str
    quantity: int = Field(ge=0)


class CheckoutLines(Model):
    nodes: list[CheckoutLine] = []


class AbandonedCheckout(Node):
    created_at: AwareDatetime
    updated_at: AwareDatetime
    completed_at: AwareDatetime | None = None
    abandoned_checkout_url: str | None = None
    customer: CheckoutCustomer | None = None
    total_price_set: MoneyBag
    line_items: CheckoutLines = CheckoutLines()


def checkout_record(c: AbandonedCheckout) -> CheckoutRecord:
    lines = c.line_items.nodes
    email = c.customer.default_email_address if c.customer else None
    return CheckoutRecord(
        external_id=legacy_id(c.id), created_at=utc(c.created_at), updated_at=utc(c.updated_at),
        currency=c.total_price_set.shop_money.currency_code, total_cents=cents(c.total_price_set.shop_money.amount),
        items_count=sum(ln.quantity for ln in lines),
        email=str(email.email_address) if email and email.email_address else None,
        customer_external_id=legacy_id(c.customer.id) if c.customer else None,
        completed_at=utc(c.completed_at) if c.completed_at else None,
        summary=_summary([ln.title for ln in lines]), recovery_url=c.abandoned_checkout_url)


def _summary(titles: list[str]) -> str | None:
    if not titles:
        return None
    return titles[0] if len(titles) == 1 else f"{titles[0]} and {len(titles) - 1} more"

