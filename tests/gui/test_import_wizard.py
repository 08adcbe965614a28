"""File → Import CSV… driven as a person would: choose a Shopify export, keep the guessed columns, preview,
dry run, import; and a cancelled import that leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import Customer
from ecrm_desktop.views.import_wizard import ImportWizard
from ecrm_desktop.views.main_window import MainWindow

pytestmark = pytest.mark.gui
SAMPLES = Path(__file__).parent.parent / "data" / "csv_import"


def customers(session: UserSession) -> int:
    with session.workspace.sessions() as s:
        return int(s.execute(select(func.count()).select_from(Customer)).scalar_one())


def open_wizard(qtbot: QtBot, window: MainWindow) -> ImportWizard:
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ImportWizard))
    wizard = QApplication.activeModalWidget()
    assert isinstance(wizard, ImportWizard)
    return wizard


def to_preview(qtbot: QtBot, wizard: ImportWizard, path: Path) -> None:
    wizard.path.setText(str(path))
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1 and wizard.mapping.rowCount() > 0)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2)


def test_shopify_customer_export_through_the_wizard(qtbot: QtBot, window: MainWindow,
                                                    user_session: UserSession) -> None:
    before = customers(user_session)
    wizard = open_wizard(qtbot, window)
    to_preview(qtbot, wizard, SAMPLES / "shopify_customers.csv")
    combo = wizard.mapping.cellWidget(1, 1)  # the email field's column, guessed from Shopify's header
    assert isinstance(combo, QComboBox) and combo.currentText() == "Email"
    preview = wizard.preview.model()
    assert preview.rowCount() == 4 and preview.index(0, 1).data() == "Ada Lovelace"
    assert wizard.preview_rejections.model().rowCount() == 2
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)  # "Dry run"
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 3 and "Dry run" in wizard.summary.text())
    assert "4 new customers" in wizard.summary.text() and customers(user_session) == before
    qtbot.mouseClick(wizard.run, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported in one transaction" in wizard.summary.text(), timeout=20_000)
    assert customers(user_session) == before + 4
    assert not wizard.run.isEnabled()  # imported once; a re-import starts from the file again
    wizard.close()


def test_cancelled_import_rolls_back(qtbot: QtBot, window: MainWindow, user_session: UserSession,
                                     tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Email,First Name\n" + "".join(f"p{i}@example.com,P{i}\n" for i in range(6000)))
    before = customers(user_session)
    wizard = open_wizard(qtbot, window)
    to_preview(qtbot, wizard, path)
    qtbot.mouseClick(wizard.next, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Dry run" in wizard.summary.text(), timeout=30_000)
    qtbot.mouseClick(wizard.run, Qt.MouseButton.LeftButton)
    assert wizard.cancel.isVisible()
    qtbot.mouseClick(wizard.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Cancelled" in wizard.summary.text(), timeout=30_000)
    assert customers(user_session) == before
    assert wizard.run.isEnabled()  # nothing was imported, so it can be run again
    wizard.close()
