"""The unlock and first-run dialogs, typed into as a person would while `sign_in` waits for them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from ecrm_desktop.app import sign_in
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.views.sign_in import FirstRunDialog, UnlockDialog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.gui


def when_shown(kind: type[QDialog], act: Callable[[QDialog], None]) -> None:
    """Run `act(dialog)` once a dialog of `kind` is on screen (sign_in is blocked in its exec meanwhile);
    a failing `act` closes the dialog so the test fails instead of hanging."""
    def poke() -> None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if found:
            try:
                act(found[0])
            except BaseException:
                found[0].reject()
                raise
        else:
            QTimer.singleShot(20, poke)

    QTimer.singleShot(0, poke)


def test_unlock_dialog_reports_a_wrong_password_then_unlocks_with_enter(
        qtbot: QtBot, tmp_path: Path, workspace_service: WorkspaceService, runner: TaskRunner) -> None:
    folder = tmp_path / "ws"
    workspace_service.create(folder, "admin", PASSWORD).close()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)

    def type_passwords(dialog: QDialog) -> None:
        assert isinstance(dialog, UnlockDialog) and dialog.focusWidget() is dialog.password
        qtbot.keyClicks(dialog.password, "not the password")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "Wrong" in dialog.message.text())
        dialog.password.clear()
        qtbot.keyClicks(dialog.password, PASSWORD)
        dialog.remember.setChecked(True)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    when_shown(UnlockDialog, type_passwords)
    session = sign_in(folder, runner, lambda: workspace_service, settings)
    assert session is not None and session.user_name == "admin"
    session.close()
    assert settings.value("last_user") == "admin"
    when_shown(UnlockDialog, lambda d: None)  # the remembered key opens it without a password
    session = sign_in(folder, runner, lambda: workspace_service, settings)
    assert session is not None
    session.close()


def test_first_run_creates_the_workspace(qtbot: QtBot, tmp_path: Path, workspace_service: WorkspaceService,
                                         runner: TaskRunner) -> None:
    def fill_in(dialog: QDialog) -> None:
        assert isinstance(dialog, FirstRunDialog)
        qtbot.keyClicks(dialog.password, PASSWORD)
        qtbot.keyClicks(dialog.confirm, PASSWORD)
        qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)

    when_shown(FirstRunDialog, fill_in)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    session = sign_in(tmp_path / "new", runner, lambda: workspace_service, settings)
    assert session is not None and (tmp_path / "new" / "keyslots.json").exists()
    session.close()


def test_closing_the_unlock_dialog_signs_nobody_in(qtbot: QtBot, tmp_path: Path,
                                                  workspace_service: WorkspaceService, runner: TaskRunner) -> None:
    folder = tmp_path / "ws"
    workspace_service.create(folder, "admin", PASSWORD).close()
    when_shown(UnlockDialog, lambda d: qtbot.keyClick(d, Qt.Key.Key_Escape))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert sign_in(folder, runner, lambda: workspace_service, settings) is None
