"""Presenters over real services on a temporary encrypted workspace, talking to fake views (no widgets)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ecrm_desktop.domain.directory import CustomerColumn, CustomerQuery
from ecrm_desktop.domain.enums import FinancialStatus, TagSource
from ecrm_desktop.domain.orders import OrderDetail
from ecrm_desktop.domain.profile import CustomerProfile
from ecrm_desktop.presenters.customers import CustomersPresenter
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.orders import OrderPresenter, OrdersPresenter
from ecrm_desktop.presenters.profile import ProfilePresenter
from ecrm_desktop.presenters.unlock import FirstRunPresenter, UnlockPresenter
from ecrm_desktop.services.customer_directory import CustomerDirectory
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.orders import OrderService
from ecrm_desktop.services.status import StatusService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage import directory_queries
from ecrm_desktop.storage.tables import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import T0
from tests.screen_fixtures import CUSTOMERS, InlineRunner, fill_small_store


@pytest.fixture
def store(user_session: UserSession) -> UserSession:
    fill_small_store(user_session)
    return user_session


class FakeCustomersView:
    def __init__(self) -> None:
        self.count: tuple[int, bool] | None = None
        self.sort: tuple[CustomerColumn, bool] | None = None

    def show_count(self, total: int, searching: bool) -> None:
        self.count = (total, searching)

    def show_sort(self, column: CustomerColumn, descending: bool) -> None:
        self.sort = (column, descending)


def test_customers_list_searches_sorts_and_opens(store: UserSession) -> None:
    view, places = FakeCustomersView(), []
    p = CustomersPresenter(view, CustomerDirectory(store), InlineRunner(), places.append)
    p.start()
    assert view.count == (CUSTOMERS, False) and view.sort == (CustomerColumn.SPENT, True)
    spent = [p.rows.row(i).total_spent_cents for i in range(CUSTOMERS)]  # type: ignore[union-attr]
    assert spent == sorted(spent, reverse=True) and spent[0] > 0
    p.search("hopp")
    assert view.count == (5, True)
    assert all(p.rows.row(i).last_name == "Hopper" for i in range(5))  # type: ignore[union-attr]
    p.search("#1003")  # order numbers are searchable too
    assert view.count is not None and view.count[0] == 1
    p.search("")
    p.sort(CustomerColumn.NAME, False)
    names = [(r.last_name, r.first_name) for i in range(CUSTOMERS) if (r := p.rows.row(i))]
    assert names == sorted(names, key=lambda n: (n[0] or "", n[1] or ""))
    p.sort(CustomerColumn.PHONE, False)  # no index: refused, the current order is shown again
    assert view.sort == (CustomerColumn.NAME, False)
    p.open(0)
    assert places == [Place(Screen.CUSTOMER, p.rows.row(0).id)]  # type: ignore[union-attr]


class FakeProfileView:
    def __init__(self) -> None:
        self.profile: CustomerProfile | None = None
        self.loading: int | None = None

    def show_loading(self, customer_id: int) -> None:
        self.loading = customer_id

    def show_profile(self, profile: CustomerProfile) -> None:
        self.profile = profile


def test_profile_shows_everything_and_saves_audited_tag_and_note_edits(store: UserSession) -> None:
    view, places = FakeProfileView(), []
    p = ProfilePresenter(view, CustomerProfileService(store), InlineRunner(), places.append)
    directory = CustomerDirectory(store)
    customer_id = directory.page(CustomerQuery(), 0, 1)[0].id
    p.open(customer_id)
    prof = view.profile
    assert prof is not None and prof.id == customer_id and view.loading == customer_id
    assert prof.stats.orders_count == len(prof.orders) == 4
    assert prof.orders[0].lines and any(o.shipments for o in prof.orders) and any(o.refunds for o in prof.orders)
    assert [t.name for t in prof.tags] == ["VIP"] and prof.tags[0].source == TagSource.STORE
    p.save_tags(["gold", " loyal ", ""])
    assert view.profile is not None
    assert {(t.name, t.source) for t in view.profile.tags} == {
        ("VIP", TagSource.STORE), ("gold", TagSource.ECRM), ("loyal", TagSource.ECRM)}
    p.save_tags(["loyal"])
    assert {t.name for t in view.profile.tags} == {"VIP", "loyal"}
    p.add_note("Prefers phone calls")
    note = view.profile.notes[0]
    assert note.body == "Prefers phone calls" and note.author == "admin"
    p.edit_note(note.id, "Prefers email")
    assert view.profile.notes[0].body == "Prefers email"
    assert directory.count(CustomerQuery("prefers email")) == 1
    with store.workspace.sessions() as s:
        actions = s.execute(select(AuditEntry.action).where(AuditEntry.entity_id == customer_id)).scalars().all()
    assert actions == ["customer.view", "customer.tags", "customer.tags", "note.add", "note.edit"]  # opened once
    p.open_order(prof.orders[0].row.id)
    assert places == [Place(Screen.ORDER, prof.orders[0].row.id)]


class FakeOrdersView:
    def __init__(self) -> None:
        self.count: tuple[int, bool] | None = None
        self.order: OrderDetail | None = None

    def show_count(self, total: int, filtered: bool) -> None:
        self.count = (total, filtered)

    def show_loading(self, order_id: int) -> None:
        self.order = None

    def show_order(self, order: OrderDetail) -> None:
        self.order = order


def test_orders_filter_open_and_lead_to_their_customer(store: UserSession) -> None:
    view, places = FakeOrdersView(), []
    service = OrderService(store)
    orders = OrdersPresenter(view, service, InlineRunner(), places.append)
    orders.start()
    assert view.count == (80, False)
    dates = [orders.rows.row(i).created_at for i in range(80)]  # type: ignore[union-attr]
    assert dates == sorted(dates, reverse=True)
    orders.filter(None, None, None, "100")
    assert view.count == (9, True)  # #1001 … #1009 (and #100 itself, which does not exist)
    orders.filter(None, None, None, "#1042")
    assert view.count == (1, True)
    orders.filter(FinancialStatus.PAID, T0 + timedelta(days=10), T0 + timedelta(days=20), "")
    assert view.count == (10, True)
    orders.filter(FinancialStatus.REFUNDED, None, None, "")
    assert view.count == (0, True)
    orders.filter(None, None, None, "#1003")
    orders.open(0)
    detail = OrderPresenter(view, service, InlineRunner(), places.append)
    detail.open(places[-1].item_id or 0)
    assert view.order is not None and view.order.row.number == "#1003" and view.order.lines
    assert view.order.refunds and view.order.refunds[0].items == 1
    detail.open_customer()
    assert places[-1] == Place(Screen.CUSTOMER, view.order.row.customer_id)
    assert isinstance(StatusService(store).data_as_of(), datetime)


class FakeSignInView:
    def __init__(self) -> None:
        self.busy: str | None = None
        self.errors: list[str] = []
        self.progress: list[tuple[int, int]] = []

    def show_busy(self, message: str | None) -> None:
        self.busy = message

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.append((done, total))

    def ask_code(self, message: str) -> None:
        self.errors.append(f"code: {message}")


def test_unlock_says_what_is_wrong_then_opens_and_remembers(tmp_path: Path,
                                                            workspace_service: WorkspaceService) -> None:
    folder = tmp_path / "ws"
    workspace_service.create(folder, "admin", PASSWORD).close()
    view, opened = FakeSignInView(), []
    p = UnlockPresenter(view, InlineRunner(), lambda u, pw, r, c: workspace_service.unlock(folder, u, pw, r, c),
                        lambda u: workspace_service.unlock_remembered(folder, u), opened.append)
    p.try_remembered("admin")
    assert not opened and view.busy is None and not view.errors
    p.unlock("admin", "", False)
    p.unlock("admin", "wrong password!", False)
    assert view.errors == ["Enter your user name and password.", "Wrong user name or password."]
    p.unlock("admin", PASSWORD, True)
    assert len(opened) == 1
    opened[0].close()
    p.try_remembered("admin")
    assert len(opened) == 2
    opened[1].close()


def test_first_run_creates_the_workspace_and_checks_the_passwords(tmp_path: Path,
                                                                  workspace_service: WorkspaceService) -> None:
    view, created, filled = FakeSignInView(), [], []

    def fill(session: UserSession, customers: int, progress: object, stop: object) -> None:
        filled.append(customers)

    p = FirstRunPresenter(view, InlineRunner(), lambda u, pw: workspace_service.create(tmp_path / "new", u, pw),
                          fill, created.append)
    p.create("admin", PASSWORD, "something else", 0)
    p.create("admin", "short", "short", 0)
    assert view.errors[0] == "The two passwords differ." and "10 characters" in view.errors[1]
    p.create("admin", PASSWORD, PASSWORD, 5000)
    assert len(created) == 1 and filled == [5000] and created[0].user_name == "admin"
    created[0].close()


def test_both_ways_of_paging_a_search_agree(store: UserSession) -> None:
    query = CustomerQuery("example", CustomerColumn.ORDERS, True)
    with store.workspace.sessions() as s:
        few = directory_queries.page_ids(s, query, 5, 20, matches=CUSTOMERS)  # sorts the matches
        many = directory_queries.page_ids(s, query, 5, 20, matches=None)  # walks the sort index
    assert few == many and len(few) == 20
