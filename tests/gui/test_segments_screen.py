"""The segments screen driven with the mouse: build a rule, see the live count, save, preview, grid, filter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from ecrm_desktop.cli.writers import write_csv
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.segments import SegmentsPresenter
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.views.customers_screen import CustomersScreen
from ecrm_desktop.views.main_window import MainWindow
from ecrm_desktop.views.paged_model import PLACEHOLDER
from ecrm_desktop.views.profile_screen import ProfileScreen
from ecrm_desktop.views.segments_screen import SegmentsScreen
from tests.screen_fixtures import CUSTOMERS, QueuedRunner, fill_small_store

pytestmark = pytest.mark.gui
REPEAT_BUYERS = sum(i % 5 >= 3 for i in range(CUSTOMERS))  # customer i has i % 5 orders


def pick(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Open the combo's list and click the item `text`."""
    combo.showPopup()
    view = combo.view()
    index = view.model().index(combo.findText(text), 0)
    view.scrollTo(index)
    qtbot.waitUntil(view.isVisible)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: combo.currentText() == text)


def test_build_a_rule_with_the_mouse_save_it_and_filter_the_customers(qtbot: QtBot, window: MainWindow) -> None:
    window.go(Place(Screen.SEGMENTS))
    screen = window.screens[Screen.SEGMENTS]
    assert isinstance(screen, SegmentsScreen) and screen.model is not None
    qtbot.mouseClick(screen.builder.add, Qt.MouseButton.LeftButton)
    [row] = screen.builder.rows
    pick(qtbot, row.filter, "number_of_orders")
    pick(qtbot, row.operator, ">=")
    row.value.lineEdit().setFocus()  # type: ignore[union-attr]
    qtbot.keyClicks(row.value.lineEdit(), "3")
    assert screen.query.toPlainText() == "number_of_orders >= 3"
    qtbot.waitUntil(lambda: screen.count.text() == f"{REPEAT_BUYERS} customers")
    qtbot.waitUntil(lambda: screen.model is not None and screen.model.rowCount() == REPEAT_BUYERS)

    qtbot.keyClicks(screen.name, "Repeat buyers")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.list.rowCount() == 1)
    assert screen.list.item(0, 0).text() == "Repeat buyers" and screen.list.item(0, 1).text() == str(REPEAT_BUYERS)

    screen.query.setPlainText("number_of_orders >= 3 AND amount_spent >")  # the text face edits the same query
    assert screen.problem.isVisible() and "line 1, column" in screen.problem.text()
    assert not screen.save_button.isEnabled()
    screen.query.setPlainText("number_of_orders >= 3 OR customer_tags CONTAINS 'VIP'")
    assert screen.builder.match.currentText() == "any" and len(screen.builder.rows) == 2
    assert [r.rule().text for r in screen.builder.rows] == ["number_of_orders >= 3", "customer_tags CONTAINS 'VIP'"]

    grid = {(r, f): screen.grid.item(5 - r, f - 1).text() for r in range(1, 6) for f in range(1, 6)}
    assert sum(int(n) for n in grid.values()) == sum(i % 5 > 0 for i in range(CUSTOMERS))
    r, f = next(k for k, n in grid.items() if n != "0")
    cell = screen.grid.visualItemRect(screen.grid.item(5 - r, f - 1)).center()
    qtbot.mouseClick(screen.grid.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.waitUntil(lambda: screen.model is not None and screen.model.rowCount() == int(grid[r, f]))
    qtbot.waitUntil(lambda: screen.model is not None and screen.model.index(0, 0).data() != PLACEHOLDER)
    name = screen.model.index(0, 0).data()
    screen.members.setCurrentIndex(screen.model.index(0, 0))
    qtbot.keyClick(screen.members, Qt.Key.Key_Return)
    profile = window.screens[Screen.CUSTOMER]
    assert isinstance(profile, ProfileScreen)
    qtbot.waitUntil(lambda: profile.profile is not None and profile.title.text() == name)

    window.go(Place(Screen.CUSTOMERS))
    customers = window.screens[Screen.CUSTOMERS]
    assert isinstance(customers, CustomersScreen)
    qtbot.waitUntil(lambda: customers.segment.count() == 2)
    pick(qtbot, customers.segment, "Repeat buyers")
    qtbot.waitUntil(lambda: customers.count.text() == f"{REPEAT_BUYERS} customers")


def test_rows_being_filled_in_stay_editable_and_a_broken_text_freezes_them(qtbot: QtBot, window: MainWindow) -> None:
    window.go(Place(Screen.SEGMENTS))
    screen = window.screens[Screen.SEGMENTS]
    assert isinstance(screen, SegmentsScreen)
    qtbot.mouseClick(screen.builder.add, Qt.MouseButton.LeftButton)
    pick(qtbot, screen.builder.rows[0].filter, "amount_spent")
    assert screen.problem.isVisible() and screen.builder.isEnabled() and not screen.save_button.isEnabled()
    screen.query.setPlainText("amount_spent >")
    assert not screen.builder.isEnabled()
    screen.query.setPlainText("")
    assert screen.builder.isEnabled() and screen.builder.rows == []


def test_a_count_that_finishes_after_a_newer_edit_is_dropped(qtbot: QtBot, user_session: UserSession) -> None:
    fill_small_store(user_session)
    runner, screen = QueuedRunner(), SegmentsScreen()
    qtbot.addWidget(screen)
    presenter = SegmentsPresenter(screen, SegmentService(user_session), runner, lambda _p: None,
                                  write_csv=write_csv, debounce_ms=0)
    screen.attach(presenter)
    runner.run_all()
    presenter.edit_text("number_of_orders >= 3")
    qtbot.waitUntil(lambda: len(runner.queue) == 1)  # the debounce fired: the count is queued
    presenter.edit_text("number_of_orders >= 4")
    qtbot.waitUntil(lambda: len(runner.queue) == 2)
    runner.run_all()
    assert screen.count.text() == f"{sum(i % 5 == 4 for i in range(CUSTOMERS))} customers"
    presenter.edit_text("number_of_orders >= 1")
    qtbot.waitUntil(lambda: len(runner.queue) == 1)
    presenter.edit_text("number_of_orders >=")
    runner.run_all()
    assert screen.count.text() == "" and screen.problem.text().startswith("line 1, column 20")
