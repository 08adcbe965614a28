"""WooCommerce REST API v3 connector.

Orders and products are read in update order with `modified_after`, keyset style: each page asks again from the
last update time seen (less a second, as times have one-second resolution) and skips what it already had, so a
record that changes while the sync runs cannot shift another off a page. The customers endpoint has no date
filter: every pass lists all customers by id and keeps those changed since the last pass. Deletions are found by
listing every id (`_fields=id`) and asking again about the missing ones (`include=`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
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


class WooCommerceConnector:
    platform = Platform.WOOCOMMERCE
    resources: tuple[Resource, ...] = (Resource.PRODUCTS, Resource.CUSTOMERS, Resource.ORDERS)

    def __init__(self, url: str, key: str, secret: str, *, currency: str = "USD", page_size: int = PAGE_SIZE,
                 options: HttpOptions | None = None,
                 reconcile_every: timedelta = RECONCILE_EVERY) -> None:
        self.currency = currency
        self.page_size = page_size
        self.reconcile_every = reconcile_every
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
            yield Page(tuple(records), checkpoint, tuple(quarantined), fetched=len(raw))
            if not more:
                return

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
    try:
        return utc(datetime.fromisoformat(str(payload["date_modified_gmt"])))
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
