"""Settings: the signed-in user's second factor, the idle lock, and (administrators) users, roles and the
permissions of each role. What a role may not change is shown disabled, with the reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.accounts import Enrolment, MfaStatus, UserInfo
from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.permissions import ROLE_TITLES, Operation
from ecrm_desktop.presenters.security import SecurityPresenter
from ecrm_desktop.views.enrol_dialog import EnrolDialog, recovery_text
from ecrm_desktop.views.format import when
from ecrm_desktop.views.roles_dialog import RolesDialog
from ecrm_desktop.views.tables import add_row, read_only_table, text_model


class SettingsScreen(QWidget):
    """Implements `presenters.security.SecurityView`."""

    def __init__(self, user: str) -> None:
        super().__init__()
        self.presenter: SecurityPresenter | None = None
        self.enrol_dialog: EnrolDialog | None = None
        self.roles_dialog: RolesDialog | None = None
        title = QLabel("Settings")
        title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.notice)
        layout.addWidget(self._sign_in_box(user))
        layout.addWidget(self._lock_box())
        layout.addWidget(self._users_box(), 1)

    def _sign_in_box(self, user: str) -> QGroupBox:
        self.mfa_state = QLabel("…")
        self.mfa_state.setWordWrap(True)
        self.enrol_button = QPushButton("Set up authenticator app…")
        self.codes_button = QPushButton("New recovery codes…")
        self.disable_button = QPushButton("Turn off")
        mfa_buttons = QHBoxLayout()
        for b in (self.enrol_button, self.codes_button, self.disable_button):
            mfa_buttons.addWidget(b)
        mfa_buttons.addStretch(1)
        mfa_box = QGroupBox(f"Your sign-in ({user})")
        mfa_layout = QVBoxLayout(mfa_box)
        mfa_layout.addWidget(self.mfa_state)
        mfa_layout.addLayout(mfa_buttons)
        return mfa_box

    def _lock_box(self) -> QGroupBox:
        self.idle = QSpinBox(minimum=0, maximum=24 * 60, suffix=" minutes")
        self.idle.setSpecialValueText("never")
        self.idle_save = QPushButton("Save")
        idle_row = QHBoxLayout()
        idle_row.addWidget(self.idle)
        idle_row.addWidget(self.idle_save)
        idle_row.addStretch(1)
        lock_box = QGroupBox("Lock")
        lock_form = QFormLayout(lock_box)
        lock_form.addRow("Lock the window when idle for", idle_row)
        return lock_box

    def _users_box(self) -> QGroupBox:
        self.users_model = text_model(["User", "Role", "Last sign-in"])
        self.users_table = read_only_table(self.users_model, [200, 140])
        self.users_table.setMinimumHeight(160)
        self.user_choice, self.role_choice = QComboBox(), QComboBox()
        self.role_choice.addItems([ROLE_TITLES[r] for r in Role])
        self.role_button = QPushButton("Change role")
        self.roles_button = QPushButton("Roles…")
        self.roles_button.setToolTip("What each role may do")
        role_row = QHBoxLayout()
        for w in (QLabel("Give"), self.user_choice, QLabel("the role"), self.role_choice, self.role_button):
            role_row.addWidget(w)
        role_row.addStretch(1)
        role_row.addWidget(self.roles_button)
        self.users_box = QGroupBox("Users and roles")
        users_layout = QVBoxLayout(self.users_box)
        users_layout.addWidget(self.users_table)
        users_layout.addLayout(role_row)
        return self.users_box

    def attach(self, presenter: SecurityPresenter) -> None:
        self.presenter = presenter
        self.enrol_button.clicked.connect(presenter.begin_enrolment)
        self.codes_button.clicked.connect(presenter.new_recovery_codes)
        self.disable_button.clicked.connect(self._disable)
        self.idle_save.clicked.connect(lambda: presenter.set_idle_lock(self.idle.value()))
        self.role_button.clicked.connect(lambda: presenter.set_role(
            self.user_choice.currentText(), list(Role)[self.role_choice.currentIndex()]))
        self.roles_button.clicked.connect(self._open_roles)

    def _disable(self) -> None:
        answer = QMessageBox.question(self, "Turn off the second factor",
                                      "Sign in with your password alone from now on?")
        if answer == QMessageBox.StandardButton.Yes and self.presenter is not None:
            self.presenter.disable_mfa()

    def _open_roles(self) -> None:
        if self.presenter is None:
            return
        self.roles_dialog = RolesDialog(self, self.presenter.save_grants)
        self.presenter.load_grants()
        self.roles_dialog.open()

    # SecurityView
    def show_mfa(self, status: MfaStatus) -> None:
        if status.enrolled:
            self.mfa_state.setText(f"Second factor: <b>on</b> (authenticator app). {status.recovery_codes_left} "
                                   "recovery codes left.")
        else:
            self.mfa_state.setText("Second factor: <b>off</b>. Signing in needs only your password; an "
                                   "authenticator app adds a 6-digit code that changes every 30 seconds.")
        self.enrol_button.setText("Set up again…" if status.enrolled else "Set up authenticator app…")
        self.codes_button.setEnabled(status.enrolled)
        self.disable_button.setEnabled(status.enrolled)

    def show_enrolment(self, enrolment: Enrolment) -> None:
        if self.presenter is None:
            return
        self.enrol_dialog = EnrolDialog(self, enrolment, self.presenter.confirm_enrolment)
        self.enrol_dialog.open()

    def show_recovery_codes(self, codes: list[str]) -> None:
        if self.enrol_dialog is not None and self.enrol_dialog.isVisible():
            self.enrol_dialog.show_codes(codes)
        else:
            QMessageBox.information(self, "Recovery codes", recovery_text(codes))

    def show_enrol_problem(self, message: str) -> None:
        if self.enrol_dialog is not None:
            self.enrol_dialog.show_problem(message)

    def show_idle_lock(self, minutes: int, refusal: str | None) -> None:
        self.idle.setValue(minutes)
        for w in (self.idle, self.idle_save):
            w.setEnabled(refusal is None)
            w.setToolTip(refusal or "")

    def show_users(self, users: list[UserInfo], refusal: str | None) -> None:
        self.users_model.removeRows(0, self.users_model.rowCount())
        for u in users:
            add_row(self.users_model, [u.name, ROLE_TITLES[u.role], when(u.last_login_at)])
        current = self.user_choice.currentText()
        self.user_choice.clear()
        self.user_choice.addItems([u.name for u in users])
        self.user_choice.setCurrentText(current)
        for w in (self.user_choice, self.role_choice, self.role_button, self.roles_button):
            w.setEnabled(refusal is None)
            w.setToolTip(refusal or "")

    def show_grants(self, grants: dict[Role, frozenset[Operation]]) -> None:
        if self.roles_dialog is not None:
            self.roles_dialog.show_grants(grants)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
