"""Orders as screens show them: a list row, a filter, and the full order with lines, shipments and refunds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ecrm_desktop.domain.enums import FinancialStatus, FulfillmentStatus, ShipmentStatus


@dataclass(frozen=True)
class OrderQuery:
    """Which orders to list, newest first: by financial status, creation date range [start, end) and number."""

    status: FinancialStatus | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    number: str = ""


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    created_at: datetime
    customer_id: int | None
    customer_name: str
    financial_status: FinancialStatus
    fulfillment_status: FulfillmentStatus
    currency: str
    total_cents: int
    refunded_cents: int
    cancelled: bool


@dataclass(frozen=True)
class OrderLineView:
    title: str
    sku: str | None
    quantity: int
    unit_price_cents: int
    total_cents: int


@dataclass(frozen=True)
class Shipment:
    status: ShipmentStatus
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class RefundView:
    created_at: datetime
    amount_cents: int
    reason: str | None
    note: str | None
    items: int


@dataclass(frozen=True)
class PaymentDetails:
    """How an order was paid: the fields the roles issue hides from roles without VIEW_PAYMENT."""

    gateway: str | None
    card_brand: str | None
    card_last4: str | None


@dataclass(frozen=True)
class OrderDetail:
    """An order with everything that belongs to it."""

    row: OrderRow
    email: str | None
    subtotal_cents: int
    discount_cents: int
    shipping_cents: int
    tax_cents: int
    store: str
    sales_channel: str | None
    shipping_city: str | None
    shipping_country: str | None
    cancel_reason: str | None
    lines: tuple[OrderLineView, ...]
    shipments: tuple[Shipment, ...]
    refunds: tuple[RefundView, ...]
    discount_codes: tuple[str, ...]
    payment: PaymentDetails | None = None
    payment_hidden: bool = False  # True when the signed-in role may not see the payment details
