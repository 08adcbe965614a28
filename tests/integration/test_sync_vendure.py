"""A real Vendure server (installed from npm, started on loopback) syncs into ecrm, and its changes show after the
next sync: customers, orders with lines, payments, refunds and shipments, products with stock, carts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ecrm_desktop.domain.enums import ConsentState, FinancialStatus, FulfillmentStatus, Platform, ShipmentStatus
from ecrm_desktop.domain.profile import CustomerProfile
from ecrm_desktop.domain.sync_status import StoreInfo
from ecrm_desktop.presenters.store_connect import ConnectStorePresenter, StoreForm
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.stores import StoreService
from ecrm_desktop.services.sync import SyncService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import CustomerIdentity
from ecrm_desktop.sync.errors import MissingScopes, StoreAuthFailed
from ecrm_desktop.sync.http import HttpOptions
from ecrm_desktop.sync.pages import Checkpoint, Resource
from ecrm_desktop.sync.vendure import VendureConnector
from tests.integration.test_cli import PASSWORD, ecrm
from tests.integration.test_sync_screen_presenters import FakeDialog
from tests.screen_fixtures import InlineRunner
from tests.sync_support import dump
from tests.vendure_support import ADMIN_PASSWORD, ADMIN_USER, VendureServer, VendureStore, vendure_server

pytestmark = pytest.mark.slow

# A real Node server on a busy machine can take seconds to answer a page of orders: patient timeouts, quick retries.
PATIENT = HttpOptions(timeout=60.0, connect_timeout=10.0, attempts=4, backoff_base=0.05, backoff_cap=0.5)

ADA, ALAN, GUS = "ada@example.com", "alan@example.com", "gus@example.com"


def run_sync(session: UserSession, secrets: SecretStore) -> dict[str, Any]:
    """One sync of every connected store, as `ecrm sync --json` reports it."""
    return SyncService(session, secrets, PATIENT).run().to_json()


@contextmanager
def server_log_on_failure(server: VendureServer) -> Iterator[None]:
    """A failing check shows the end of the Vendure server's own log."""
    try:
        yield
    except Exception as exc:
        raise AssertionError(f"{exc}\n--- Vendure server log ---\n{server.log()}") from exc


@pytest.fixture(scope="module")
def vendure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VendureStore]:
    """A Vendure store filled through its own APIs: two products (one with sizes), two registered customers and a
    guest, an order that was shipped and partly refunded, a guest order and an abandoned cart."""
    with vendure_server(tmp_path_factory.mktemp("vendure")) as server, server_log_on_failure(server):
        store = VendureStore(server)
        store.setup_channel()
        store.add_product("Trail Shoe", "Shoes", [("S", "SHOE-S", 1000, 20), ("M", "SHOE-M", 1000, 20)])
        store.add_product("Wool Hat", "Apparel", [("One size", "HAT", 2000, 5)])
        store.add_customer("Ada", "Lovelace", ADA, "+15550001", "Boston", group="VIP")
        store.add_customer("Alan", "Turing", ALAN, "+15550002", "Denver")
        store.place_order("ada", ADA, [("SHOE-S", 2), ("HAT", 1)], "Austin")
        store.refund("ada", 0, 1, "too small")
        store.ship("ada", "TRK-1")
        store.place_order("gus", None, [("HAT", 1)], "Reno", guest=(GUS, "Gus", "Guest"))
        with store.shopper(ALAN) as shop:
            store.fill_cart(shop, [("SHOE-M", 1)])
        yield store
        store.close()


def _profile(session: UserSession, external_id: str) -> CustomerProfile:
    with session.workspace.sessions() as s:
        customer_id = s.execute(select(CustomerIdentity.customer_id)
                                .where(CustomerIdentity.external_id == external_id)).scalar_one()
    return CustomerProfileService(session).profile(customer_id)


def _order(profile: CustomerProfile, number: str) -> Any:
    return next(o for o in profile.orders if o.row.number == number)


