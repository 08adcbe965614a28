"""Settings → Privacy & security in the window: the key's age shows, a retention preview enables "Apply now…",
and the 360° view offers Export data… and Erase… to an administrator (erasing after a confirmation)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.privacy import PrivacyService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.views.main_window import MainWindow
from ecrm_desktop.views.privacy_screen import PrivacyScreen
from ecrm_desktop.views.profile_screen import ProfileScreen

pytestmark = pytest.mark.gui


def test_privacy_screen_previews_the_policy(window: MainWindow, runner: TaskRunner, qtbot: QtBot) -> None:
    window.go(Place(Screen.PRIVACY))
    screen = window.screens[Screen.PRIVACY]
    assert isinstance(screen, PrivacyScreen)
    qtbot.waitUntil(lambda: "last changed" in screen.key_age.text())
    screen.years.setValue(1)
    screen.preview_button.click()
    qtbot.waitUntil(screen.apply_button.isEnabled)
    assert "customers have had no order" in screen.preview_label.text()
    screen.years.setValue(2)  # a changed policy needs a new preview before it can be applied
    assert not screen.apply_button.isEnabled()


def test_erase_from_the_360_view(window: MainWindow, runner: TaskRunner, qtbot: QtBot, user_session: UserSession,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    window.go(Place(Screen.CUSTOMER, 1))
    profile = window.screens[Screen.CUSTOMER]
    assert isinstance(profile, ProfileScreen)
    qtbot.waitUntil(lambda: profile.profile is not None)
    assert profile.erase_button.isVisible() and profile.export_data_button.isVisible()
    email = profile.profile.email if profile.profile is not None else None
    assert email
    profile.erase_button.click()
    qtbot.waitUntil(window.screens[Screen.CUSTOMERS].isVisible)
    runner.wait()
    with pytest.raises(Exception, match="No customer"):
        PrivacyService(user_session).customers_of(email)
