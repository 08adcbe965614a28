"""The orders screen (every order, paged, filtered in SQL) and the order detail screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ecrm_desktop.domain.enums import FinancialStatus
from ecrm_desktop.domain.orders import OrderDetail, OrderQuery, OrderRow
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.paging import PagedRows
from ecrm_desktop.presenters.tasks import Runner, TaskState


class Orders(Protocol):
    """What the screens need of `services.orders.OrderService`."""

    def count(self, query: OrderQuery) -> int: ...

    def page(self, query: OrderQuery, offset: int, limit: int) -> list[OrderRow]: ...

    def detail(self, order_id: int) -> OrderDetail: ...


class OrdersView(Protocol):
    def show_count(self, total: int, filtered: bool) -> None: ...


class OrdersPresenter:
    def __init__(self, view: OrdersView, orders: Orders, runner: Runner, navigate: Callable[[Place], None]) -> None:
        self.view, self.navigate = view, navigate
        self.query = OrderQuery()
        self.rows: PagedRows[OrderQuery, OrderRow] = PagedRows(runner, orders.count, orders.page)
        self.rows.on_reset(lambda total: self.view.show_count(total, self.query != OrderQuery()))

    def start(self) -> None:
        """List the orders the first time the screen is shown."""
        if self.rows.query is None:
            self.rows.reset(self.query)

    def filter(self, status: FinancialStatus | None, created_from: datetime | None, created_to: datetime | None,
               number: str) -> None:
        query = OrderQuery(status, created_from, created_to, number.strip())
        if query != self.query:
            self.query = query
            self.rows.reset(query)

    def open(self, index: int) -> None:
        row = self.rows.row(index)
        if row is not None:
            self.navigate(Place(Screen.ORDER, row.id))


class OrderView(Protocol):
    def show_loading(self, order_id: int) -> None: ...

    def show_order(self, order: OrderDetail) -> None: ...


class OrderPresenter:
    def __init__(self, view: OrderView, orders: Orders, runner: Runner, navigate: Callable[[Place], None]) -> None:
        self.view, self.orders, self.runner, self.navigate = view, orders, runner, navigate
        self.order: OrderDetail | None = None
        self._loading: TaskState | None = None

    def open(self, order_id: int) -> None:
        if self._loading is not None:
            self._loading.cancel()
        self.view.show_loading(order_id)
        self._loading = self.runner.submit(lambda _s: self.orders.detail(order_id), self._show, "Opening order")

    def open_customer(self) -> None:
        if self.order is not None and self.order.row.customer_id is not None:
            self.navigate(Place(Screen.CUSTOMER, self.order.row.customer_id))

    def _show(self, order: OrderDetail) -> None:
        self.order = order
        self.view.show_order(order)
