"""A real Vendure server for the integration tests, and a client of its Admin and Shop APIs to fill it.

`@vendure/core` and `sql.js` (exact versions below) are installed with npm into a cache folder once
(`~/.cache/ecrm-tests/vendure-<version>`, or under `ECRM_TEST_CACHE`), then reused. The server runs
`tests/vendure/server.js` with Node on a free port of 127.0.0.1, its sql.js database in a temporary folder,
telemetry off. Its output goes to a log file that a failure shows.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

VENDURE_VERSION = "3.7.3"
SQLJS_VERSION = "1.17.0"
ADMIN_USER = "superadmin"
ADMIN_PASSWORD = "vendure-test-admin-pass"
SERVER_SCRIPT = Path(__file__).parent / "vendure" / "server.js"
INSTALL_TIMEOUT = 900.0
START_TIMEOUT = 180.0


class VendureSetupFailed(RuntimeError):
    """Node, npm or the Vendure server did not come up; the message carries their output."""


def cache_folder() -> Path:
    root = Path(os.environ.get("ECRM_TEST_CACHE") or Path.home() / ".cache" / "ecrm-tests")
    return root / f"vendure-{VENDURE_VERSION}-sqljs-{SQLJS_VERSION}"


def installed_modules() -> Path:
    """The `node_modules` folder holding the pinned Vendure, installed on first use (under a file lock, into a
    scratch folder renamed into place, so an interrupted install is never taken for a finished one)."""
    target = cache_folder()
    modules = target / "node_modules"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _has_vendure(modules):
            return modules
        npm = shutil.which("npm")
        if npm is None or shutil.which("node") is None:
            raise VendureSetupFailed("The Vendure tests need Node.js 20+ and npm on PATH (scripts/system-deps.sh).")
        scratch = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=target.parent))
        try:
            (scratch / "package.json").write_text(json.dumps({"name": "ecrm-vendure-fixture", "private": True}))
            done = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--save-exact", "--loglevel=error",
                 f"@vendure/core@{VENDURE_VERSION}", f"sql.js@{SQLJS_VERSION}"],
                cwd=scratch, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False)
            if done.returncode != 0 or not _has_vendure(scratch / "node_modules"):
                raise VendureSetupFailed(f"npm install of Vendure failed ({done.returncode}):\n{done.stdout}\n"
                                         f"{done.stderr}")
            if target.exists():
                shutil.rmtree(target)
            scratch.rename(target)
        finally:
            if scratch.exists():
                shutil.rmtree(scratch, ignore_errors=True)
    return modules


def _has_vendure(modules: Path) -> bool:
    try:
        package = json.loads((modules / "@vendure" / "core" / "package.json").read_text())
        return bool(package["version"] == VENDURE_VERSION)
    except (OSError, ValueError, KeyError):
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class VendureServer:
    """A running Vendure server; `url` is its base address (the Admin API is at /admin-api)."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-20_000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@contextmanager
