"""The main window driven with the keyboard and mouse: search, sort, 360° view, notes, orders, back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ecrm_desktop.presenters.navigation import Screen
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.views.customers_screen import CustomersScreen
from ecrm_desktop.views.main_window import MainWindow
from ecrm_desktop.views.order_screen import OrderScreen
from ecrm_desktop.views.orders_screen import OrdersScreen
from ecrm_desktop.views.paged_model import PLACEHOLDER
from ecrm_desktop.views.profile_screen import ProfileScreen
from tests.screen_fixtures import CUSTOMERS

pytestmark = pytest.mark.gui


def screens(window: MainWindow) -> tuple[CustomersScreen, ProfileScreen, OrdersScreen, OrderScreen]:
    c, p, o, d = (window.screens[s] for s in (Screen.CUSTOMERS, Screen.CUSTOMER, Screen.ORDERS, Screen.ORDER))
    assert isinstance(c, CustomersScreen) and isinstance(p, ProfileScreen)
    assert isinstance(o, OrdersScreen) and isinstance(d, OrderScreen)
    return c, p, o, d


def cell(screen: CustomersScreen | OrdersScreen, row: int, column: int) -> str:
    assert screen.model is not None
    return str(screen.model.index(row, column).data())


def test_search_sort_open_a_customer_add_a_note_open_an_order_and_go_back(qtbot: QtBot,
                                                                          window: MainWindow) -> None:
    customers, profile, _orders, order = screens(window)
    qtbot.waitUntil(lambda: customers.count.text() == f"{CUSTOMERS} customers")
    qtbot.waitUntil(lambda: cell(customers, 0, 0) != PLACEHOLDER)

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert customers.search.hasFocus()
    qtbot.keyClicks(customers.search, "turing")
    qtbot.waitUntil(lambda: customers.count.text() == "5 customers found")
    assert all(cell(customers, r, 0).endswith("Turing") for r in range(5))

    header = customers.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().center().__class__(header.sectionViewportPosition(0) + 5, 5))
    qtbot.waitUntil(lambda: customers.presenter is not None and customers.presenter.query.sort.value == "name")
    qtbot.waitUntil(lambda: cell(customers, 0, 0) != PLACEHOLDER)
    names = [cell(customers, r, 0) for r in range(5)]
    assert names == sorted(names, key=lambda n: n.split()[1]) or names == sorted(names)

    customers.table.setFocus()
    customers.table.setCurrentIndex(customers.table.model().index(0, 0))
    qtbot.keyClick(customers.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: profile.profile is not None and window.stack.currentWidget() is profile)
    assert profile.profile is not None and profile.title.text() == names[0]
    assert profile.orders_model.rowCount() == profile.profile.stats.orders_count

    profile.tabs.setCurrentIndex(1)
    qtbot.keyClicks(profile.note_editor, "Called about a late parcel")
    qtbot.mouseClick(profile.add_note_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: profile.notes_model.rowCount() == 1)
    assert "Called about a late parcel" in profile.notes_model.index(0, 0).data()

    profile.tabs.setCurrentIndex(0)
    profile.orders.setFocus()
    profile.orders.setCurrentIndex(profile.orders_model.index(0, 0))
    qtbot.keyClick(profile.orders, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is order and order.presenter is not None
                    and order.presenter.order is not None)
    assert order.lines_model.rowCount() >= 1 and order.title.text().startswith("Order #")

    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is profile)
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is customers)
    assert customers.search.text() == "turing" and not window.banner.isVisible()


def test_orders_screen_filters_and_opens_an_order_with_its_customer(qtbot: QtBot, window: MainWindow,
                                                                    runner: TaskRunner) -> None:
    customers, profile, orders, order = screens(window)
    window.nav.setCurrentRow(1)  # the mouse's way; Ctrl+2 is the keyboard's
    qtbot.waitUntil(lambda: orders.count.text() == "80 orders")
    assert "data as of" in window.data_as_of.text().lower()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(orders.number, "1003")
    qtbot.waitUntil(lambda: orders.count.text() == "1 order found")
    qtbot.waitUntil(lambda: cell(orders, 0, 0) == "#1003")
    orders.table.setFocus()
    orders.table.setCurrentIndex(orders.table.model().index(0, 0))
    qtbot.keyClick(orders.table, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: order.presenter is not None and order.presenter.order is not None)
    assert order.refunds_model.rowCount() == 1 and order.shipments_model.rowCount() == 0
    qtbot.mouseClick(order.customer, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is profile and profile.profile is not None)
    assert window.nav.currentRow() == 0
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # from a detail screen: its list
    assert window.stack.currentWidget() is customers
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is orders and orders.number.hasFocus()
    runner.failed.emit("The disk is full.")
    assert window.banner.isVisible() and window.error.text() == "The disk is full."
