"""A Shopify-shaped Admin GraphQL endpoint over an `EmulatedStore`.

It answers exactly the query shapes the ecrm connector sends (recognised by their root field), with Shopify's
pagination (opaque cursors over the sort key), search syntax for `updated_at`, error shapes and cost-based
leaky-bucket throttling reported in `extensions.cost`.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ecrm_desktop.domain.catalogue import CheckoutRecord, ProductRecord
from ecrm_desktop.domain.records import AddressRecord, CustomerRecord, FulfillmentRecord, OrderRecord
from ecrm_desktop.sync.emulator.emulated_store import EmulatedStore
from ecrm_desktop.sync.emulator.faults import Faults, Reply
from ecrm_desktop.sync.emulator.shopify_bulk_api import BulkOperations
from ecrm_desktop.sync.emulator.wire import fault_reply, iso, json_reply, money

SUPPORTED_VERSIONS = ("2025-10", "2026-01", "2026-04", "2026-07", "2026-10")
_PATH = re.compile(r"^/admin/api/(?P<version>[\w-]+)/graphql\.json$")
_ROOT = re.compile(r"^\s*(query|mutation)\b[^{]*\{\s*(\w+)")
_IDS_ONLY = re.compile(r"nodes\s*\{\s*id\s*\}\s*\}\s*\}\s*$")
_SINCE = re.compile(r"updated_at:\s*(>=?)\s*'?([0-9T:+\-.Z]+)'?")
_NODE_COST = {"customers": 3, "orders": 8, "products": 3, "abandonedCheckouts": 3}
_FIXED_COST = {"shop": 2, "customersCount": 3, "bulkOperationRunQuery": 10, "bulkOperation": 1, "nodes": 1}


@dataclass
class Bucket:
    """Shopify's leaky bucket: `maximum` points, refilled at `restore_rate` points per second."""

    maximum: float = 2000.0
    restore_rate: float = 100.0
    available: float = 2000.0
    _at: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, cost: float) -> tuple[bool, dict[str, float]]:
        with self._lock:
            t = time.monotonic()
            self.available = min(self.maximum, self.available + (t - self._at) * self.restore_rate)
            self._at = t
            ok = cost <= self.available
            if ok:
                self.available -= cost
            return ok, {"maximumAvailable": self.maximum, "currentlyAvailable": round(self.available),
                        "restoreRate": self.restore_rate}


