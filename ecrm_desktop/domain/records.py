"""Platform-neutral records of what a store says, as connectors, importers and the demo hand them to storage.

Amounts are integers in hundredths of the record's currency; times are timezone-aware UTC datetimes.
External ids are the store's own; storage resolves them to ecrm ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ecrm_desktop.domain.enums import ConsentState, FinancialStatus, FulfillmentStatus, ShipmentStatus


@dataclass(frozen=True)
class AddressRecord:
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    name: str | None = None
    company: str | None = None
    phone: str | None = None
    is_default: bool = False


@dataclass(frozen=True)
class CustomerRecord:
    external_id: str
    created_at: datetime
    updated_at: datetime
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    email_consent: ConsentState = ConsentState.NOT_SUBSCRIBED
    email_consent_at: datetime | None = None
    email_consent_source: str | None = None
    tags: tuple[str, ...] = ()
    addresses: tuple[AddressRecord, ...] = ()


@dataclass(frozen=True)
class LineRecord:
    external_id: str
    title: str
    quantity: int
    unit_price_cents: int
    sku: str | None = None
    product_external_id: str | None = None
    variant_external_id: str | None = None
    category: str | None = None

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_price_cents


@dataclass(frozen=True)
class RefundLineRecord:
    line_external_id: str
    quantity: int
    amount_cents: int
    restock: bool = True


@dataclass(frozen=True)
class RefundRecord:
    external_id: str
    created_at: datetime
    amount_cents: int
    reason: str | None = None
    note: str | None = None
    lines: tuple[RefundLineRecord, ...] = ()


@dataclass(frozen=True)
class FulfillmentRecord:
    external_id: str
    status: ShipmentStatus
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class OrderRecord:
    external_id: str
    number: str
    created_at: datetime
    updated_at: datetime
    currency: str
    total_cents: int
    financial_status: FinancialStatus
    fulfillment_status: FulfillmentStatus
    customer_external_id: str | None = None
    email: str | None = None
    subtotal_cents: int = 0
    discount_cents: int = 0
    shipping_cents: int = 0
    tax_cents: int = 0
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    sales_channel: str | None = None
    discount_codes: tuple[str, ...] = ()
    payment_gateway: str | None = None
    card_brand: str | None = None
    card_last4: str | None = None
    shipping_country: str | None = None
    shipping_city: str | None = None
    lines: tuple[LineRecord, ...] = ()
    fulfillments: tuple[FulfillmentRecord, ...] = ()
    refunds: tuple[RefundRecord, ...] = field(default=())

    @property
    def refunded_cents(self) -> int:
        return sum(r.amount_cents for r in self.refunds)