def test_round_trip(vendure: VendureStore, user_session: UserSession, secrets: SecretStore) -> None:
    with server_log_on_failure(vendure.server):
        info = StoreService(user_session, secrets, PATIENT).add_vendure("Vendure shop", vendure.server.url, ADMIN_USER,
                                                                     ADMIN_PASSWORD)
        assert (info.platform, info.currency) == (Platform.VENDURE, "USD")
        report = run_sync(user_session, secrets)
        assert report["status"] == "complete", report
        # 2 products, 3 customers, 2 orders, 1 cart
        assert report["stores"][0]["created"] == 2 + 3 + 2 + 1
        _check_first_sync(vendure, user_session)

        vendure.update_customer(ADA, lastName="Byron", emailAddress="ada@new.example.com")
        with vendure.shopper(ALAN) as shop:  # the abandoned cart is paid after all
            alan = vendure.checkout(shop, "Denver")
        vendure.ids.orders["alan"] = alan
        vendure.refund("gus", 0, 1, "changed mind")
        vendure.set_stock("SHOE-M", 7)
        vendure.add_product("Silk Scarf", "Apparel", [("One size", "SCARF", 3000, 4)])

        again = run_sync(user_session, secrets)
        assert again["status"] == "complete", again
        assert again["stores"][0]["created"] == 1 + 1  # Alan's order, the scarf
        _check_second_sync(vendure, user_session, alan["code"])


def _check_first_sync(vendure: VendureStore, session: UserSession) -> None:
    ada = _profile(session, vendure.ids.customers[ADA])
    assert (ada.first_name, ada.last_name, ada.email, ada.phone) == ("Ada", "Lovelace", ADA, "+15550001")
    assert ada.email_consent is ConsentState.NOT_SUBSCRIBED
    assert [(a.lines, a.is_default) for a in ada.addresses] == [
        (("Ada Lovelace", "1 Main Street", "10001 Boston", "US"), True)]
    assert [t.name for t in ada.tags] == ["VIP"]
    assert [(s.platform, s.store) for s in ada.sources] == [("vendure", "Vendure shop")]
    order = _order(ada, vendure.ids.orders["ada"]["code"])
    # 2 x 11.00 + 22.00 (10 % tax included) + 5.00 shipping; one shoe refunded
    assert (order.row.currency, order.row.total_cents, order.row.refunded_cents) == ("USD", 4900, 1100)
    assert order.row.financial_status is FinancialStatus.PARTIALLY_REFUNDED
    assert order.row.fulfillment_status is FulfillmentStatus.FULFILLED
    assert (order.email, order.subtotal_cents, order.shipping_cents, order.tax_cents, order.discount_cents) == (
        ADA, 4400, 500, 400, 0)
    assert (order.shipping_city, order.shipping_country, order.store) == ("Austin", "US", "Vendure shop")
    assert [(li.title, li.sku, li.quantity, li.unit_price_cents, li.total_cents) for li in order.lines] == [
        ("Trail Shoe S", "SHOE-S", 2, 1100, 2200), ("Wool Hat", "HAT", 1, 2200, 2200)]
    assert [(r.amount_cents, r.reason, r.items) for r in order.refunds] == [(1100, "too small", 1)]
    assert [(s.status, s.carrier, s.tracking_number) for s in order.shipments] == [
        (ShipmentStatus.IN_TRANSIT, "Courier", "TRK-1")]
    assert (ada.stats.orders_count, ada.stats.refunded_cents) == (1, 1100)

    gus = _profile(session, vendure.ids.customers.get(GUS) or _vendure_id(vendure, GUS))
    assert (gus.first_name, gus.last_name, gus.email) == ("Gus", "Guest", GUS)
    guest_order = _order(gus, vendure.ids.orders["gus"]["code"])
    assert (guest_order.row.total_cents, guest_order.row.financial_status) == (2700, FinancialStatus.PAID)
    assert guest_order.row.fulfillment_status is FulfillmentStatus.UNFULFILLED

    alan = _profile(session, vendure.ids.customers[ALAN])
    assert [(c.currency, c.total_cents, c.items_count, c.summary, c.completed) for c in alan.checkouts] == [
        ("USD", 1100, 1, "Trail Shoe M", False)]
    assert alan.orders == ()

    # saleable stock: 20 shoes less the 2 shipped; 5 hats less 2 ordered (1 still allocated, 1 shipped)
    assert sorted(r[1:] for r in dump(session)["products"]) == [
        ("Trail Shoe", "1", "SHOE-S", 1100, 18), ("Trail Shoe", "2", "SHOE-M", 1100, 20),
        ("Wool Hat", "3", "HAT", 2200, 3)]


