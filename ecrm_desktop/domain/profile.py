"""The 360° view of one customer: profile, addresses, consent, tags, notes, stats, orders and support."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ecrm_desktop.domain.clv.prediction import CustomerPrediction
from ecrm_desktop.domain.customers import Source
from ecrm_desktop.domain.enums import ConsentState, TagSource, TicketStatus
from ecrm_desktop.domain.next_action import NextAction
from ecrm_desktop.domain.orders import OrderDetail


@dataclass(frozen=True)
class PostalAddress:
    lines: tuple[str, ...]
    is_default: bool


@dataclass(frozen=True)
class CustomerTagView:
    name: str
    source: TagSource


@dataclass(frozen=True)
class NoteView:
    id: int
    body: str
    author: str | None
    sensitive: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class LifetimeStats:
    """Per-customer aggregates, amounts in hundredths of `currency` (the reporting currency)."""

    currency: str
    orders_count: int
    total_spent_cents: int
    aov_cents: int
    refunded_cents: int
    items_count: int
    return_rate: float
    first_order_at: datetime | None
    last_order_at: datetime | None


@dataclass(frozen=True)
class CheckoutView:
    created_at: datetime
    currency: str
    total_cents: int
    items_count: int
    summary: str | None
    completed: bool


@dataclass(frozen=True)
class TicketView:
    id: int
    subject: str
    status: TicketStatus
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class MergeView:
    """A merge into this customer that can be undone: who was folded in, when and by whom."""

    id: int
    customer_id: int
    name: str
    merged_at: datetime
    by: str | None


@dataclass(frozen=True)
class CustomerProfile:
    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    emails: tuple[str, ...]
    phone: str | None
    created_at: datetime
    email_consent: ConsentState
    email_consent_at: datetime | None
    email_consent_source: str | None
    addresses: tuple[PostalAddress, ...]
    tags: tuple[CustomerTagView, ...]
    notes: tuple[NoteView, ...]
    stats: LifetimeStats
    orders: tuple[OrderDetail, ...]
    checkouts: tuple[CheckoutView, ...]
    tickets: tuple[TicketView, ...]
    sources: tuple[Source, ...] = ()
    merges: tuple[MergeView, ...] = ()
    merged_into_id: int | None = None
    prediction: CustomerPrediction | None = None
    predicted_at: datetime | None = None
    recommendations: tuple[str, ...] = ()
    next_action: NextAction | None = None
    withheld: tuple[str, ...] = ()  # what the signed-in role may not see, e.g. "payment details"

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.email or f"Customer {self.id}"
