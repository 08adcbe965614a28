"""A WooCommerce-shaped REST API v3 over an `EmulatedStore`: the JSON shapes of the public WooCommerce REST
docs (money as strings, `date_*_gmt`, billing/shipping objects, line items, refunds at `/orders/<id>/refunds`),
page/per_page pagination with `X-WP-Total`/`X-WP-TotalPages`/`Link`, `modified_after`, and Woo's error shape."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from ecrm_desktop.domain.catalogue import ProductRecord
from ecrm_desktop.domain.enums import FinancialStatus, FulfillmentStatus
from ecrm_desktop.domain.records import AddressRecord, CustomerRecord, OrderRecord, RefundRecord
from ecrm_desktop.sync.emulator.emulated_store import EmulatedStore
from ecrm_desktop.sync.emulator.faults import Faults, Reply
from ecrm_desktop.sync.emulator.wire import fault_reply, iso, json_reply, money

PREFIX = "/wp-json/wc/v3"
_ROUTES = (
    (re.compile(r"^/customers$"), "customers"),
    (re.compile(r"^/orders$"), "orders"),
    (re.compile(r"^/products$"), "products"),
    (re.compile(r"^/orders/(\d+)/refunds$"), "refunds"),
    (re.compile(r"^/products/(\d+)/variations$"), "variations"),
    (re.compile(r"^/(system_status)$"), "system_status"),
)


def _error(code: str, message: str, status: int, headers: dict[str, str] | None = None) -> Reply:
    return json_reply({"code": code, "message": message, "data": {"status": status}}, status, headers)


class WooCommerceApi:
    def __init__(self, store: EmulatedStore, faults: Faults | None = None) -> None:
        self.store = store
        self.faults = faults or Faults()
        self._last_page: dict[str, Reply] = {}

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        parts = urlsplit(path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if not parts.path.startswith(PREFIX):
            return _error("rest_no_route", "No route was found matching the URL and request method.", 404)
        if not self._authorised(headers, params):
            return _error("woocommerce_rest_authentication_error", "Invalid signature - provided signature does "
                          "not match.", 401)
        _, fault = self.faults.next()
        if fault == "429":
            return _error("woocommerce_rest_too_many_requests", "Too many requests.", 429,
                          {"Retry-After": f"{self.faults.retry_after:g}"})
        early = fault_reply(fault, self.faults)
        if early is not None:
            return early
        reply = self._route(method, parts.path[len(PREFIX):], params)
        if self.faults.repeat_cursor and reply.status == 200:  # the first page again, whatever was asked
            reply = self._last_page.setdefault(parts.path, reply)
        return fault_reply(fault, self.faults, reply) or reply

    def _authorised(self, headers: dict[str, str], params: dict[str, str]) -> bool:
        expected = (self.store.key, self.store.secret)
        if (params.get("consumer_key"), params.get("consumer_secret")) == expected:
            return True
        auth = headers.get("authorization", "")
        if not auth.startswith("Basic "):
            return False
        try:
            key, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return False
        return (key, secret) == expected

    def _route(self, method: str, path: str, params: dict[str, str]) -> Reply:
        routes: dict[str, Callable[[str], Reply]] = {
            "system_status": lambda _: json_reply({"environment": {"site_url": self.store.name},
                                                   "settings": {"currency": self.store.currency}}),
            "refunds": self._refunds, "variations": self._variations}
        for pattern, name in _ROUTES:
            match = pattern.match(path)
            if match is not None and method == "GET":
                return routes[name](match.group(1)) if name in routes else self._list(name, params)
        return _error("rest_no_route", "No route was found matching the URL and request method.", 404)

    def _refunds(self, order_id: str) -> Reply:
        order = self.store.orders.get(order_id)
        if order is None:
            return _error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
        return json_reply([self._refund(r) for r in order.refunds])

    def _variations(self, product_id: str) -> Reply:
        product = self.store.products.get(product_id)
        if product is None:
            return _error("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
        return json_reply([_variation(v) for v in product.variants])

    def _list(self, kind: str, params: dict[str, str]) -> Reply:
        try:
            per_page, page = int(params.get("per_page", 10)), int(params.get("page", 1))
        except ValueError:
            return _error("rest_invalid_param", "Invalid parameter(s): page", 400)
        if not 1 <= per_page <= 100 or page < 1:
            return _error("rest_invalid_param", "Invalid parameter(s): per_page", 400)
        render = self._renderers()[kind]
        records = self.store.snapshot(kind)
        if params.get("orderby") == "modified":
            records.sort(key=lambda r: (r.updated_at, int(r.external_id)))
        elif params.get("orderby") == "registered_date":
            records.sort(key=lambda r: (r.created_at, int(r.external_id)))
        else:
            records.sort(key=lambda r: int(r.external_id))
        if params.get("order") == "desc":
            records.reverse()
        include = {i for i in params.get("include", "").split(",") if i}
        if include:
            records = [r for r in records if r.external_id in include]
        fields = [f for f in params.get("_fields", "").split(",") if f]
        if fields:
            render = _only(render, fields)
        after = params.get("modified_after")
        if after and kind != "customers":
            floor = datetime.fromisoformat(after).replace(tzinfo=UTC)
            records = [r for r in records if r.updated_at > floor]
        total = len(records)
        pages = max(1, -(-total // per_page))
        start = (page - 1) * per_page
        if self.faults.duplicate_across_pages and start > 0:
            start -= 1
        body = [render(r) for r in records[start:start + per_page]]
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        links = [(rel, n) for rel, n in (("prev", page - 1), ("next", page + 1)) if 1 <= n <= pages]
        public = {k: v for k, v in params.items() if not k.startswith("consumer_")}
        if links:
            headers["Link"] = ", ".join(f'<{PREFIX}/{kind}?{urlencode({**public, "page": n})}>; rel="{rel}"'
                                        for rel, n in links)
        return json_reply(body, headers=headers)

    def _renderers(self) -> dict[str, Callable[[Any], dict[str, Any]]]:
        return {"customers": self._customer, "orders": self._order, "products": self._product}

    def _corrupt(self, rec: Any, body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "date_created_gmt": "not a date"} if rec.external_id in self.faults.corrupt else body

    def _customer(self, c: CustomerRecord) -> dict[str, Any]:
        default = next((a for a in c.addresses if a.is_default), c.addresses[0] if c.addresses else AddressRecord())
        other = next((a for a in c.addresses if a is not default), AddressRecord())
        return self._corrupt(c, {
            "id": int(c.external_id), **_dates(c.created_at, c.updated_at), "email": c.email or "",
            "first_name": c.first_name or "", "last_name": c.last_name or "", "role": "customer",
            "username": (c.email or "").split("@")[0], "billing": _address(default, c.email, c.phone),
            "shipping": _address(other, None, None), "is_paying_customer": True, "meta_data": []})

    def _order(self, o: OrderRecord) -> dict[str, Any]:
        c = o.currency
        tracking = [{"tracking_id": f.external_id, "tracking_provider": f.carrier or "",
                     "tracking_number": f.tracking_number or "",
                     "date_shipped": int(f.shipped_at.timestamp()) if f.shipped_at else None} for f in o.fulfillments]
        return self._corrupt(o, {
            "id": int(o.external_id), "parent_id": 0, "number": o.number, "status": _status(o), "currency": c,
            **_dates(o.created_at, o.updated_at),
            "date_completed_gmt": iso(o.updated_at, zulu=False)
            if o.fulfillment_status is FulfillmentStatus.FULFILLED else None,
            "discount_total": money(o.discount_cents), "shipping_total": money(o.shipping_cents),
            "total_tax": money(o.tax_cents), "total": money(o.total_cents),
            "customer_id": int(o.customer_external_id) if o.customer_external_id else 0,
            "billing": {**_address(AddressRecord(), o.email, None), "country": o.shipping_country or "",
                        "city": o.shipping_city or ""},
            "shipping": _address(AddressRecord(city=o.shipping_city, country=o.shipping_country), None, None),
            "payment_method": o.payment_gateway or "", "created_via": o.sales_channel or "",
            "line_items": [{"id": int(ln.external_id), "name": ln.title,
                            "product_id": int(ln.product_external_id or 0),
                            "variation_id": int(ln.variant_external_id or 0)
                            if ln.variant_external_id != ln.product_external_id else 0,
                            "quantity": ln.quantity, "subtotal": money(ln.total_cents), "total": money(ln.total_cents),
                            "sku": ln.sku or "", "price": ln.unit_price_cents / 100} for ln in o.lines],
            "coupon_lines": [{"id": i + 1, "code": code, "discount": "0.00"}
                             for i, code in enumerate(o.discount_codes)],
            "refunds": [{"id": int(r.external_id), "reason": r.reason or "", "total": "-" + money(r.amount_cents)}
                        for r in o.refunds],
            "meta_data": [{"id": 1, "key": "_wc_shipment_tracking_items", "value": tracking}] if tracking else []})

    def _refund(self, r: RefundRecord) -> dict[str, Any]:
        return {"id": int(r.external_id), "date_created": iso(r.created_at, zulu=False),
                "date_created_gmt": iso(r.created_at, zulu=False), "amount": money(r.amount_cents),
                "reason": r.reason or "", "refunded_by": 1, "refunded_payment": True, "meta_data": [],
                "line_items": [{"id": int(r.external_id) * 1000 + i, "quantity": -rl.quantity,
                                "total": "-" + money(rl.amount_cents), "subtotal": "-" + money(rl.amount_cents),
                                "meta_data": [{"id": i, "key": "_refunded_item_id", "value": rl.line_external_id}]}
                               for i, rl in enumerate(r.lines)]}

    def _product(self, p: ProductRecord) -> dict[str, Any]:
        simple = len(p.variants) == 1 and p.variants[0].external_id == p.external_id
        first = p.variants[0] if p.variants else None
        return self._corrupt(p, {
            "id": int(p.external_id), "name": p.title, "slug": p.title.lower().replace(" ", "-"),
            "type": "simple" if simple else "variable",
            "status": {"ACTIVE": "publish", "UNLISTED": "private"}.get(p.status, "draft"),
            **_dates(p.created_at, p.updated_at), "sku": first.sku or "" if simple and first else "",
            "price": money(first.price_cents) if first else "", "stock_quantity": first.inventory_quantity
            if simple and first else None,
            "categories": [{"id": 1, "name": p.category, "slug": p.category.lower()}] if p.category else [],
            "variations": [] if simple else [int(v.external_id) for v in p.variants]})


def _only(render: Callable[[Any], dict[str, Any]], fields: list[str]) -> Callable[[Any], dict[str, Any]]:
    """`_fields=`: only these fields of each record."""
    return lambda record: {k: v for k, v in render(record).items() if k in fields}


def _variation(v: Any) -> dict[str, Any]:
    return {"id": int(v.external_id), "sku": v.sku or "", "price": money(v.price_cents),
            "regular_price": money(v.price_cents), "stock_quantity": v.inventory_quantity,
            "attributes": [{"id": 0, "name": "Option", "option": v.title}]}


def _dates(created: datetime, modified: datetime) -> dict[str, str | None]:
    return {"date_created": iso(created, zulu=False), "date_created_gmt": iso(created, zulu=False),
            "date_modified": iso(modified, zulu=False), "date_modified_gmt": iso(modified, zulu=False)}


def _address(a: AddressRecord, email: str | None, phone: str | None) -> dict[str, str]:
    first, _, last = (a.name or "").partition(" ")
    return {"first_name": first, "last_name": last, "company": a.company or "", "address_1": a.address1 or "",
            "address_2": a.address2 or "", "city": a.city or "", "state": a.region or "",
            "postcode": a.postal_code or "", "country": a.country or "", "email": email or "",
            "phone": phone or a.phone or ""}


def _status(o: OrderRecord) -> str:
    if o.cancelled_at is not None or o.financial_status is FinancialStatus.VOIDED:
        return "cancelled"
    if o.financial_status is FinancialStatus.REFUNDED:
        return "refunded"
    if o.financial_status in (FinancialStatus.PENDING, FinancialStatus.AUTHORIZED):
        return "on-hold" if o.financial_status is FinancialStatus.AUTHORIZED else "pending"
    return "completed" if o.fulfillment_status is FulfillmentStatus.FULFILLED else "processing"
