"""Shopify Admin GraphQL connector: cursor pages sorted by update time, paced by the cost-based leaky bucket
that every response reports in `extensions.cost.throttleStatus`. The first sync of a resource with at least
`bulk_threshold` records reads it through a bulk operation instead (`shopify_bulk`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.sync import shopify_models as m
from ecrm_desktop.sync import shopify_queries as q
from ecrm_desktop.sync.errors import MalformedResponse, StoreAuthFailed, StoreUnreachable, SyncError
from ecrm_desktop.sync.http import HttpOptions, PoliteClient
from ecrm_desktop.sync.pages import (
    RECONCILE_EVERY,
    Checkpoint,
    ConnectionInfo,
    CursorGuard,
    Page,
    Record,
    Resource,
    validate,
)
from ecrm_desktop.sync.parsing import legacy_id
from ecrm_desktop.sync.shopify_bulk import DOCUMENTS, BulkPosition, BulkReader, Group, ResultGone, groups

THROTTLE_ATTEMPTS = 10
BULK_THRESHOLD = 10_000  # records of one resource from which a first sync uses a bulk operation
BULK_RESTARTS = 2  # new bulk operations a pass may start when a result is gone
IDS_PAGE = 250
_GID_KINDS = {Resource.CUSTOMERS: "Customer", Resource.ORDERS: "Order", Resource.PRODUCTS: "Product"}
_ID_QUERIES = {Resource.CUSTOMERS: ("customers", q.CUSTOMER_IDS), Resource.ORDERS: ("orders", q.ORDER_IDS),
               Resource.PRODUCTS: ("products", q.PRODUCT_IDS)}
_BULK_ID_QUERIES = {Resource.CUSTOMERS: q.BULK_CUSTOMER_IDS, Resource.ORDERS: q.BULK_ORDER_IDS,
                    Resource.PRODUCTS: q.BULK_PRODUCT_IDS}
BULK_IDS_CHUNK = 10_000


@dataclass(frozen=True)
class _ResourceQuery:
    root: str
    document: str
    model: type[BaseModel]


_QUERIES = {
    Resource.PRODUCTS: _ResourceQuery("products", q.PRODUCTS, m.Product),
    Resource.CUSTOMERS: _ResourceQuery("customers", q.CUSTOMERS, m.Customer),
    Resource.ORDERS: _ResourceQuery("orders", q.ORDERS, m.Order),
    Resource.CHECKOUTS: _ResourceQuery("abandonedCheckouts", q.ABANDONED_CHECKOUTS, m.AbandonedCheckout),
}


class ShopifyConnector:
    platform = Platform.SHOPIFY
    resources: tuple[Resource, ...] = (Resource.PRODUCTS, Resource.CUSTOMERS, Resource.ORDERS, Resource.CHECKOUTS)

    def __init__(self, shop_url: str, token: str, *, currency: str = "USD", api_version: str = q.API_VERSION,
                 page_size: int = q.PAGE_SIZE, options: HttpOptions | None = None,
                 bulk_threshold: int = BULK_THRESHOLD,
                 reconcile_every: timedelta = RECONCILE_EVERY) -> None:
        self.currency = currency
        self.page_size = page_size
        self.bulk_threshold = bulk_threshold
        self.reconcile_every = reconcile_every
        self._path = f"/admin/api/{api_version}/graphql.json"
        self._client = PoliteClient(shop_url, headers={"X-Shopify-Access-Token": token,
                                                       "Accept": "application/json"}, options=options)
        self._bulk = BulkReader(self.graphql, self._client.host, self._client.options)
        self._counts: dict[str, Any] | None = None

    def close(self) -> None:
        self._client.close()

    def check(self) -> ConnectionInfo:
        data = self.graphql(q.CONNECTION_CHECK, {})
        try:
            shop = data["shop"]
            granted = tuple(s["handle"] for s in data["currentAppInstallation"]["accessScopes"])
            name, currency = str(shop["name"]), str(shop["currencyCode"])
        except (KeyError, TypeError) as exc:
            raise MalformedResponse(f"The Shopify store at {self._client.host} answered the connection check "
                                    "without its shop details.") from exc
        missing = tuple(s for s in q.REQUIRED_SCOPES if s not in granted)
        return ConnectionInfo(name, currency, missing, granted)

    def pages(self, resource: Resource, checkpoint: Checkpoint) -> Iterator[Page]:
        position = BulkPosition.loads(checkpoint.position)
        first_pass = checkpoint.since is None and checkpoint.started is None
        if position is not None or (resource in DOCUMENTS and first_pass and self._large(resource)):
            return self._bulk_pages(resource, checkpoint, position)
        return self._cursor_pages(resource, checkpoint)

    def _large(self, resource: Resource) -> bool:
        """Whether the shop holds at least `bulk_threshold` records of `resource` (counted once per connector)."""
        if self._counts is None:
            self._counts = self.graphql(q.SHOP_COUNTS, {"limit": self.bulk_threshold})
        count = (self._counts.get(f"{_ID_QUERIES[resource][0]}Count") or {}).get("count")
        return isinstance(count, int) and count >= self.bulk_threshold

    def _bulk_pages(self, resource: Resource, checkpoint: Checkpoint, position: BulkPosition | None) -> Iterator[Page]:
        """The records of one bulk operation in pages of `page_size` records, each page's checkpoint holding the
        line the next one starts on; the last page ends the pass as a paginated pass would."""
        spec = _QUERIES[resource]
        to_record = self._mapper(resource)
        cp = checkpoint.begin(datetime.now(UTC))
        restarts = 0
        while True:
            try:
                if position is None:
                    position = BulkPosition(self._bulk.start(resource))
                url = self._bulk.wait(position.operation, resource)
                batch: list[Group] = []
                for group in groups(self._bulk.lines(url, position.line) if url else ()):
                    batch.append(group)
                    if len(batch) >= self.page_size:
                        position = BulkPosition(position.operation, group.end)
                        cp, page = self._bulk_page(batch, cp, position.dumps(), spec.model, to_record)
                        batch = []
                        yield page
                yield self._bulk_page(batch, cp, None, spec.model, to_record)[1]
                return
            except ResultGone:
                restarts += 1
                if restarts > BULK_RESTARTS:
                    raise SyncError(f"The Shopify store at {self._client.host} kept withdrawing the bulk export "
                                    f"of {resource.value}; try again later.") from None
                position = None

    @staticmethod
    def _bulk_page(batch: list[Group], cp: Checkpoint, position: str | None, model: type[BaseModel],
                   to_record: Callable[[Any], Record]) -> tuple[Checkpoint, Page]:
        records, quarantined = validate([g.payload for g in batch if g.payload is not None], model, to_record)
        quarantined += [p for g in batch for p in g.problems]
        after = cp.after_page(position, records)
        return after, Page(tuple(records), after, tuple(quarantined), fetched=len(batch))

    def all_ids(self, resource: Resource) -> Iterator[list[str]]:
        """Every id the store holds of `resource` (customers, orders, products), a page at a time: through a bulk
        operation from `bulk_threshold` records (listing millions of ids page by page would take the cost-based
        limits hours), else page by page."""
        return self._bulk_ids(resource) if self._large(resource) else self._paged_ids(resource)

    def _bulk_ids(self, resource: Resource) -> Iterator[list[str]]:
        for restart in range(BULK_RESTARTS + 1):
            try:
                url = self._bulk.wait(self._bulk.start(resource, _BULK_ID_QUERIES[resource]), resource)
                chunk: list[str] = []
                for _, text in self._bulk.lines(url, 0) if url else ():
                    gid = _line_id(text)
                    if gid is not None:
                        chunk.append(legacy_id(gid))
                    if len(chunk) >= BULK_IDS_CHUNK:
                        yield chunk
                        chunk = []
                yield chunk
                return
            except ResultGone:
                if restart == BULK_RESTARTS:
                    raise SyncError(f"The Shopify store at {self._client.host} kept withdrawing the bulk export "
                                    f"of {resource.value} ids; try again later.") from None

    def _paged_ids(self, resource: Resource) -> Iterator[list[str]]:
        root, document = _ID_QUERIES[resource]
        guard = CursorGuard(resource.value)
        after: str | None = None
        while True:
            connection = self.graphql(document, {"first": IDS_PAGE, "after": after}).get(root)
            if not isinstance(connection, dict) or not isinstance(connection.get("nodes"), list):
                raise MalformedResponse(f"The Shopify store at {self._client.host} sent a list of {resource.value} "
                                        "ids without its ids.")
            yield [legacy_id(str(n["id"])) for n in connection["nodes"] if isinstance(n, dict) and n.get("id")]
            info = connection.get("pageInfo") or {}
            after = info.get("endCursor")
            if not info.get("hasNextPage") or not isinstance(after, str):
                return
            guard.check(after)

    def still_there(self, resource: Resource, ids: Sequence[str]) -> set[str]:
        """Which of these ids of `resource` the store still holds."""
        kind = _GID_KINDS[resource]
        held: set[str] = set()
        for start in range(0, len(ids), IDS_PAGE):
            chunk = [f"gid://shopify/{kind}/{i}" for i in ids[start:start + IDS_PAGE]]
            nodes = self.graphql(q.EXISTING, {"ids": chunk}).get("nodes")
            if not isinstance(nodes, list):
                raise MalformedResponse(f"The Shopify store at {self._client.host} did not say which "
                                        f"{resource.value} it still holds.")
            held.update(legacy_id(str(n["id"])) for n in nodes if isinstance(n, dict) and n.get("id"))
        return held

    def _cursor_pages(self, resource: Resource, checkpoint: Checkpoint) -> Iterator[Page]:
        spec = _QUERIES[resource]
        guard = CursorGuard(resource.value)
        to_record = self._mapper(resource)
        while True:
            cp = checkpoint.begin(datetime.now(UTC))
            variables: dict[str, Any] = {"first": self.page_size, "after": cp.position,
                                         "query": f"updated_at:>='{cp.since.isoformat()}'" if cp.since else None}
            connection = self.graphql(spec.document, variables).get(spec.root)
            if not isinstance(connection, dict) or not isinstance(connection.get("nodes"), list):
                raise MalformedResponse(f"The Shopify store at {self._client.host} sent a {resource.value} page "
                                        "without its list of records.")
            nodes = connection["nodes"]
            records, quarantined = validate(nodes, spec.model, to_record)
            info = connection.get("pageInfo") or {}
            end = info.get("endCursor")
            more = bool(info.get("hasNextPage")) and isinstance(end, str)
            if more:
                guard.check(str(end))
            checkpoint = cp.after_page(end if more else None, records)
            yield Page(tuple(records), checkpoint, tuple(quarantined), fetched=len(nodes))
            if not more:
                return

    def _mapper(self, resource: Resource) -> Callable[[Any], Record]:
        if resource is Resource.PRODUCTS:
            return lambda p: m.product_record(p, self.currency)
        mappers: dict[Resource, Callable[[Any], Record]] = {
            Resource.CUSTOMERS: m.customer_record, Resource.ORDERS: m.order_record,
            Resource.CHECKOUTS: m.checkout_record}
        return mappers[resource]

    def graphql(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        """Run one query, waiting as the throttle status asks; returns `data`."""
        for _ in range(THROTTLE_ATTEMPTS):
            body = self._client.request_json("POST", self._path,
                                             json_body={"query": document, "variables": variables}).body
            if not isinstance(body, dict):
                raise MalformedResponse(f"The Shopify store at {self._client.host} sent an answer that is not "
                                        "a JSON object.")
            cost = (body.get("extensions") or {}).get("cost") or {}
            errors = body.get("errors") or []
            if any(_code(e) == "THROTTLED" for e in errors):
                self._client.defer(_refill_seconds(cost, cost.get("requestedQueryCost")))
                continue
            if errors:
                raise _graphql_error(errors, self._client.host)
            self._client.defer(_refill_seconds(cost, cost.get("requestedQueryCost")))
            data = body.get("data")
            if not isinstance(data, dict):
                raise MalformedResponse(f"The Shopify store at {self._client.host} sent an answer without data.")
            return data
        raise StoreUnreachable(f"The Shopify store at {self._client.host} kept throttling the sync; "
                               "try again later.")


def _line_id(text: str) -> str | None:
    """The id on one line of a bulk export of ids (None for a line that holds none)."""
    try:
        row = json.loads(text)
    except ValueError:
        return None
    return str(row["id"]) if isinstance(row, dict) and row.get("id") else None


def _code(error: Any) -> str | None:
    if not isinstance(error, dict):
        return None
    code = (error.get("extensions") or {}).get("code")
    return "THROTTLED" if error.get("message") == "Throttled" else code


def _refill_seconds(cost: dict[str, Any], needed: Any) -> float:
    """How long until the bucket holds `needed` points again (0 when it already does or nothing is known)."""
    status = cost.get("throttleStatus") or {}
    try:
        available = float(status["currentlyAvailable"])
        rate = float(status["restoreRate"])
        want = float(needed)
    except (KeyError, TypeError, ValueError):
        return 0.0
    return max(0.0, (want - available) / rate) if rate > 0 else 0.0


def _graphql_error(errors: list[Any], host: str) -> SyncError:
    codes = {_code(e) for e in errors}
    text = "; ".join(str(e.get("message"))[:200] for e in errors if isinstance(e, dict))
    if codes & {"ACCESS_DENIED", "UNAUTHORIZED"}:
        return StoreAuthFailed(f"The Shopify store at {host} denied access ({text}); check the app's access "
                               "scopes and token.")
    return SyncError(f"The Shopify store at {host} rejected a query: {json.dumps(text)}.")