def vendure_server(data_dir: Path, session_duration: str | None = None) -> Iterator[VendureServer]:
    """Start Vendure on a free loopback port and wait until its Admin API answers; stopped on exit."""
    modules = installed_modules()
    port = _free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "vendure.log"
    env = {**os.environ, "NODE_PATH": str(modules), "VENDURE_DISABLE_TELEMETRY": "true",
           "ECRM_VENDURE_PORT": str(port), "ECRM_VENDURE_DATA": str(data_dir), "ECRM_VENDURE_ADMIN": ADMIN_USER,
           "ECRM_VENDURE_ADMIN_PASSWORD": ADMIN_PASSWORD, "NODE_NO_WARNINGS": "1"}
    if session_duration:
        env["ECRM_VENDURE_SESSION"] = session_duration
    with open(log_path, "wb") as log:
        process = subprocess.Popen(["node", str(SERVER_SCRIPT)], cwd=modules.parent, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = VendureServer(process, port, log_path)
    try:
        _wait_ready(server)
        yield server
    finally:
        server.stop()


def _wait_ready(server: VendureServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise VendureSetupFailed(f"Vendure exited with {server.process.returncode}:\n{server.log()}")
        if "VENDURE READY" in server.log():
            try:
                httpx.post(server.url + "/admin-api", json={"query": "{ __typename }"}, timeout=5)
                return
            except httpx.HTTPError:
                pass
        time.sleep(0.25)
    server.stop()
    raise VendureSetupFailed(f"Vendure did not answer within {START_TIMEOUT:.0f} s:\n{server.log()}")


class GraphQLClient:
    """One API session (Admin or Shop) holding its bearer token; `call` returns `data` or raises with the
    errors, and an operation answering with an `ErrorResult` (`errorCode`) raises too."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.token: str | None = None
        self._http = httpx.Client(timeout=60)

    def close(self) -> None:
        self._http.close()

    def call(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self._http.post(self.url, json={"query": query, "variables": variables or {}}, headers=headers)
        self.token = response.headers.get("vendure-auth-token") or self.token
        body = response.json()
        if body.get("errors"):
            raise AssertionError(f"GraphQL errors: {body['errors']}")
        data: dict[str, Any] = body["data"]
        for value in data.values():
            if isinstance(value, dict) and value.get("errorCode"):
                raise AssertionError(f"{value['errorCode']}: {value.get('message')}")
        return data

    def login(self, user: str, password: str) -> None:
        self.call("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { "
                  "... on CurrentUser { id } ... on ErrorResult { errorCode message } } }", {"u": user, "p": password})


EN = "en"
ORDER_FIELDS = "id code state active totalWithTax lines { id quantity productVariant { id } }"


@dataclass
class Seeded:
    """The ids the tests refer to in the populated store."""

    variants: dict[str, str] = field(default_factory=dict)  # sku -> variant id
    products: dict[str, str] = field(default_factory=dict)  # name -> product id
    customers: dict[str, str] = field(default_factory=dict)  # email -> customer id
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)  # label -> order (id, code, lines)
    shipping_method: str = ""


class VendureStore:
    """Drives a Vendure server the way its admin and its shoppers would, through the Admin and Shop APIs."""

    PASSWORD = "shopper-pass-1"

    def __init__(self, server: VendureServer) -> None:
        self.server = server
        self.admin = GraphQLClient(server.url + "/admin-api")
        self.admin.login(ADMIN_USER, ADMIN_PASSWORD)
        self.ids = Seeded()

    def close(self) -> None:
        self.admin.close()

    def setup_channel(self) -> None:
        """A country, a zone, a 10 % tax rate, a flat 5.00 shipping method and a dummy payment method."""
        a = self.admin.call
        us = a("mutation { createCountry(input: {code: \"US\", enabled: true, translations: "
               "[{languageCode: en, name: \"United States\"}]}) { id } }")["createCountry"]["id"]
        zone = a("mutation($m: [ID!]) { createZone(input: {name: \"Everywhere\", memberIds: $m}) { id } }",
                 {"m": [us]})["createZone"]["id"]
        a("mutation($z: ID!) { updateChannel(input: {id: \"1\", defaultTaxZoneId: $z, defaultShippingZoneId: $z}) "
          "{ ... on Channel { id } ... on ErrorResult { errorCode message } } }", {"z": zone})
        category = a("mutation { createTaxCategory(input: {name: \"Standard\", isDefault: true}) { id } }"
                     )["createTaxCategory"]["id"]
        a("mutation($c: ID!, $z: ID!) { createTaxRate(input: {name: \"US 10%\", enabled: true, value: 10, "
          "categoryId: $c, zoneId: $z}) { id } }", {"c": category, "z": zone})
        self.ids.shipping_method = a("""mutation { createShippingMethod(input: {
            code: "flat", fulfillmentHandler: "manual-fulfillment",
            checker: {code: "default-shipping-eligibility-checker", arguments: [{name: "orderMinimum", value: "0"}]},
            calculator: {code: "default-shipping-calculator", arguments: [
              {name: "rate", value: "500"}, {name: "includesTax", value: "include"}, {name: "taxRate", value: "0"}]},
            translations: [{languageCode: en, name: "Flat", description: ""}]}) { id } }""")[
            "createShippingMethod"]["id"]
        a("""mutation { createPaymentMethod(input: {code: "dummy", enabled: true,
            handler: {code: "dummy-payment-handler", arguments: [{name: "automaticSettle", value: "true"}]},
            translations: [{languageCode: en, name: "Dummy"}]}) { id } }""")

    def add_product(self, name: str, category: str, variants: list[tuple[str, str, int, int]]) -> None:
        """A product in a "category" facet value, with (option, sku, price excluding tax, stock) variants."""
        a = self.admin.call
        facet = a("query { facets(options: {filter: {code: {eq: \"category\"}}}) { items { id values { id name } } } }"
                  )["facets"]["items"]
        if not facet:
            facet = [a("mutation { createFacet(input: {code: \"category\", isPrivate: false, translations: "
                       "[{languageCode: en, name: \"Category\"}]}) { id values { id name } } }")["createFacet"]]
        value = next((v["id"] for v in facet[0]["values"] if v["name"] == category), None)
        if value is None:
            value = a("mutation($f: ID!, $c: String!, $n: String!) { createFacetValues(input: [{facetId: $f, "
                      "code: $c, translations: [{languageCode: en, name: $n}]}]) { id } }",
                      {"f": facet[0]["id"], "c": category.lower(), "n": category})["createFacetValues"][0]["id"]
        slug = name.lower().replace(" ", "-")
        product = a("mutation($n: String!, $s: String!, $f: [ID!]) { createProduct(input: {facetValueIds: $f, "
                    "translations: [{languageCode: en, name: $n, slug: $s, description: \"\"}]}) { id } }",
                    {"n": name, "s": slug, "f": [value]})["createProduct"]["id"]
        self.ids.products[name] = product
        options: dict[str, str] = {}
        if len(variants) > 1:
            group = a("mutation($c: String!, $o: [CreateGroupOptionInput!]!) { createProductOptionGroup(input: "
                      "{code: $c, translations: [{languageCode: en, name: \"Size\"}], options: $o}) "
                      "{ id options { id code } } }",
                      {"c": f"{slug}-size", "o": [{"code": o.lower(), "translations": [{"languageCode": EN,
                                                                                         "name": o}]}
                                                   for o, *_ in variants]})["createProductOptionGroup"]
            a("mutation($p: ID!, $g: ID!) { addOptionGroupToProduct(productId: $p, optionGroupId: $g) { id } }",
              {"p": product, "g": group["id"]})
            options = {o["code"]: o["id"] for o in group["options"]}
        created = a("mutation($i: [CreateProductVariantInput!]!) { createProductVariants(input: $i) { id sku } }",
                    {"i": [{"productId": product, "sku": sku, "price": price, "stockOnHand": stock,
                            "optionIds": [options[option.lower()]] if options else [],
                            "translations": [{"languageCode": EN,
                                              "name": f"{name} {option}" if options else name}]}
                           for option, sku, price, stock in variants]})["createProductVariants"]
        self.ids.variants.update({v["sku"]: v["id"] for v in created})

    def add_customer(self, first: str, last: str, email: str, phone: str, city: str, group: str | None = None
                     ) -> str:
        a = self.admin.call
        customer = a("mutation($i: CreateCustomerInput!, $p: String) { createCustomer(input: $i, password: $p) { "
                     "... on Customer { id } ... on ErrorResult { errorCode message } } }",
                     {"i": {"firstName": first, "lastName": last, "emailAddress": email, "phoneNumber": phone},
                      "p": self.PASSWORD})["createCustomer"]["id"]
        a("mutation($c: ID!, $i: CreateAddressInput!) { createCustomerAddress(customerId: $c, input: $i) { id } }",
          {"c": customer, "i": {"fullName": f"{first} {last}", "streetLine1": "1 Main Street", "city": city,
                                "postalCode": "10001", "countryCode": "US", "defaultShippingAddress": True,
                                "defaultBillingAddress": True}})
        if group:
            a("mutation($n: String!, $c: [ID!]) { createCustomerGroup(input: {name: $n, customerIds: $c}) { id } }",
              {"n": group, "c": [customer]})
        self.ids.customers[email] = str(customer)
        return str(customer)

    @contextmanager
    def shopper(self, email: str | None = None) -> Iterator[GraphQLClient]:
        """A Shop API session, logged in as the customer `email` (None: a guest)."""
        shop = GraphQLClient(self.server.url + "/shop-api")
        try:
            if email:
                shop.login(email, self.PASSWORD)
            yield shop
        finally:
            shop.close()

    def fill_cart(self, shop: GraphQLClient, items: list[tuple[str, int]]) -> dict[str, Any]:
        order: dict[str, Any] = {}
        for sku, quantity in items:
            order = shop.call("mutation($v: ID!, $q: Int!) { addItemToOrder(productVariantId: $v, quantity: $q) { "
                              f"... on Order {{ {ORDER_FIELDS} }} ... on ErrorResult {{ errorCode message }} }} }}",
                              {"v": self.ids.variants[sku], "q": quantity})["addItemToOrder"]
        return order

    def checkout(self, shop: GraphQLClient, city: str, guest: tuple[str, str, str] | None = None) -> dict[str, Any]:
        """Address, shipping, payment: the cart becomes a placed, settled order."""
        if guest:
            shop.call("mutation($i: CreateCustomerInput!) { setCustomerForOrder(input: $i) { "
                      "... on Order { id } ... on ErrorResult { errorCode message } } }",
                      {"i": {"emailAddress": guest[0], "firstName": guest[1], "lastName": guest[2]}})
        shop.call("mutation($i: CreateAddressInput!) { setOrderShippingAddress(input: $i) { "
                  "... on Order { id } ... on ErrorResult { errorCode message } } }",
                  {"i": {"fullName": "Ship To", "streetLine1": "2 Side Road", "city": city, "postalCode": "94000",
                         "countryCode": "US"}})
        shop.call("mutation($m: [ID!]!) { setOrderShippingMethod(shippingMethodId: $m) { "
                  "... on Order { id } ... on ErrorResult { errorCode message } } }", {"m": [self.ids.shipping_method]})
        shop.call("mutation { transitionOrderToState(state: \"ArrangingPayment\") { "
                  "... on Order { id } ... on ErrorResult { errorCode message } } }")
        placed: dict[str, Any] = shop.call(
            "mutation { addPaymentToOrder(input: {method: \"dummy\", metadata: {}}) { "
            f"... on Order {{ {ORDER_FIELDS} }} ... on ErrorResult {{ errorCode message }} }} }}")["addPaymentToOrder"]
        return placed

    def place_order(self, label: str, email: str | None, items: list[tuple[str, int]], city: str,
                    guest: tuple[str, str, str] | None = None) -> dict[str, Any]:
        with self.shopper(email) as shop:
            self.fill_cart(shop, items)
            order = self.checkout(shop, city, guest)
        self.ids.orders[label] = order
        return order

    def refund(self, label: str, line_index: int, quantity: int, reason: str) -> int:
        """Refund `quantity` of one line of a placed order (no shipping); returns the refunded amount."""
        order = self.ids.orders[label]
        detail = self.admin.call("query($id: ID!) { order(id: $id) { payments { id } lines { id unitPriceWithTax } "
                                 "} }", {"id": order["id"]})["order"]
        line = detail["lines"][line_index]
        amount: int = line["unitPriceWithTax"] * quantity
        self.admin.call("mutation($i: RefundOrderInput!) { refundOrder(input: $i) { "
                        "... on Refund { id state total } ... on ErrorResult { errorCode message } } }",
                        {"i": {"paymentId": detail["payments"][0]["id"], "reason": reason, "shipping": 0,
                               "adjustment": 0, "lines": [{"orderLineId": line["id"], "quantity": quantity}]}})
        return amount

    def ship(self, label: str, tracking: str) -> None:
        order = self.ids.orders[label]
        fulfillment = self.admin.call(
            "mutation($i: FulfillOrderInput!) { addFulfillmentToOrder(input: $i) { "
            "... on Fulfillment { id } ... on ErrorResult { errorCode message } } }",
            {"i": {"lines": [{"orderLineId": li["id"], "quantity": li["quantity"]} for li in order["lines"]],
                   "handler": {"code": "manual-fulfillment", "arguments": [
                       {"name": "method", "value": "Courier"}, {"name": "trackingCode", "value": tracking}]}}}
        )["addFulfillmentToOrder"]
        self.admin.call("mutation($id: ID!) { transitionFulfillmentToState(id: $id, state: \"Shipped\") { "
                        "... on Fulfillment { id } ... on ErrorResult { errorCode message } } }",
                        {"id": fulfillment["id"]})

    def update_customer(self, email: str, **changes: str) -> None:
        self.admin.call("mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { "
                        "... on Customer { id } ... on ErrorResult { errorCode message } } }",
                        {"i": {"id": self.ids.customers[email], **changes}})
        if "emailAddress" in changes:
            self.ids.customers[changes["emailAddress"]] = self.ids.customers.pop(email)

    def add_admin(self, email: str, password: str, permissions: list[str]) -> None:
        """An administrator whose role holds only `permissions` on the default channel."""
        role = self.admin.call("mutation($i: CreateRoleInput!) { createRole(input: $i) { id } }",
                               {"i": {"code": email.partition("@")[0], "description": "limited", "channelIds": ["1"],
                                      "permissions": permissions}})["createRole"]["id"]
        self.admin.call("mutation($i: CreateAdministratorInput!) { createAdministrator(input: $i) { id } }",
                        {"i": {"firstName": "Limited", "lastName": "Admin", "emailAddress": email,
                               "password": password, "roleIds": [role]}})

    def set_stock(self, sku: str, stock: int) -> None:
        self.admin.call("mutation($i: [UpdateProductVariantInput!]!) { updateProductVariants(input: $i) { id } }",
                        {"i": [{"id": self.ids.variants[sku], "stockOnHand": stock}]})
