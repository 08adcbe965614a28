"""Shopify Admin GraphQL connector: cursor pages sorted by update time, paced by the cost-based leaky bucket
that every response reports in `extensions.cost.throttleStatus`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.sync import shopify_models as m
from ecrm_desktop.sync import shopify_queries as q
from ecrm_desktop.sync.errors import MalformedResponse, StoreAuthFailed, StoreUnreachable, SyncError
from ecrm_desktop.sync.http import HttpOptions, PoliteClient
from ecrm_desktop.sync.pages import Checkpoint, ConnectionInfo, CursorGuard, Page, Record, Resource, validate

THROTTLE_ATTEMPTS = 10


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
                 page_size: int = q.PAGE_SIZE, options: HttpOptions | None = None) -> None:
        self.currency = currency
        self.page_size = page_size
        self._path = f"/admin/api/{api_version}/graphql.json"
        self._client = PoliteClient(shop_url, headers={"X-Shopify-Access-Token": token,
                                                       "Accept": "application/json"}, options=options)

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
