"""What ecrm copies carries the hints that keep it out of clipboard history (KDE, Windows), whichever widget copied
it, and pastes as before."""

from __future__ import annotations

from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.views.clipboard_guard import CONCEALED, KDE_HINT
from ecrm_desktop.views.customers_screen import CustomersScreen
from ecrm_desktop.views.main_window import MainWindow


def _concealed(mode: QClipboard.Mode = QClipboard.Mode.Clipboard) -> bool:
    mime = QGuiApplication.clipboard().mimeData(mode)
    return mime is not None and all(bytes(mime.data(k).data()) == v for k, v in CONCEALED.items())


def test_a_copied_cell_of_the_customer_list_is_marked_secret(qtbot: QtBot, window: MainWindow) -> None:
    window.go(Place(Screen.CUSTOMERS))
    customers = window.screens[Screen.CUSTOMERS]
    assert isinstance(customers, CustomersScreen)
    table = customers.table
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=10_000)
    email_column = next(c for c in range(table.model().columnCount())
                        if "@" in str(table.model().index(0, c).data()))
    table.setCurrentIndex(table.model().index(0, email_column))
    table.setFocus()
    QGuiApplication.clipboard().clear()
    qtbot.keySequence(table, "Ctrl+C")  # Qt's item views copy the current cell themselves
    email = str(table.model().index(0, email_column).data())
    assert QGuiApplication.clipboard().text() == email
    assert _concealed()


def test_text_copied_from_a_field_is_marked_secret_and_pastes_unchanged(qtbot: QtBot, window: MainWindow) -> None:
    field = QLineEdit("ada@example.com", window)
    field.show()
    field.selectAll()
    field.copy()
    assert QGuiApplication.clipboard().text() == "ada@example.com" and _concealed()
    target = QLineEdit(window)
    target.paste()
    assert target.text() == "ada@example.com"
    mime = QGuiApplication.clipboard().mimeData()
    assert mime is not None and bytes(mime.data(KDE_HINT).data()) == b"secret"
