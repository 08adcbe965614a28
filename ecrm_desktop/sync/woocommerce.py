"""WooCommerce REST API v3 connector.

Orders and products are read in update order with `modified_after`, keyset style: each page asks again from the
last update time seen (less a second, as times have one-second resolution) and skips what it already had, so a
record that changes while the sync runs cannot shift another off a page. The customers endpoint has no date
filter: a full pass lists them all by id and keeps those changed since the last pass. It runs on the first sync,
every `full_customers_every`, and on every sync while the store has fewer than `full_customers_below` customers;
the passes in between read only the customers registered since the last pass and those whose orders changed
since (by id, `include=`), so a profile edited without an order reaches ecrm with the next full pass. Deletions are
found by listing every id (`_fields=id`) and asking again about the missing ones (`include=`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.sync import woocommerce_models as m
from ecrm_desktop.sync.errors import MalformedResponse
from ecrm_desktop.sync.http import HttpOptions, JsonResponse, PoliteClient
from ecrm_desktop.sync.pages import RECONCILE_EVERY, Checkpoint, ConnectionInfo, CursorGuard, Page, Resource, validate
from ecrm_desktop.sync.parsing import utc

API_PATH = "/wp-json/wc/v3"
PAGE_SIZE = 100  # WooCommerce's maximum
FULL_CUSTOMERS_EVERY = timedelta(hours=24)
FULL_CUSTOMERS_BELOW = 5_000  # 50 requests: below this a full customers listing runs every pass
_QUICK = "quick"  # the position inside a customers pass that is not a full listing


class WooCommerceConnector:
    platform = Platform.WOOCOMMERCE
    resources: tuple[Resource, ...] = (Resource.PRODUCTS, Resource.CUSTOMERS, Resource.ORDERS)

    def __init__(self, url: str, key: str, secret: str, *, currency: str = "USD", page_size: int = PAGE_SIZE,
                 options: HttpOptions | None = None,
                 reconcile_every: timedelta = RECONCILE_EVERY,
                 full_customers_every: timedelta = FULL_CUSTOMERS_EVERY,
                 full_customers_below: int = FULL_CUSTOMERS_BELOW) -> None:
        self.currency = currency
        self.page_size = page_size
        self.reconcile_every = reconcile_every
        self.full_customers_every = full_customers_every
        self.full_customers_below = full_customers_below
        self._client = PoliteClient(url + API_PATH, auth=httpx.BasicAuth(key, secret),
                                    headers={"Accept": "application/json"}, options=options)

    def close(self) -> None:
        self._client.close()

    def check(self) -> ConnectionInfo:
        body = self._get("/system_status").body
        try:
            settings = body["settings"]
            currency = str(settings["currency"])
            name = str((body.get("environment") or {}).get("site_url") or self._client.host)
        except (KeyError, TypeError) as exc:
            raise MalformedResponse(f"The WooCommerce store at {self._client.host} answered the connection check "
                                    "without its settings.") from exc
        return ConnectionInfo(name, currency)

    def pages(self, resource: Resource, checkpoint: Checkpoint) -> Iterator[Page]:
        if resource is Resource.CUSTOMERS:
            return self._customer_pages(checkpoint)
        return self._keyset_pages(resource, checkpoint)

    def _customer_pages(self, checkpoint: Checkpoint) -> Iterator[Page]:
        now = datetime.now(UTC)
        cp = checkpoint.begin(now)
        if cp.since is None or (cp.position != _QUICK and (cp.position is not None or self._full_due(cp, now))):
            return self._full_customer_pages(checkpoint)
        return self._quick_customer_pages(cp, cp.since)

    def _full_due(self, cp: Checkpoint, now: datetime) -> bool:
        """A full listing is due every `full_customers_every`, and every pass while the store has fewer than
        `full_customers_below` customers (a listing of a few dozen pages costs less than a stale profile)."""
        if cp.full is None or now - cp.full >= self.full_customers_every:
            return True
        response = self._get("/customers", {"per_page": 1, "_fields": "id", "role": "all"})
        try:
            return int(response.headers["X-WP-Total"]) < self.full_customers_below
        except (KeyError, ValueError):
            return True

    def _full_customer_pages(self, checkpoint: Checkpoint) -> Iterator[Page]:
        guard = CursorGuard(Resource.CUSTOMERS.value)
        while True:
            cp = checkpoint.begin(datetime.now(UTC))
            page = int(cp.position or 1)
            response = self._get("/customers", {"per_page": self.page_size, "page": page, "orderby": "id",
                                                "order": "asc", "role": "all"})
            raw = _list(response, "customers", self._client.host)
            guard.check_page(raw)
            changed = [p for p in raw if cp.since is None or (_modified(p) or cp.since) >= cp.since]
            records, quarantined = validate(changed, m.Customer, m.customer_record)
            more = page < _total_pages(response, len(raw), self.page_size)
            checkpoint = cp.after_page(str(page + 1) if more else None, records)
            if not more:
                checkpoint = replace(checkpoint, full=cp.started)
            yield Page(tuple(records), checkpoint, tuple(quarantined), fetched=len(raw))
            if not more:
                return

    def _quick_customer_pages(self, cp: Checkpoint, since: datetime) -> Iterator[Page]:
        """The customers registered since `since` and those whose orders changed since, a page per request; a
        pass stopped half-way is done again (position `_QUICK`), as it writes the same records again."""
        batches = self._quick_batches(since)
        raw: list[Any] | None = next(batches, [])
        while raw is not None:
            following = next(batches, None)
            records, quarantined = validate(raw, m.Customer, m.customer_record)
            # a customer fetched for a changed order may not have changed since long ago: the next pass still
            # starts from this one's
            cp = cp.after_page(_QUICK if following is not None else None,
                               [r for r in records if r.updated_at >= since])
            yield Page(tuple(records), cp, tuple(quarantined), fetched=len(raw))
            raw = following

    def _quick_batches(self, since: datetime) -> Iterator[list[Any]]:
        seen: set[str] = set()
        for batch in self._registered_since(since):
            seen.update(str(p.get("id")) for p in batch if isinstance(p, dict))
            yield batch
        wanted = sorted(self._customers_of_orders_since(since) - seen, key=int)
        for start in range(0, len(wanted), PAGE_SIZE):
            yield self._customers_by_id(wanted[start:start + PAGE_SIZE])

    def _registered_since(self, since: datetime) -> Iterator[list[Any]]:
        guard = CursorGuard(Resource.CUSTOMERS.value)
        page = 1
        while True:
            response = self._get("/customers", {"per_page": self.page_size, "page": page,
                                                "orderby": "registered_date", "order": "desc", "role": "all"})
            raw = _list(response, "customers", self._client.host)
            guard.check_page(raw)
            fresh = [p for p in raw if (_created(p) or since) >= since]
            yield fresh
            if len(fresh) < len(raw) or page >= _total_pages(response, len(raw), self.page_size):
                return
            page += 1

    def _customers_of_orders_since(self, since: datetime) -> set[str]:
        ids: set[str] = set()
        page = 1
        while True:
            response = self._get("/orders", {"per_page": PAGE_SIZE, "page": page, "orderby": "modified",
                                             "order": "asc", "dates_are_gmt": "true", "_fields": "customer_id",
                                             "modified_after": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")})
            raw = _list(response, "orders", self._client.host)
            ids.update(str(o["customer_id"]) for o in raw if isinstance(o, dict)
                       and isinstance(o.get("customer_id"), int) and o["customer_id"] > 0)
            if page >= _total_pages(response, len(raw), PAGE_SIZE):
                return ids
            page += 1

    def _customers_by_id(self, ids: list[str]) -> list[Any]:
        return _list(self._get("/customers", {"include": ",".join(ids), "per_page": PAGE_SIZE, "role": "all"}),
                     "customers", self._client.host)

    def _keyset_pages(self, resource: Resource, checkpoint: Checkpoint) -> Iterator[Page]:
        guard = CursorGuard(resource.value)
        while True:
            cp = checkpoint.begin(datetime.now(UTC))
            after, last_id, page = _position(cp.position)
            floor = after - timedelta(seconds=1) if after else cp.since
            params: dict[str, str | int] = {"per_page": self.page_size, "page": page, "orderby": "modified",
                                            "order": "asc", "dates_are_gmt": "true"}
            if floor is not None:
                params["modified_after"] = floor.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
            response = self._get(f"/{resource.value}", params)
            raw = _list(response, resource.value, self._client.host)
            guard.check_page(raw)
            fresh = [p for p in raw if after is None or _newer(_key(p), after, last_id)]
            keys = [(t, i) for t, i in map(_key, fresh) if t is not None]
            more = page < _total_pages(response, len(raw), self.page_size)
            if keys:
                position = json.dumps([keys[-1][0].isoformat(), keys[-1][1], 1]) if more else None
            else:
                position = json.dumps([after.isoformat() if after else None, last_id, page + 1]) if more else None
            if position is not None:
                guard.check(position)
            records, quarantined = (validate(self._with_refunds(fresh), m.WooOrder, m.order_record, "order")
                                    if resource is Resource.ORDERS else
                                    validate(self._with_variations(fresh), m.WooProduct,
                                             lambda w: m.product_record(w, self.currency), "product"))
            checkpoint = cp.after_page(position, records)
            yield Page(tuple(records), checkpoint, tuple(quarantined), fetched=len(raw))
            if position is None:
                return

    def all_ids(self, resource: Resource) -> Iterator[list[str]]:
        """Every id the store holds of `resource` (customers, orders, products), a page at a time."""
        guard = CursorGuard(resource.value)
        page = 1
        while True:
            params: dict[str, str | int] = {"per_page": PAGE_SIZE, "page": page, "orderby": "id", "order": "asc",
                                            "_fields": "id", **({"role": "all"} if resource is Resource.CUSTOMERS
                                                                else {})}
            response = self._get(f"/{resource.value}", params)
            raw = _list(response, resource.value, self._client.host)
            guard.check_page(raw)
            yield _ids(raw)
            if page >= _total_pages(response, len(raw), PAGE_SIZE):
                return
            page += 1

    def still_there(self, resource: Resource, ids: Sequence[str]) -> set[str]:
        """Which of these ids of `resource` the store still holds."""
        held: set[str] = set()
        for start in range(0, len(ids), PAGE_SIZE):
            chunk = ids[start:start + PAGE_SIZE]
            params: dict[str, str | int] = {"include": ",".join(chunk), "per_page": PAGE_SIZE, "_fields": "id",
                                            **({"role": "all"} if resource is Resource.CUSTOMERS else {})}
            held.update(_ids(_list(self._get(f"/{resource.value}", params), resource.value, self._client.host)))
        return held

    def _with_refunds(self, orders: list[Any]) -> list[dict[str, Any]]:
        out = []
        for o in orders:
            refunds = (_list(self._get(f"/orders/{o['id']}/refunds"), "refunds", self._client.host)
                       if isinstance(o, dict) and o.get("refunds") and "id" in o else [])
            out.append({"order": o, "refunds": refunds})
        return out

    def _with_variations(self, products: list[Any]) -> list[dict[str, Any]]:
        out = []
        for p in products:
            variable = isinstance(p, dict) and p.get("type") == "variable" and "id" in p
            variations = (_list(self._get(f"/products/{p['id']}/variations", {"per_page": self.page_size}),
                                "variations", self._client.host) if variable else [])
            out.append({"product": p, "variations": variations})
        return out

    def _get(self, path: str, params: dict[str, str | int] | None = None) -> JsonResponse:
        return self._client.request_json("GET", path, params=params)


def _list(response: JsonResponse, what: str, host: str) -> list[Any]:
    if not isinstance(response.body, list):
        raise MalformedResponse(f"The WooCommerce store at {host} sent {what} that are not a JSON list.")
    return response.body


def _ids(raw: list[Any]) -> list[str]:
    return [str(p["id"]) for p in raw if isinstance(p, dict) and isinstance(p.get("id"), int)]


def _total_pages(response: JsonResponse, count: int, page_size: int) -> int:
    try:
        return int(response.headers["X-WP-TotalPages"])
    except (KeyError, ValueError):
        return 1 if count < page_size else 10**9


def _modified(payload: Any) -> datetime | None:
    return _when(payload, "date_modified_gmt")


def _created(payload: Any) -> datetime | None:
    return _when(payload, "date_created_gmt")


def _when(payload: Any, key: str) -> datetime | None:
    try:
        return utc(datetime.fromisoformat(str(payload[key])))
    except (KeyError, TypeError, ValueError):
        return None


def _key(payload: Any) -> tuple[datetime | None, int]:
    """(update time, id): the order WooCommerce pages in (`orderby=modified`, ties by id)."""
    ident = payload.get("id") if isinstance(payload, dict) else None
    return _modified(payload), ident if isinstance(ident, int) else 0


def _newer(key: tuple[datetime | None, int], after: datetime, last_id: int) -> bool:
    """Past the keyset position; a record without a readable update time is kept, so it gets quarantined."""
    return key[0] is None or key > (after, last_id)


def _position(text: str | None) -> tuple[datetime | None, int, int]:
    if not text:
        return None, 0, 1
    after, last_id, page = json.loads(text)
    return (datetime.fromisoformat(after) if after else None), int(last_id), int(page)