def _vendure_id(vendure: VendureStore, email: str) -> str:
    found = vendure.admin.call("query($e: String!) { customers(options: {filter: {emailAddress: {eq: $e}}}) "
                               "{ items { id } } }", {"e": email})["customers"]["items"]
    vendure.ids.customers[email] = str(found[0]["id"])
    return vendure.ids.customers[email]


def _check_second_sync(vendure: VendureStore, session: UserSession, alan_code: str) -> None:
    ada = _profile(session, vendure.ids.customers["ada@new.example.com"])
    assert (ada.first_name, ada.last_name, ada.email) == ("Ada", "Byron", "ada@new.example.com")
    assert ada.stats.orders_count == 1

    alan = _profile(session, vendure.ids.customers[ALAN])
    order = _order(alan, alan_code)
    assert (order.row.total_cents, order.row.financial_status, order.shipping_city) == (
        1600, FinancialStatus.PAID, "Denver")
    assert [(li.title, li.quantity) for li in order.lines] == [("Trail Shoe M", 1)]
    assert [(c.summary, c.completed) for c in alan.checkouts] == [("Trail Shoe M", True)]
    assert alan.stats.orders_count == 1

    gus = _profile(session, vendure.ids.customers[GUS])
    guest_order = _order(gus, vendure.ids.orders["gus"]["code"])
    assert (guest_order.row.refunded_cents, guest_order.row.financial_status) == (
        2200, FinancialStatus.PARTIALLY_REFUNDED)
    assert [(r.amount_cents, r.reason) for r in guest_order.refunds] == [(2200, "changed mind")]

    products = sorted(r[1:] for r in dump(session)["products"])
    assert ("Trail Shoe", "2", "SHOE-M", 1100, 6) in products  # 7 on hand, 1 allocated to Alan's order
    assert ("Silk Scarf", "4", "SCARF", 3300, 4) in products


def test_a_wrong_password_is_a_clear_auth_error(vendure: VendureStore, user_session: UserSession,
                                                secrets: SecretStore) -> None:
    with pytest.raises(StoreAuthFailed, match="refused the user name or password"):
        StoreService(user_session, secrets, PATIENT).add_vendure("Wrong", vendure.server.url, ADMIN_USER, "not-it")


