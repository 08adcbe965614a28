"""The customer list: one row per customer, the columns it sorts by, and what the user asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CustomerColumn(StrEnum):
    """Columns of the customer list; `SORTABLE` ones have an index, so sorting and deep scrolling stay fast."""

    NAME = "name"
    EMAIL = "email"
    PHONE = "phone"
    COUNTRY = "country"
    CITY = "city"
    ORDERS = "orders"
    SPENT = "spent"
    AOV = "aov"
    FIRST_ORDER = "first_order"
    LAST_ORDER = "last_order"
    CREATED = "created"


SORTABLE = frozenset({CustomerColumn.NAME, CustomerColumn.EMAIL, CustomerColumn.COUNTRY, CustomerColumn.ORDERS,
                      CustomerColumn.SPENT, CustomerColumn.FIRST_ORDER, CustomerColumn.LAST_ORDER,
                      CustomerColumn.CREATED})


@dataclass(frozen=True)
class CustomerQuery:
    """Which customers to list and in which order (search text matches as in `ecrm customers search`)."""

    search: str = ""
    sort: CustomerColumn = CustomerColumn.SPENT
    descending: bool = True


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer list; amounts in hundredths of `currency` (the reporting currency)."""

    id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    country: str | None
    city: str | None
    orders_count: int
    total_spent_cents: int
    aov_cents: int
    first_order_at: datetime | None
    last_order_at: datetime | None
    created_at: datetime
    currency: str

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.email or f"Customer {self.id}"
