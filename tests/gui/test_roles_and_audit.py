"""The window as each role sees it (denied screens say why, nothing crashes), the audit trail viewer, the idle
lock, the second factor's enrolment in Settings and the unlock dialog asking for the code."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from ecrm_desktop.app import build_main_window, sign_in
from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.permissions import DEFAULT_GRANTS, Operation
from ecrm_desktop.presenters.navigation import SECTIONS, Place, Screen
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.keys import ROTATED_SETTING
from ecrm_desktop.services.mfa import MfaService
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.settings import write_setting
from ecrm_desktop.storage.tables import AuditEntry
from ecrm_desktop.views.audit_screen import AuditScreen
from ecrm_desktop.views.lock_screen import LockScreen
from ecrm_desktop.views.main_window import DeniedScreen, MainWindow
from ecrm_desktop.views.profile_screen import ProfileScreen
from ecrm_desktop.views.segments_screen import SegmentsScreen
from ecrm_desktop.views.settings_screen import SettingsScreen
from ecrm_desktop.views.sign_in import UnlockDialog
from tests.conftest import PASSWORD, MemoryKeyring
from tests.gui.test_sign_in import when_shown
from tests.screen_fixtures import fill_small_store

pytestmark = pytest.mark.gui


@pytest.fixture
def store(user_session: UserSession) -> UserSession:
    fill_small_store(user_session)
    return user_session


def open_window(qtbot: QtBot, session: UserSession, runner: TaskRunner, keyring: MemoryKeyring) -> MainWindow:
    window = build_main_window(session, runner, SecretStore(keyring))
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    return window


@pytest.fixture
def marketing_window(qtbot: QtBot, store: UserSession, runner: TaskRunner,
                     memory_keyring: MemoryKeyring) -> Iterator[MainWindow]:
    session = replace(store, role=Role.MARKETING, user_name="mia")
    window = open_window(qtbot, session, runner, memory_keyring)
    yield window
    window.close()
    runner.wait()


def test_marketing_sees_denied_screens_with_the_reason_and_opens_on_segments(
        qtbot: QtBot, marketing_window: MainWindow) -> None:
    window = marketing_window
    errors: list[str] = []
    window.show_error = errors.append  # type: ignore[method-assign]
    for screen in (Screen.CUSTOMERS, Screen.ORDERS, Screen.AUDIT):
        denied = window.screens[screen]
        assert isinstance(denied, DeniedScreen) and "Your role (Marketing) may not" in denied.text()
        item = window.nav.item(SECTIONS.index(screen))
        assert not item.flags() & Qt.ItemFlag.ItemIsEnabled and "Settings → Roles" in item.toolTip()
    segments = window.screens[Screen.SEGMENTS]
    assert isinstance(segments, SegmentsScreen) and window.stack.currentWidget() is segments
    assert segments.presenter is not None
    segments.presenter.edit_text("number_of_orders >= 1")
    qtbot.waitUntil(lambda: "customers" in segments.count.text(), timeout=5000)
    qtbot.waitUntil(lambda: "may not list the customers in a segment" in segments.members_title.text())
    window.go(Place(Screen.CUSTOMERS))  # as Ctrl+1 would: the reason, no load, no error
    assert window.stack.currentWidget() is window.screens[Screen.CUSTOMERS]
    qtbot.wait(200)
    assert errors == []


@pytest.mark.parametrize("role", list(Role))
def test_every_section_a_role_may_open_loads_without_a_refusal(qtbot: QtBot, store: UserSession, runner: TaskRunner,
                                                               memory_keyring: MemoryKeyring, role: Role) -> None:
    """The window asks the services only for what the role may do: opening each section it may open (and one
    customer, where it may) ends with no refusal in the banner."""
    window = open_window(qtbot, replace(store, role=role, user_name=f"{role}-user"), runner, memory_keyring)
    refusals: list[str] = []
    runner.failed.connect(refusals.append)
    opened = []
    for screen in SECTIONS:
        if window.nav.item(SECTIONS.index(screen)).flags() & Qt.ItemFlag.ItemIsEnabled:
            window.go(Place(screen))
            opened.append(screen)
            runner.wait()
            qtbot.wait(20)
    if Screen.CUSTOMERS in opened:
        window.go(Place(Screen.CUSTOMER, 1))
        runner.wait()
        qtbot.wait(20)
    assert refusals == [] and not window.error.text(), (refusals, window.error.text())
    assert len(opened) == {Role.ADMINISTRATOR: 9, Role.SALES: 6, Role.SUPPORT: 5, Role.MARKETING: 4}[role], opened
    window.close()
    runner.wait()


def test_audit_viewer_filters_exports_and_detects_tampering(qtbot: QtBot, window: MainWindow,
                                                             user_session: UserSession, tmp_path: Path) -> None:
    window.go(Place(Screen.CUSTOMER, 3))  # opening a customer is audited
    window.go(Place(Screen.AUDIT))
    audit = window.screens[Screen.AUDIT]
    assert isinstance(audit, AuditScreen)
    qtbot.waitUntil(lambda: audit.model.rowCount() > 0 and audit.action.count() > 1)
    audit.customer.setText("3")
    audit.action.setCurrentText("customer.view")
    qtbot.mouseClick(audit.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: audit.summary.text() == "Showing 1 matching entry.")
    assert audit.model.item(0, 2).text() == "customer.view" and audit.model.item(0, 3).text() == "customer 3"
    assert audit.presenter is not None
    audit.presenter.export(tmp_path / "trail.csv")
    qtbot.waitUntil(lambda: audit.summary.text() == "Exported 1 entries to trail.csv.")
    assert (tmp_path / "trail.csv").read_text(encoding="utf-8").count("\n") == 2
    qtbot.mouseClick(audit.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: audit.verdict.text().startswith("Intact"))
    with user_session.workspace.sessions() as s, s.begin():
        s.execute(update(AuditEntry).where(AuditEntry.id == 2).values(user_name="mallory"))
    qtbot.mouseClick(audit.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: audit.verdict.text().startswith("Tampered with: entry 2 does not verify"))


def test_idle_lock_hides_the_window_and_keeps_its_place(qtbot: QtBot, window: MainWindow) -> None:
    lock_view = window.findChild(LockScreen)
    assert lock_view is not None
    window.go(Place(Screen.ORDERS))
    before = window.stack.currentWidget()
    lock_view.show_locked()  # what the presenter's timer does after the idle minutes
    assert lock_view.isVisible() and not window.centralWidget().isEnabled()
    shot = window.grab().toImage()  # opaque: the navigation bar's text does not show through
    assert shot.pixelColor(20, 45) == shot.pixelColor(20, 700) == shot.pixelColor(1100, 400)
    qtbot.keyClicks(lock_view.password, "not my password")
    qtbot.keyClick(lock_view.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Wrong" in lock_view.message.text(), timeout=20_000)
    lock_view.password.clear()
    qtbot.keyClicks(lock_view.password, PASSWORD)
    qtbot.keyClick(lock_view.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not lock_view.isVisible(), timeout=20_000)
    assert window.centralWidget().isEnabled() and window.stack.currentWidget() is before


def _type_and_unlock(qtbot: QtBot, lock_view: LockScreen, password: str, code: str) -> None:
    lock_view.password.clear()
    qtbot.keyClicks(lock_view.password, password)
    lock_view.code.clear()
    qtbot.keyClicks(lock_view.code, code)
    qtbot.keyClick(lock_view.code, Qt.Key.Key_Return)


def test_idle_lock_asks_for_the_second_factor(qtbot: QtBot, user_session: UserSession, runner: TaskRunner,
                                              memory_keyring: MemoryKeyring) -> None:
    mfa = MfaService(user_session)
    enrolment = mfa.begin()
    totp = pyotp.TOTP(enrolment.secret)
    codes = mfa.confirm(enrolment, totp.now())
    window = open_window(qtbot, user_session, runner, memory_keyring)  # built for a user with a second factor
    lock_view = window.findChild(LockScreen)
    assert lock_view is not None
    assert lock_view.presenter is not None
    lock_view.presenter.lock()  # what its timer does after the idle minutes
    qtbot.waitUntil(lambda: lock_view.isVisible() and lock_view.code.isVisible())
    assert "authenticator app" in lock_view.code_hint.text()
    qtbot.keyClicks(lock_view.password, PASSWORD)
    qtbot.keyClick(lock_view.password, Qt.Key.Key_Return)  # the password alone does not open it
    qtbot.waitUntil(lambda: "code from your authenticator" in lock_view.message.text())
    _type_and_unlock(qtbot, lock_view, PASSWORD, totp.now())  # the enrolment spent this step's code
    qtbot.waitUntil(lambda: "already used" in lock_view.message.text(), timeout=20_000)
    assert lock_view.isVisible() and not window.centralWidget().isEnabled()
    _type_and_unlock(qtbot, lock_view, PASSWORD, codes[0])
    qtbot.waitUntil(lambda: not lock_view.isVisible(), timeout=20_000)
    assert window.centralWidget().isEnabled()
    window.close()


@pytest.mark.parametrize(("role", "reminded"), [(Role.ADMINISTRATOR, True), (Role.SALES, False)])
def test_settings_reminds_key_rotators_of_a_key_older_than_90_days(
        qtbot: QtBot, user_session: UserSession, runner: TaskRunner, memory_keyring: MemoryKeyring, role: Role,
        reminded: bool) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        write_setting(s, ROTATED_SETTING, (datetime.now(UTC) - timedelta(days=120)).isoformat())
    window = open_window(qtbot, replace(user_session, role=role), runner, memory_keyring)
    window.go(Place(Screen.SETTINGS))
    settings = window.screens[Screen.SETTINGS]
    assert isinstance(settings, SettingsScreen)
    qtbot.waitUntil(lambda: "Second factor" in settings.mfa_state.text())
    runner.wait()
    qtbot.wait(50)
    assert ("last changed 120 days ago; rotate it" in settings.notice.text()) is reminded, settings.notice.text()
    window.close()


def test_settings_enrols_a_second_factor_and_sign_in_asks_for_the_code(
        qtbot: QtBot, window: MainWindow, user_session: UserSession, tmp_path: Path, runner: TaskRunner,
        workspace_service: WorkspaceService) -> None:
    window.go(Place(Screen.SETTINGS))
    settings = window.screens[Screen.SETTINGS]
    assert isinstance(settings, SettingsScreen)
    qtbot.waitUntil(lambda: "Second factor: <b>off</b>" in settings.mfa_state.text())
    qtbot.mouseClick(settings.enrol_button, Qt.MouseButton.LeftButton)
    dialog = settings.enrol_dialog
    assert dialog is not None and not dialog.qr.pixmap().isNull() and dialog.qr.pixmap().width() > 100
    qtbot.keyClicks(dialog.code, "000000" if pyotp.TOTP(dialog.enrolment.secret).now() != "000000" else "111111")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "does not match" in dialog.message.text())
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, pyotp.TOTP(dialog.enrolment.secret).now())
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "recovery codes" in dialog.message.text())
    qtbot.waitUntil(lambda: "10 recovery codes left" in settings.mfa_state.text())
    secret = dialog.enrolment.secret
    dialog.accept()
    assert MfaService(user_session).status().enrolled

    def type_password_then_code(d: QDialog) -> None:
        assert isinstance(d, UnlockDialog)
        qtbot.keyClicks(d.password, PASSWORD)
        qtbot.keyClick(d.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.code.isVisible() and "authenticator" in d.message.text(), timeout=20_000)
        qtbot.keyClicks(d.code, pyotp.TOTP(secret).at(time.time() + 30))  # the enrolment spent the current code
        qtbot.keyClick(d.code, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible() or "Wrong" in d.message.text(), timeout=20_000)
        assert not d.isVisible(), d.message.text()  # a refused code fails the test instead of leaving it waiting

    when_shown(UnlockDialog, type_password_then_code)
    settings_file = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    folder = user_session.workspace.paths.folder
    session = sign_in(folder, runner, lambda: workspace_service, settings_file)
    assert session is not None and session.user_name == "admin"
    session.close()


def test_profile_disables_edits_a_custom_role_may_not_make(qtbot: QtBot, store: UserSession, runner: TaskRunner,
                                                            memory_keyring: MemoryKeyring) -> None:
    grants = DEFAULT_GRANTS[Role.SUPPORT] - {Operation.EDIT_CUSTOMERS, Operation.MERGE_CUSTOMERS}
    custom = {**DEFAULT_GRANTS, Role.SUPPORT: grants}
    window = open_window(qtbot, replace(store, role=Role.SUPPORT, role_grants=custom), runner, memory_keyring)
    try:
        window.go(Place(Screen.CUSTOMER, 3))
        profile = window.screens[Screen.CUSTOMER]
        assert isinstance(profile, ProfileScreen)
        qtbot.waitUntil(lambda: profile.profile is not None)
        assert not profile.add_note_button.isEnabled() and not profile.tags.isEnabled()
        assert "may not change customer records" in profile.add_note_button.toolTip()
        assert not profile.merge_button.isEnabled() and "may not merge" in profile.merge_button.toolTip()
        assert profile.profile is not None and profile.profile.withheld == ("payment details",)
        assert "Your role does not show payment details" in profile.subtitle.text()
    finally:
        window.close()
        runner.wait()
