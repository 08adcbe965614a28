"""Merging a customer into the open one from the 360° view, and undoing it, with real clicks and typing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from ecrm_desktop.domain.directory import CustomerQuery
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.services.customer_directory import CustomerDirectory
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.views.main_window import MainWindow
from ecrm_desktop.views.profile_screen import ProfileScreen
from tests.screen_fixtures import CUSTOMERS

pytestmark = pytest.mark.gui


def test_merge_from_the_profile_then_undo(qtbot: QtBot, window: MainWindow, user_session: UserSession,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    profile = window.screens[Screen.CUSTOMER]
    assert isinstance(profile, ProfileScreen) and profile.presenter is not None
    directory = CustomerDirectory(user_session)
    survivor = next(r for r in directory.page(CustomerQuery(), 0, 50) if r.email == "person4@example.com")
    profile.presenter.navigate(Place(Screen.CUSTOMER, survivor.id))
    qtbot.waitUntil(lambda: profile.profile is not None and profile.profile.id == survivor.id)
    orders_before = profile.profile.stats.orders_count if profile.profile else 0

    qtbot.mouseClick(profile.merge_button, Qt.MouseButton.LeftButton)
    dialog = profile.merge_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.merge_button.isEnabled()
    qtbot.keyClicks(dialog.search, "person9@")
    qtbot.waitUntil(lambda: dialog.results.topLevelItemCount() == 1)
    assert dialog.results.topLevelItem(0).text(1) == "person9@example.com"
    dialog.results.setCurrentItem(dialog.results.topLevelItem(0))
    assert dialog.merge_button.isEnabled()
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text: asked.append(text)
                        or QMessageBox.StandardButton.Yes)  # the confirmation box is modal: answer it
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "Name9" in asked[0]
    qtbot.waitUntil(lambda: profile.profile is not None and len(profile.profile.merges) == 1)
    assert profile.merge_dialog is None
    assert profile.profile is not None and profile.profile.stats.orders_count == orders_before + 9 % 5
    assert "person9@example.com" in profile.contact.text()
    assert directory.count(CustomerQuery()) == CUSTOMERS - 1

    undo = [b for b in profile.findChildren(QPushButton) if b.text() == "Undo merge"]
    assert len(undo) == 1
    qtbot.mouseClick(undo[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: profile.profile is not None and not profile.profile.merges)
    assert profile.profile is not None and profile.profile.stats.orders_count == orders_before
    assert directory.count(CustomerQuery()) == CUSTOMERS
    qtbot.waitUntil(lambda: not [b for b in profile.findChildren(QPushButton)
                                 if b.text() == "Undo merge" and b.isVisible()])