def test_cli_connects_and_syncs_a_vendure_store(vendure: VendureStore, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert ecrm("init", workspace=ws, ECRM_PASSWORD=PASSWORD).returncode == 0
    wrong = ecrm("stores", "add", "vendure", "--name", "V", "--url", vendure.server.url, "--user", ADMIN_USER,
                 workspace=ws, ECRM_PASSWORD=PASSWORD, ECRM_STORE_PASSWORD="wrong-pass-123")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr and "wrong-pass-123" not in wrong.stderr
    assert "refused the user name or password" in wrong.stderr
    added = ecrm("stores", "add", "vendure", "--name", "V", "--url", vendure.server.url, "--user", ADMIN_USER,
                 workspace=ws, ECRM_PASSWORD=PASSWORD, ECRM_STORE_PASSWORD=ADMIN_PASSWORD)
    assert added.returncode == 0, added.stderr
    synced = ecrm("sync", "--json", workspace=ws, ECRM_PASSWORD=PASSWORD)
    assert synced.returncode == 0, synced.stderr
    report = json.loads(synced.stdout)
    assert report["status"] == "complete" and report["stores"][0]["platform"] == "vendure"
    listed = json.loads(ecrm("stores", "list", "--json", workspace=ws, ECRM_PASSWORD=PASSWORD).stdout)
    assert [(s["name"], s["platform"], s["last_status"]) for s in listed] == [("V", "vendure", "complete")]


def test_connect_dialog_checks_a_vendure_store_then_connects(vendure: VendureStore, user_session: UserSession,
                                                             secrets: SecretStore) -> None:
    view = FakeDialog()
    connected: list[StoreInfo] = []
    dialog = ConnectStorePresenter(view, StoreService(user_session, secrets, PATIENT), InlineRunner(), connected.append)
    form = StoreForm(Platform.VENDURE, "Vendure", vendure.server.url, ADMIN_PASSWORD, ADMIN_USER)
    dialog.check(form)
    assert view.check is not None and view.problem is None
    assert (view.check.currency, view.check.granted_scopes, view.check.missing_scopes) == (
        "USD", ("ReadCustomer", "ReadOrder", "ReadProduct"), ())
    dialog.connect(form)
    assert view.closed_with is not None and connected == [view.closed_with]
    assert view.closed_with.platform is Platform.VENDURE


def test_an_administrator_without_order_access_is_told_what_is_missing(
        vendure: VendureStore, user_session: UserSession, secrets: SecretStore) -> None:
    vendure.add_admin("clerk@example.com", "clerk-pass-1", ["ReadCustomer", "ReadCatalog"])
    with pytest.raises(MissingScopes, match="ReadOrder"):
        StoreService(user_session, secrets, PATIENT).add_vendure("Clerk", vendure.server.url, "clerk@example.com",
                                                              "clerk-pass-1")
    connector = VendureConnector(vendure.server.url, "clerk@example.com", "clerk-pass-1", options=PATIENT)
    try:
        with pytest.raises(StoreAuthFailed, match="FORBIDDEN"):
            list(connector.pages(Resource.ORDERS, Checkpoint()))
    finally:
        connector.close()


def test_an_expired_session_logs_in_again(vendure: VendureStore) -> None:
    connector = VendureConnector(vendure.server.url, ADMIN_USER, ADMIN_PASSWORD, options=PATIENT)
    try:
        first = next(iter(connector.pages(Resource.CUSTOMERS, Checkpoint())))
        connector._client.set_header("Authorization", "Bearer expired-session-token")
        again = next(iter(connector.pages(Resource.CUSTOMERS, Checkpoint())))
        assert [r.external_id for r in again.records] == [r.external_id for r in first.records] != []
        assert connector._client._client.headers["Authorization"] != "Bearer expired-session-token"
        assert not connector._client._client.cookies
    finally:
        connector.close()


def test_a_record_vendure_accepts_but_ecrm_cannot_read_is_quarantined(
        vendure: VendureStore, user_session: UserSession, secrets: SecretStore, tmp_path: Path) -> None:
    """Vendure stores an email address without checking its form; ecrm holds that customer back, with its
    payload, and syncs the rest."""
    broken = vendure.add_customer("Bad", "Address", "not-an-email-address", "+15550009", "Nowhere")
    StoreService(user_session, secrets, PATIENT).add_vendure("Vendure shop", vendure.server.url, ADMIN_USER,
                                                          ADMIN_PASSWORD)
    report = run_sync(user_session, secrets)
    stats = report["stores"][0]
    assert (report["status"], stats["quarantined"]) == ("partial", 1), report
    customers = {r[0] for r in dump(user_session)["customers"]}
    assert broken not in customers and vendure.ids.customers[ALAN] in customers