class ShopifyApi:
    def __init__(self, store: EmulatedStore, faults: Faults | None = None, bucket: Bucket | None = None) -> None:
        self.store = store
        self.faults = faults or Faults()
        self.bucket = bucket or Bucket()
        self.bulk = BulkOperations(self.faults, self.render_all)

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        result = self.bulk.download(path) if method == "GET" else None
        return result or self._graphql(method, path, headers, body)

    def _graphql(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        match = _PATH.match(path.split("?", 1)[0])
        if method != "POST" or match is None:
            return json_reply({"errors": "Not Found"}, 404)
        if match["version"] not in SUPPORTED_VERSIONS:
            return json_reply({"errors": f"API version {match['version']} is not supported."}, 404)
        if headers.get("x-shopify-access-token") != self.store.token:
            return json_reply({"errors": "[API] Invalid API key or access token (unrecognized login or wrong "
                                         "password)"}, 401)
        _, fault = self.faults.next()
        early = fault_reply(fault, self.faults)
        if early is not None:
            return early
        try:
            request = json.loads(body)
            query, variables = str(request["query"]), dict(request.get("variables") or {})
        except (ValueError, KeyError, TypeError):
            return json_reply({"errors": [{"message": "Invalid JSON in request body"}]}, 400)
        reply = self._answer(query, variables, headers.get("host", ""), throttled=fault == "throttle")
        return fault_reply(fault, self.faults, reply) or reply

    def _answer(self, query: str, variables: dict[str, Any], host: str, throttled: bool) -> Reply:
        root_match = _ROOT.match(query)
        root = root_match.group(2) if root_match else ""
        first = int(variables.get("first") or 0)
        if root not in (*_FIXED_COST, *_NODE_COST) or first > 250:
            return json_reply({"errors": [{"message": f"The emulator does not answer this query ({root!r})."}]})
        ids_only = _IDS_ONLY.search(query) is not None
        cost = _FIXED_COST.get(root, 2) + first * (1 if ids_only else _NODE_COST.get(root, 0))
        ok, status = self.bucket.take(0 if throttled else cost)
        if throttled or not ok:
            if throttled:
                status = {**status, "currentlyAvailable": 0}
            return json_reply({"errors": [{"message": "Throttled", "extensions": {
                "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                "extensions": {"cost": {"requestedQueryCost": cost, "actualQueryCost": None,
                                        "throttleStatus": status}}})
        data = self._data(root, query, variables, host=host, first=first, ids_only=ids_only)
        return json_reply({"data": data, "extensions": {"cost": {
            "requestedQueryCost": cost, "actualQueryCost": cost, "throttleStatus": status}}})

    def _data(self, root: str, query: str, variables: dict[str, Any], *, host: str, first: int,
              ids_only: bool) -> dict[str, Any]:
        if root == "shop":
            return self._shop()
        if root == "customersCount":
            return {f"{kind}Count": {"count": len(self.store.snapshot(kind))}
                    for kind in ("customers", "orders", "products")}
        if root == "bulkOperationRunQuery":
            return {root: self.bulk.run(str(variables.get("query") or ""))}
        if root == "bulkOperation":
            return {root: self.bulk.poll(str(variables.get("id")), host)}
        if root == "nodes":
            return {root: self._existing([str(i) for i in variables.get("ids") or []])}
        return {root: self._connection(root, first, variables, by_id="sortKey: ID" in query, ids_only=ids_only)}

    def _existing(self, gids: list[str]) -> list[dict[str, str] | None]:
        kinds = {"Customer": "customers", "Order": "orders", "Product": "products"}
        found = []
        for gid in gids:
            kind = kinds.get(gid.split("/")[-2]) if gid.count("/") >= 3 else None
            with self.store.lock:
                held = kind is not None and gid.rsplit("/", 1)[-1] in getattr(self.store, kind)
            found.append({"id": gid} if held else None)
        return found

    def render_all(self, root: str, ids_only: bool = False) -> list[dict[str, Any]]:
        """Every record under a root field ("customers", "orders", "products") as its query's nodes (or only
        their ids)."""
        kind, render = self._kinds()[root]
        if ids_only:
            render = _id_of(kind)
        return [render(r) for r in sorted(self.store.snapshot(kind), key=lambda r: _key(r, False))]

    def _shop(self) -> dict[str, Any]:
        return {"shop": {"name": self.store.name, "currencyCode": self.store.currency},
                "currentAppInstallation": {"accessScopes": [{"handle": s} for s in self.store.scopes]}}

    def _connection(self, root: str, first: int, variables: dict[str, Any], by_id: bool,
                    ids_only: bool) -> dict[str, Any]:
        kind, render = self._kinds()[root]
        if ids_only:
            render = _id_of(kind)
        records = sorted(self.store.snapshot(kind), key=lambda r: _key(r, by_id))
        since = _since(variables.get("query"))
        if since is not None:
            inclusive, when = since
            records = [r for r in records if r.updated_at > when or (inclusive and r.updated_at == when)]
        after = variables.get("after")
        start = 0
        if after:
            position = _decode(str(after))
            start = next((i for i, r in enumerate(records) if _key(r, by_id) > position), len(records))
        if self.faults.duplicate_across_pages and start > 0:
            start -= 1
        page = records[start:start + first]
        more = start + first < len(records)
        end = _encode(_key(page[-1], by_id)) if page else None
        if self.faults.repeat_cursor and after:
            end, more = str(after), True
        return {"pageInfo": {"hasNextPage": more, "endCursor": end}, "nodes": [render(r) for r in page]}

    def _kinds(self) -> dict[str, tuple[str, Callable[[Any], dict[str, Any]]]]:
        return {"customers": ("customers", self._customer), "orders": ("orders", self._order),
                "products": ("products", self._product), "abandonedCheckouts": ("checkouts", self._checkout)}

    def _corrupt(self, rec: Any, node: dict[str, Any]) -> dict[str, Any]:
        return {**node, "createdAt": "not a date"} if rec.external_id in self.faults.corrupt else node

    def _customer(self, c: CustomerRecord) -> dict[str, Any]:
        default = next((i for i, a in enumerate(c.addresses) if a.is_default), None)
        return self._corrupt(c, {
            "id": _gid("Customer", c.external_id), "createdAt": iso(c.created_at), "updatedAt": iso(c.updated_at),
            "firstName": c.first_name, "lastName": c.last_name, "tags": list(c.tags),
            "defaultEmailAddress": {"emailAddress": c.email, "marketingState": c.email_consent.value,
                                    "marketingUpdatedAt": iso(c.email_consent_at)} if c.email else None,
            "defaultPhoneNumber": {"phoneNumber": c.phone} if c.phone else None,
            "defaultAddress": {"id": _address_gid(c, default)} if default is not None else None,
            "addressesV2": {"nodes": [_address(c, i, a) for i, a in enumerate(c.addresses)]}})

    def _order(self, o: OrderRecord) -> dict[str, Any]:
        c = self.store.currency
        return self._corrupt(o, {
            "id": _gid("Order", o.external_id), "name": o.number, "createdAt": iso(o.created_at),
            "updatedAt": iso(o.updated_at), "cancelledAt": iso(o.cancelled_at),
            "cancelReason": o.cancel_reason.upper() if o.cancel_reason else None, "currencyCode": o.currency,
            "email": o.email, "sourceName": o.sales_channel,
            "displayFinancialStatus": o.financial_status.value,
            "displayFulfillmentStatus": o.fulfillment_status.value, "discountCodes": list(o.discount_codes),
            "paymentGatewayNames": [o.payment_gateway] if o.payment_gateway else [],
            "customer": {"id": _gid("Customer", o.customer_external_id)} if o.customer_external_id else None,
            "subtotalPriceSet": _bag(o.subtotal_cents, c), "totalDiscountsSet": _bag(o.discount_cents, c),
            "totalShippingPriceSet": _bag(o.shipping_cents, c), "totalTaxSet": _bag(o.tax_cents, c),
            "totalPriceSet": _bag(o.total_cents, c),
            "shippingAddress": {"city": o.shipping_city, "countryCodeV2": o.shipping_country}
            if o.shipping_country or o.shipping_city else None,
            "transactions": [{"paymentDetails": {"company": o.card_brand, "number": f"•••• •••• •••• {o.card_last4}"}
                              if o.card_last4 else None}],
            "lineItems": {"nodes": [{
                "id": _gid("LineItem", ln.external_id), "title": ln.title, "quantity": ln.quantity, "sku": ln.sku,
                "originalUnitPriceSet": _bag(ln.unit_price_cents, c),
                "product": {"id": _gid("Product", ln.product_external_id), "productType": ln.category or ""}
                if ln.product_external_id else None,
                "variant": {"id": _gid("ProductVariant", ln.variant_external_id)}
                if ln.variant_external_id else None} for ln in o.lines]},
            "fulfillments": [_fulfillment(f, o) for f in o.fulfillments],
            "refunds": [{
                "id": _gid("Refund", r.external_id), "createdAt": iso(r.created_at), "note": r.note,
                "totalRefundedSet": _bag(r.amount_cents, c),
                "refundLineItems": {"nodes": [{
                    "id": _gid("RefundLineItem", f"{r.external_id}{i:03d}"), "quantity": rl.quantity,
                    "restocked": rl.restock,
                    "lineItem": {"id": _gid("LineItem", rl.line_external_id)},
                    "subtotalSet": _bag(rl.amount_cents, c)} for i, rl in enumerate(r.lines)]}} for r in o.refunds]})

    def _product(self, p: ProductRecord) -> dict[str, Any]:
        return self._corrupt(p, {
            "id": _gid("Product", p.external_id), "title": p.title, "vendor": p.vendor, "status": p.status,
            "productType": p.category or "", "createdAt": iso(p.created_at), "updatedAt": iso(p.updated_at),
            "variants": {"nodes": [{"id": _gid("ProductVariant", v.external_id), "title": v.title, "sku": v.sku,
                                    "price": money(v.price_cents), "inventoryQuantity": v.inventory_quantity}
                                   for v in p.variants]}})

    def _checkout(self, k: CheckoutRecord) -> dict[str, Any]:
        titles = (k.summary or "").split(" and ")[0]
        return self._corrupt(k, {
            "id": _gid("AbandonedCheckout", k.external_id), "createdAt": iso(k.created_at),
            "updatedAt": iso(k.updated_at), "completedAt": iso(k.completed_at),
            "abandonedCheckoutUrl": k.recovery_url,
            "customer": {"id": _gid("Customer", k.customer_external_id), "defaultEmailAddress": {
                "emailAddress": k.email}} if k.customer_external_id else None,
            "totalPriceSet": _bag(k.total_cents, k.currency),
            "lineItems": {"nodes": [{"title": titles, "quantity": k.items_count}] if k.items_count else []}})


def _id_of(kind: str) -> Callable[[Any], dict[str, Any]]:
    gid_kind = {"customers": "Customer", "orders": "Order", "products": "Product"}.get(kind, "AbandonedCheckout")
    return lambda r: {"id": _gid(gid_kind, r.external_id)}


def _gid(kind: str, external_id: str | None) -> str:
    return f"gid://shopify/{kind}/{external_id}"


def _address_gid(c: CustomerRecord, i: int) -> str:
    return f"gid://shopify/MailingAddress/{c.external_id}{i:02d}?model_name=CustomerAddress"


def _address(c: CustomerRecord, i: int, a: AddressRecord) -> dict[str, Any]:
    return {"id": _address_gid(c, i), "name": a.name, "company": a.company, "address1": a.address1,
            "address2": a.address2, "city": a.city, "provinceCode": a.region, "zip": a.postal_code,
            "countryCodeV2": a.country, "phone": a.phone}


def _fulfillment(f: FulfillmentRecord, o: OrderRecord) -> dict[str, Any]:
    tracking = [{"company": f.carrier, "number": f.tracking_number, "url": f.tracking_url}] \
        if f.carrier or f.tracking_number or f.tracking_url else []
    return {"id": _gid("Fulfillment", f.external_id), "displayStatus": f.status.value,
            "createdAt": iso(f.shipped_at or o.created_at), "deliveredAt": iso(f.delivered_at),
            "trackingInfo": tracking}


def _bag(cents: int, currency: str) -> dict[str, Any]:
    return {"shopMoney": {"amount": money(cents), "currencyCode": currency}}


def _key(record: Any, by_id: bool) -> tuple[str, ...]:
    ident = str(record.external_id).rjust(20, "0")
    return (ident,) if by_id else (iso(record.updated_at) or "", ident)


def _encode(key: tuple[str, ...]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _decode(cursor: str) -> tuple[str, ...]:
    try:
        return tuple(json.loads(base64.urlsafe_b64decode(cursor.encode())))
    except ValueError:
        return ()


def _since(search: Any) -> tuple[bool, datetime] | None:
    match = _SINCE.search(str(search or ""))
    if match is None:
        return None
    return match.group(1) == ">=", datetime.fromisoformat(match.group(2).replace("Z", "+00:00"))
