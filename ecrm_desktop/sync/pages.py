"""What every connector hands the runner: pages of validated records with the checkpoint that follows them.

A `Checkpoint` says where the sync of one resource stands: `since` is the store's update time from which the
next pass starts, `position` the connector's place inside the current pass (an opaque cursor), `high` the
latest update time seen in it, `started` when the pass began, `reconciled` when the store's list of ids was
last compared with what is held here (to apply deletions) and `full` when the last full listing of a resource
the store cannot filter by date began. The runner stores a page's checkpoint in the
transaction that writes the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from ecrm_desktop.domain.catalogue import CheckoutRecord, ProductRecord
from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.records import CustomerRecord, OrderRecord
from ecrm_desktop.sync.errors import RepeatingCursor
from ecrm_desktop.sync.parsing import legacy_id

# How far before a pass's start the next pass looks again, to cover clock skew and writes in flight.
SKEW_MARGIN = timedelta(minutes=5)

Record = CustomerRecord | OrderRecord | ProductRecord | CheckoutRecord
M = TypeVar("M", bound=BaseModel)


class Resource(StrEnum):
    """Synced in this order: products before the order lines that point at them."""

    PRODUCTS = "products"
    CUSTOMERS = "customers"
    ORDERS = "orders"
    CHECKOUTS = "checkouts"


# How often, by default, the ids a store holds are compared with those held here to find its deletions.
RECONCILE_EVERY = timedelta(hours=6)
# The resources whose deletions in the store are found by comparing ids (abandoned checkouts simply expire).
RECONCILED = (Resource.PRODUCTS, Resource.CUSTOMERS, Resource.ORDERS)


@dataclass(frozen=True)
class Checkpoint:
    since: datetime | None = None
    position: str | None = None
    high: datetime | None = None
    started: datetime | None = None
    reconciled: datetime | None = None
    full: datetime | None = None

    def dumps(self) -> str:
        return json.dumps({k: (v.isoformat() if isinstance(v, datetime) else v)
                           for k, v in self.__dict__.items()}, sort_keys=True)

    @classmethod
    def loads(cls, text: str | None) -> Checkpoint:
        if not text:
            return cls()
        raw = json.loads(text)
        when = {k: datetime.fromisoformat(raw[k]) if raw.get(k) else None
                for k in ("since", "high", "started", "reconciled", "full")}
        return cls(position=raw.get("position"), **when)

    def begin(self, now: datetime) -> Checkpoint:
        """The checkpoint at the start of a page: a new pass starts now unless one is under way."""
        if self.started is not None:
            return self
        return replace(self, started=now.replace(microsecond=0), position=None, high=None)

    def after_page(self, position: str | None, records: Iterable[Record]) -> Checkpoint:
        """The checkpoint once a page is written: at `position` inside the pass or, when `position` is None, the
        pass done, and the next one starting at the latest change seen (but no later than this pass's start,
        less the skew margin). A first pass read every record, so it counts as a reconciliation."""
        high = max([*(r.updated_at for r in records), *([self.high] if self.high else [])], default=None)
        if position is not None:
            return replace(self, position=position, high=high)
        candidates = [t for t in (high, self.started and self.started - SKEW_MARGIN) if t is not None]
        reconciled = self.started if self.since is None and self.started is not None else self.reconciled
        return Checkpoint(since=min(candidates) if candidates else self.since, reconciled=reconciled, full=self.full)


@dataclass(frozen=True)
class Quarantined:
    """A record the store sent that failed validation, with the reason."""

    external_id: str | None
    payload: str
    reason: str


@dataclass(frozen=True)
class Page:
    records: tuple[Record, ...]
    checkpoint: Checkpoint
    quarantined: tuple[Quarantined, ...] = ()
    fetched: int = 0


@dataclass(frozen=True)
class ConnectionInfo:
    """What the connection check found: the shop's name, currency and the scopes still missing."""

    shop_name: str
    currency: str
    missing_scopes: tuple[str, ...] = ()
    granted_scopes: tuple[str, ...] = ()


class Connector(Protocol):
    platform: Platform
    resources: tuple[Resource, ...]
    reconcile_every: timedelta

    def check(self) -> ConnectionInfo: ...

    def pages(self, resource: Resource, checkpoint: Checkpoint) -> Iterator[Page]: ...

    def all_ids(self, resource: Resource) -> Iterator[list[str]]:
        """Every id the store holds of `resource` (one of `RECONCILED`), a page at a time."""
        ...

    def still_there(self, resource: Resource, ids: Sequence[str]) -> set[str]:
        """Which of these ids of `resource` the store still holds."""
        ...

    def close(self) -> None: ...


@dataclass
class CursorGuard:
    """Remembers the page positions of one pass: a position handed out twice, or the same page twice in a row,
    stops the pass."""

    resource: str
    seen: set[str] = field(default_factory=set)
    last_page: str | None = None

    def check(self, position: str) -> None:
        if position in self.seen:
            raise self._error()
        self.seen.add(position)

    def check_page(self, payloads: list[Any]) -> None:
        fingerprint = json.dumps(payloads, sort_keys=True, default=str)
        if payloads and fingerprint == self.last_page:
            raise self._error()
        self.last_page = fingerprint

    def _error(self) -> RepeatingCursor:
        return RepeatingCursor(f"The store returned a {self.resource} page it had already given; the sync "
                               "stopped rather than loop forever. Try again later.")


def validate(payloads: Iterable[Any], model: type[M], to_record: Callable[[M], Record],
             inner: str | None = None) -> tuple[list[Record], list[Quarantined]]:
    """Validate each payload; the ones that fail (or fail to map) are quarantined, the rest kept. Where the
    connector wrapped the store's payload (with refunds, variations), `inner` names the store's own part."""
    records: list[Record] = []
    quarantined: list[Quarantined] = []
    for payload in payloads:
        try:
            records.append(to_record(model.model_validate(payload)))
        except (ValidationError, ValueError) as exc:
            own = payload.get(inner) if inner and isinstance(payload, dict) else payload
            ext = own.get("id") if isinstance(own, dict) else None
            quarantined.append(Quarantined(None if ext is None else legacy_id(str(ext)), json.dumps(own, default=str),
                                           _reason(exc)))
    return records, quarantined


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in exc.errors())
    return str(exc)
