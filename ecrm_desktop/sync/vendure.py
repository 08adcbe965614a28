"""Vendure Admin API (GraphQL) connector.

Auth: the `login` mutation answers with a session token in the `vendure-auth-token` header, sent back as a
Bearer token (the server's `authOptions.tokenMethod` must include "bearer"). An expired session shows as an HTTP
200 whose error code is FORBIDDEN: the connector logs in again once; FORBIDDEN again is an auth error.

Records are read in sweeps, keyset style in (time, id) order. Vendure stores times to the second and its
`after` filter is strict, so each request asks for what is after the last time seen less a second (i.e. at or
after it) and skips what it already had by id. When a whole page shares one second, the next page keeps the
same lower bound and moves `skip` on instead, so any number of records with one time pages through without
looping.

- Customers: one sweep by `updatedAt`.
- Orders: Vendure does not stamp an order's `updatedAt` when it is placed, paid, shipped or refunded, so a pass
  reads the orders placed since the last pass or within `revisit_orders` (by `orderPlacedAt`), then those whose
  `updatedAt` moved. A refund or shipment of an order placed longer ago than that shows once it changes again.
- Carts: the active orders with lines and a customer (an anonymous cart cannot be followed up), by `updatedAt`;
  then the orders placed since the last pass that were created before it, reported as completed carts.
- Products: listed in full on every pass (by id), as stock levels carry no update time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.sync import vendure_models as m
from ecrm_desktop.sync import vendure_queries as q
from ecrm_desktop.sync.errors import MalformedResponse, StoreAuthFailed, SyncError
from ecrm_desktop.sync.http import HttpOptions, PoliteClient
from ecrm_desktop.sync.pages import (
    RECONCILE_EVERY,
    SKEW_MARGIN,
    Checkpoint,
    ConnectionInfo,
    CursorGuard,
    Page,
    Record,
    Resource,
    validate,
)
from ecrm_desktop.sync.parsing import utc

TOKEN_HEADER = "vendure-auth-token"  # noqa: S105 (a header name)
# The permissions the sync reads with; a superadmin has them all. ReadCatalog also grants ReadProduct.
REQUIRED_PERMISSIONS = ("ReadCustomer", "ReadOrder", "ReadProduct")
_IMPLIED = {"ReadCatalog": "ReadProduct"}
# How far back every pass reads placed orders again: Vendure does not stamp an order's updatedAt when it is
# paid, shipped or refunded, so a later change shows only by reading the order again.
REVISIT_ORDERS = timedelta(days=30)


@dataclass(frozen=True)
class _Sweep:
    """One listing of a pass: records whose `field` is at or after `start` (all when None), in `field` order."""

    field: str
    filter: dict[str, Any]
    start: datetime | None


@dataclass(frozen=True)
class _Listing:
    root: str
    document: str
    model: type[BaseModel]


_LISTINGS = {
    Resource.CUSTOMERS: _Listing("customers", q.CUSTOMERS, m.Customer),
    Resource.ORDERS: _Listing("orders", q.ORDERS, m.Order),
    Resource.CHECKOUTS: _Listing("orders", q.CARTS, m.Cart),
    Resource.PRODUCTS: _Listing("products", q.PRODUCTS, m.Product),
}
_ID_LISTINGS = {Resource.CUSTOMERS: ("customers", q.CUSTOMER_IDS, {}),
                Resource.ORDERS: ("orders", q.ORDER_IDS, {"active": {"eq": False}}),
                Resource.PRODUCTS: ("products", q.PRODUCT_IDS, {})}


class VendureConnector:
    platform = Platform.VENDURE
    resources: tuple[Resource, ...] = (Resource.PRODUCTS, Resource.CUSTOMERS, Resource.ORDERS, Resource.CHECKOUTS)

    def __init__(self, url: str, user: str, password: str, *, currency: str = "USD", page_size: int = q.PAGE_SIZE,
                 options: HttpOptions | None = None, reconcile_every: timedelta = RECONCILE_EVERY,
                 revisit_orders: timedelta = REVISIT_ORDERS, transport: httpx.BaseTransport | None = None) -> None:
        self.currency = currency
        self.revisit_orders = revisit_orders
        self.page_size = page_size
        self.reconcile_every = reconcile_every
        self._user = user
        self._password = password
        # the session rides on the bearer token alone, not on the cookie Vendure may also set
        self._client = PoliteClient(url, headers={"Accept": "application/json"}, options=options,
                                    transport=transport, cookies=False)
        self._logged_in = False

    def close(self) -> None:
        self._client.close()

    def check(self) -> ConnectionInfo:
        data = self.graphql(q.CONNECTION_CHECK, {})
        try:
            channel = data["activeChannel"]
            currency = str(channel["defaultCurrencyCode"])
            code = str(channel["code"])
        except (KeyError, TypeError) as exc:
            raise MalformedResponse(f"The Vendure store at {self._client.host} answered the connection check "
                                    "without its channel.") from exc
        granted = self._permissions(code)
        missing = tuple(p for p in REQUIRED_PERMISSIONS if p not in granted)
        name = self._client.host if code == "__default_channel__" else f"{code} at {self._client.host}"
        return ConnectionInfo(name, currency, missing, tuple(p for p in REQUIRED_PERMISSIONS if p in granted))

    def _permissions(self, channel: str) -> set[str]:
        me = self.graphql(q.PERMISSIONS, {}).get("me") or {}
        for c in me.get("channels") or []:
            if isinstance(c, dict) and c.get("code") == channel:
                held = {str(p) for p in c.get("permissions") or []}
                return held | {_IMPLIED[p] for p in held if p in _IMPLIED}
        return set()

    def pages(self, resource: Resource, checkpoint: Checkpoint) -> Iterator[Page]:
        if resource is Resource.PRODUCTS:
            return self._product_pages(checkpoint)
        return self._keyset_pages(resource, checkpoint)

    def _product_pages(self, checkpoint: Checkpoint) -> Iterator[Page]:
        listing = _LISTINGS[Resource.PRODUCTS]
        guard = CursorGuard(Resource.PRODUCTS.value)
        while True:
            cp = checkpoint.begin(datetime.now(UTC))
            skip = int(cp.position or 0)
            items, total = self._list(listing.root, listing.document,
                                      {"skip": skip, "take": self.page_size, "sort": {"id": "ASC"}})
            guard.check_page(items)
            records, quarantined = validate(items, m.Product, lambda p: m.product_record(p, self.currency))
            more = bool(items) and skip + len(items) < total
            checkpoint = cp.after_page(str(skip + len(items)) if more else None, records)
            yield Page(tuple(records), checkpoint, tuple(quarantined), fetched=len(items))
            if not more:
                return

    def _sweeps(self, resource: Resource, cp: Checkpoint) -> list[_Sweep]:
        """The listings one pass of `resource` reads, in turn (see the module's docstring)."""
        placed, active = {"active": {"eq": False}}, {"active": {"eq": True}}
        since, started = cp.since, cp.started or datetime.now(UTC)
        if resource is Resource.CUSTOMERS:
            return [_Sweep("updatedAt", {}, since)]
        if resource is Resource.ORDERS:
            if since is None:
                return [_Sweep("orderPlacedAt", placed, None)]
            return [_Sweep("orderPlacedAt", placed, min(since, started - self.revisit_orders)),
                    _Sweep("updatedAt", placed, since)]
        if since is None:
            return [_Sweep("updatedAt", active, None)]
        # the previous pass started SKEW_MARGIN after the `since` it left (or later): the carts it saw were
        # created before that and, if placed since, placed after it
        previous = since + SKEW_MARGIN
        return [_Sweep("updatedAt", active, since), _Sweep("orderPlacedAt", placed, previous)]

    def _keyset_pages(self, resource: Resource, checkpoint: Checkpoint) -> Iterator[Page]:
        listing = _LISTINGS[resource]
        to_record = self._mapper(resource)
        guard = CursorGuard(resource.value)
        while True:
            cp = checkpoint.begin(datetime.now(UTC))
            sweeps = self._sweeps(resource, cp)
            index, after, last_id, skip = _position(cp.position)
            sweep = sweeps[index]
            floor = after or sweep.start
            where = dict(sweep.filter)
            if floor is not None:
                where[sweep.field] = {"after": _stamp(floor - timedelta(seconds=1))}
            items, _ = self._list(listing.root, listing.document,
                                  {"skip": skip, "take": self.page_size, "filter": where,
                                   "sort": {sweep.field: "ASC", "id": "ASC"}})
            guard.check_page(items)
            fresh = [p for p in items if after is None or _newer(_key(p, sweep.field), after, last_id)]
            wanted = [p for p in fresh if _wanted(resource, p, cp.since)]
            records, quarantined = validate(wanted, listing.model, to_record)
            if len(items) >= self.page_size:
                following = _next_position(index, items, sweep.field, floor=floor, last_id=last_id, skip=skip)
                guard.check(following)
                position: str | None = following
            elif index + 1 < len(sweeps):
                position = json.dumps([index + 1, None, 0, 0])
                guard = CursorGuard(resource.value)
            else:
                position = None
            checkpoint = cp.after_page(position, records)
            yield Page(tuple(records), checkpoint, tuple(quarantined), fetched=len(items))
            if position is None:
                return

    def all_ids(self, resource: Resource) -> Iterator[list[str]]:
        """Every id the store holds of `resource` (customers, placed orders, products), a page at a time."""
        root, document, where = _ID_LISTINGS[resource]
        guard = CursorGuard(resource.value)
        skip = 0
        while True:
            items, total = self._list(root, document,
                                      {"skip": skip, "take": q.IDS_PAGE, "sort": {"id": "ASC"}, "filter": where})
            guard.check_page(items)
            yield [str(i["id"]) for i in items if isinstance(i, dict) and i.get("id")]
            skip += len(items)
            if not items or skip >= total:
                return

    def still_there(self, resource: Resource, ids: Sequence[str]) -> set[str]:
        """Which of these ids of `resource` the store still holds."""
        root, document, where = _ID_LISTINGS[resource]
        held: set[str] = set()
        for start in range(0, len(ids), q.IDS_PAGE):
            chunk = list(ids[start:start + q.IDS_PAGE])
            items, _ = self._list(root, document, {"take": len(chunk), "filter": {**where, "id": {"in": chunk}}})
            held.update(str(i["id"]) for i in items if isinstance(i, dict) and i.get("id"))
        return held

    def _list(self, root: str, document: str, options: dict[str, Any]) -> tuple[list[Any], int]:
        found = self.graphql(document, {"options": options}).get(root)
        items = found.get("items") if isinstance(found, dict) else None
        total = found.get("totalItems") if isinstance(found, dict) else None
        if not isinstance(items, list) or not isinstance(total, int):
            raise MalformedResponse(f"The Vendure store at {self._client.host} sent a {root} page "
                                    "without its list of records.")
        return items, total

    def _mapper(self, resource: Resource) -> Callable[[Any], Record]:
        mappers: dict[Resource, Callable[[Any], Record]] = {
            Resource.CUSTOMERS: m.customer_record, Resource.ORDERS: m.order_record,
            Resource.CHECKOUTS: m.checkout_record}
        return mappers[resource]

    def graphql(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        """Run one Admin API operation, logging in first and again once when the session has expired."""
        if not self._logged_in:
            self._login()
        for attempt in range(2):
            response = self._client.request_json("POST", q.ADMIN_PATH,
                                                 json_body={"query": document, "variables": variables})
            self._keep_token(response.headers.get(TOKEN_HEADER))
            body = response.body
            if not isinstance(body, dict):
                raise MalformedResponse(f"The Vendure store at {self._client.host} sent an answer that is not "
                                        "a JSON object.")
            errors = body.get("errors") or []
            if errors and _codes(errors) & {"FORBIDDEN", "UNAUTHORIZED"}:
                if attempt == 0:
                    self._login()
                    continue
                raise StoreAuthFailed(f"The Vendure store at {self._client.host} refused the user "
                                      f"{self._user!r} access to the data the sync reads (FORBIDDEN); give the "
                                      "administrator the ReadCustomer, ReadOrder and ReadProduct permissions.")
            if errors:
                text = "; ".join(str(e.get("message"))[:200] for e in errors if isinstance(e, dict))
                raise SyncError(f"The Vendure store at {self._client.host} rejected a query: {json.dumps(text)}.")
            data = body.get("data")
            if not isinstance(data, dict):
                raise MalformedResponse(f"The Vendure store at {self._client.host} sent an answer without data.")
            return data
        raise AssertionError("unreachable")

    def _login(self) -> None:
        self._client.set_header("Authorization", None)
        response = self._client.request_json("POST", q.ADMIN_PATH, json_body={
            "query": q.LOGIN, "variables": {"username": self._user, "password": self._password}})
        body = response.body if isinstance(response.body, dict) else {}
        result = (body.get("data") or {}).get("login") or {}
        if result.get("__typename") != "CurrentUser":
            code = result.get("errorCode") or next(iter(_codes(body.get("errors") or [])), None) or "no answer"
            raise StoreAuthFailed(f"The Vendure store at {self._client.host} refused the user name or password "
                                  f"({code}); check them and connect again.")
        token = response.headers.get(TOKEN_HEADER)
        if not token:
            raise StoreAuthFailed(f"The Vendure store at {self._client.host} accepted the login but sent no "
                                  "session token; add 'bearer' to its authOptions.tokenMethod.")
        self._keep_token(token)
        self._logged_in = True

    def _keep_token(self, token: str | None) -> None:
        if token:
            self._client.set_header("Authorization", f"Bearer {token}")


def _next_position(index: int, items: list[Any], field: str, *, floor: datetime | None, last_id: int,
                   skip: int) -> str:
    """Past the last record of a full page of sweep `index`. A page that all shares one second would come
    back whole from a bound at that second: the next page then starts there with `skip` past the ones read."""
    keys = [k for k in (_key(p, field) for p in items) if k[0] is not None]
    if not keys:
        return json.dumps([index, floor.isoformat() if floor else None, last_id, skip + len(items)])
    at, ident = keys[-1]
    assert at is not None
    if all(k[0] == at for k in keys):
        return json.dumps([index, at.isoformat(), max(ident, last_id), (skip if at == floor else 0) + len(items)])
    return json.dumps([index, at.isoformat(), ident, 0])


def _codes(errors: list[Any]) -> set[str]:
    return {str((e.get("extensions") or {}).get("code")) for e in errors if isinstance(e, dict)}


def _wanted(resource: Resource, payload: Any, since: datetime | None) -> bool:
    """What the pass keeps of the orders it read: the placed orders (one cancelled before it was placed was
    never an order); as carts, the active orders someone could be reminded of, and the placed ones that were
    carts when the previous pass ran."""
    if resource is Resource.CUSTOMERS or not isinstance(payload, dict):
        return True
    if resource is Resource.ORDERS:
        return "orderPlacedAt" not in payload or payload["orderPlacedAt"] is not None
    if payload.get("active"):
        return bool(payload.get("lines")) and payload.get("customer") is not None
    created = _when(payload, "createdAt")
    # times are whole seconds: a cart created in the second the previous pass began may have been seen by it
    return since is not None and created is not None and created <= since + SKEW_MARGIN


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _when(payload: Any, key: str) -> datetime | None:
    try:
        return utc(datetime.fromisoformat(str(payload[key]).replace("Z", "+00:00")))
    except (KeyError, TypeError, ValueError):
        return None


def _key(payload: Any, field: str) -> tuple[datetime | None, int]:
    """(time of `field`, id): the order the pages of a sweep come in."""
    ident = payload.get("id") if isinstance(payload, dict) else None
    return _when(payload, field), int(ident) if isinstance(ident, str) and ident.isdigit() else 0


def _newer(key: tuple[datetime | None, int], after: datetime, last_id: int) -> bool:
    """Past the keyset position; a record without a readable update time is kept, so it gets quarantined."""
    return key[0] is None or (key[0], key[1]) > (after, last_id)


def _position(text: str | None) -> tuple[int, datetime | None, int, int]:
    """(sweep, time, id, skip) of a position inside a pass."""
    if not text:
        return 0, None, 0, 0
    index, after, last_id, skip = json.loads(text)
    return int(index), (datetime.fromisoformat(after) if after else None), int(last_id), int(skip)
