"""What the Sync screen shows: connected stores, live per-resource progress, past runs, held records and the
schedule. Plain values; the services fill them and the screen reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ecrm_desktop.domain.enums import Platform


@dataclass(frozen=True)
class StoreInfo:
    """A connected store as lists show it; `secret_location` is "keyring" or "database"."""

    id: int
    name: str
    platform: Platform
    url: str | None
    currency: str
    secret_location: str
    last_sync_at: datetime | None = None
    last_status: str | None = None
    notices: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ResourceTally:
    """One resource of one store in the current run: pages and records so far, and the waits the store's rate
    limits (or retries after an error) imposed before those pages."""

    pages: int = 0
    fetched: int = 0
    created: int = 0
    updated: int = 0
    quarantined: int = 0
    waits: int = 0
    waited_seconds: float = 0.0


@dataclass(frozen=True)
class SyncRunRow:
    """One past (or running) sync of one store, from the `sync_runs` table."""

    id: int
    store: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    fetched: int
    created: int
    updated: int
    quarantined: int
    errors: tuple[str, ...]

    @property
    def seconds(self) -> float | None:
        """How long the run took (None while it runs)."""
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class QuarantineRow:
    """A record a store sent in a shape ecrm cannot read, still held (its payload is read on demand)."""

    id: int
    store: str
    resource: str
    external_id: str | None
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class SyncSchedule:
    """When the running application syncs by itself: every `minutes` when `periodic`, and at start-up."""

    minutes: int = 15
    periodic: bool = False
    on_start: bool = False


@dataclass(frozen=True)
class ConnectionCheck:
    """What "Check connection" found: the shop, its currency, and the access scopes granted and missing."""

    shop_name: str
    currency: str
    granted_scopes: tuple[str, ...] = ()
    missing_scopes: tuple[str, ...] = ()


# The Shopify access scopes a sync needs, and why (the connection dialog lists them; a test keeps them equal to
# the connector's REQUIRED_SCOPES).
SHOPIFY_SCOPES = (
    ("read_customers", "customers with their addresses, tags and email consent"),
    ("read_orders", "orders of the last 60 days, with lines, shipments and refunds"),
    ("read_all_orders", "orders older than 60 days (without it the history starts 60 days ago)"),
    ("read_products", "products, variants and stock"),
)
