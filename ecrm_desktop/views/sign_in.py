"""The unlock dialog and the first-run dialog (create a workspace, or try the demo store).

This module is what paints first: it imports QtWidgets and nothing heavy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.presenters.unlock import FirstRunPresenter, UnlockPresenter


class _SignInDialog(QDialog):
    def __init__(self, title: str, intro: str) -> None:
        super().__init__()
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        heading = QLabel(title)
        heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.form = QFormLayout()
        self.ok = QPushButton()
        self.ok.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)  # Return means "go on", never "cancel"
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(heading)
        self.layout_.addWidget(self.intro)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message)
        self.layout_.addLayout(buttons)
        self.inputs: list[QWidget] = []

    # SignInView
    def show_busy(self, message: str | None) -> None:
        for widget in (*self.inputs, self.ok):
            widget.setEnabled(message is None)
        self.message.setStyleSheet("")
        self.message.setText(message or "")

    def show_error(self, message: str) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(message)


class UnlockDialog(_SignInDialog):
    """Implements `presenters.unlock.SignInView`."""

    def __init__(self, folder: Path, user: str = "admin") -> None:
        super().__init__("Unlock ecrm", f"Workspace: {folder}")
        self.user = QLineEdit(user)
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Remember on this computer")
        self.remember.setToolTip("Keep the workspace key in the system keyring, so no password is asked next time")
        self.form.addRow("User", self.user)
        self.form.addRow("Password", self.password)
        self.form.addRow("", self.remember)
        self.code = QLineEdit(placeholderText="6 digits, or a recovery code")
        self.form.addRow("Authentication code", self.code)
        self.form.setRowVisible(self.code, False)
        self.ok.setText("Unlock")
        self.inputs = [self.user, self.password, self.remember, self.code]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.password.setFocus()

    def attach(self, presenter: UnlockPresenter) -> None:
        self.ok.clicked.connect(lambda: presenter.unlock(self.user.text(), self.password.text(),
                                                         self.remember.isChecked(), self.code.text()))
        self.password.returnPressed.connect(self.ok.click)
        self.code.returnPressed.connect(self.ok.click)

    # UnlockView
    def ask_code(self, message: str) -> None:
        self.form.setRowVisible(self.code, True)
        self.message.setStyleSheet("")
        self.message.setText(message)
        self.code.clear()
        self.code.setFocus()


class FirstRunDialog(_SignInDialog):
    """Implements `presenters.unlock.FirstRunView`."""

    def __init__(self, folder: Path) -> None:
        super().__init__("Welcome to ecrm", f"There is no workspace in {folder} yet. Create one, with you as its "
                                            "administrator, or try ecrm on a generated demo store.")
        self.new = QRadioButton("Create an empty workspace")
        self.demo = QRadioButton("Try the demo store")
        self.new.setChecked(True)
        self.customers = QSpinBox(minimum=1_000, maximum=1_000_000, singleStep=10_000, value=20_000,
                                  suffix=" customers")
        self.customers.setEnabled(False)
        self.customers.setGroupSeparatorShown(True)
        self.demo.toggled.connect(self.customers.setEnabled)
        self.user = QLineEdit("admin")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password,
                                  placeholderText="at least 10 characters")
        self.confirm = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.progress = QProgressBar()
        self.progress.hide()
        self.form.addRow(self.new)
        demo_row = QHBoxLayout()
        demo_row.addWidget(self.demo)
        demo_row.addWidget(self.customers)
        self.form.addRow(demo_row)
        self.form.addRow("Administrator", self.user)
        self.form.addRow("Password", self.password)
        self.form.addRow("Repeat password", self.confirm)
        self.layout_.insertWidget(3, self.progress)
        self.ok.setText("Create")
        self.inputs = [self.new, self.demo, self.customers, self.user, self.password, self.confirm]

    def attach(self, presenter: FirstRunPresenter) -> None:
        self.ok.clicked.connect(lambda: presenter.create(
            self.user.text(), self.password.text(), self.confirm.text(),
            self.customers.value() if self.demo.isChecked() else 0))
        self.confirm.returnPressed.connect(self.ok.click)
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(lambda: presenter.cancel() if self.progress.isVisible() else self.reject())

    # FirstRunView
    def show_progress(self, done: int, total: int) -> None:
        self.progress.show()
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.message.setText(f"Generating the demo store: {done:,} of {total:,} customers…")
