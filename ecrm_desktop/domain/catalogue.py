"""Platform-neutral records of a store's catalogue and abandoned checkouts, as connectors hand them to storage.

Same conventions as `domain.records`: amounts in hundredths of the currency, UTC-aware datetimes, the store's
own external ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class VariantRecord:
    external_id: str
    title: str
    price_cents: int
    sku: str | None = None
    inventory_quantity: int | None = None


@dataclass(frozen=True)
class ProductRecord:
    external_id: str
    title: str
    created_at: datetime
    updated_at: datetime
    currency: str
    status: str = "ACTIVE"
    vendor: str | None = None
    category: str | None = None
    variants: tuple[VariantRecord, ...] = ()


@dataclass(frozen=True)
class CheckoutRecord:
    external_id: str
    created_at: datetime
    updated_at: datetime
    currency: str
    total_cents: int
    items_count: int = 0
    email: str | None = None
    customer_external_id: str | None = None
    completed_at: datetime | None = None
    summary: str | None = None
    recovery_url: str | None = None
    # news of a cart ecrm may already hold (a platform that reports carts as orders once placed): written only
    # over a checkout already known, never as a new one
    update_only: bool = False
