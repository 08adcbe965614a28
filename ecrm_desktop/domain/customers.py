"""Customer value objects handed from storage to services, screens and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecrm_desktop.domain.enums import ConsentState


@dataclass(frozen=True)
class Source:
    """One identity of a customer: which platform and store knows them, under which id."""

    platform: str
    store: str
    external_id: str


@dataclass(frozen=True)
class CustomerSummary:
    """What lists, searches and exports show of a customer (CLI.md's exported fields)."""

    id: int
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    country: str | None
    city: str | None
    tags: tuple[str, ...]
    email_consent: ConsentState
    orders_count: int
    total_spent_cents: int
    aov_cents: int
    first_order_at: datetime | None
    last_order_at: datetime | None
    created_at: datetime
    sources: tuple[Source, ...]
    rfm_group: str | None = None

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.email or f"Customer {self.id}"

    def export_fields(self) -> dict[str, Any]:
        """The customer as CLI.md's exported field names and types."""
        return {
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "phone": self.phone,
            "country": self.country,
            "city": self.city,
            "customer_tags": list(self.tags),
            "email_subscription_status": self.email_consent.value,
            "number_of_orders": self.orders_count,
            "amount_spent": round(self.total_spent_cents / 100, 2),
            "average_order_value": round(self.aov_cents / 100, 2),
            "first_order_date": _iso(self.first_order_at),
            "last_order_date": _iso(self.last_order_at),
            "customer_added_date": _iso(self.created_at),
            "sources": [{"platform": s.platform, "store": s.store, "external_id": s.external_id}
                        for s in self.sources],
            "rfm_group": self.rfm_group,
        }


EXPORT_FIELDS = (
    "id", "email", "first_name", "last_name", "phone", "country", "city", "customer_tags",
    "email_subscription_status", "number_of_orders", "amount_spent", "average_order_value",
    "first_order_date", "last_order_date", "customer_added_date", "sources", "rfm_group",
)


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None
