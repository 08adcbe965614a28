"""Setting up an authenticator app: the QR code (and the key as text), the first code to confirm it, then the
ten recovery codes, shown once."""

from __future__ import annotations

import io
from collections.abc import Callable

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ecrm_desktop.domain.accounts import Enrolment


def qr_pixmap(uri: str, scale: int = 6) -> QPixmap:
    """The QR code of `uri`, drawn by segno into a PNG held in memory (never written to disk)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="png", scale=scale, border=2)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


class EnrolDialog(QDialog):
    """Scan, type the first code, confirm; `confirm(enrolment, code)` goes to the presenter."""

    def __init__(self, parent: QWidget | None, enrolment: Enrolment,
                 confirm: Callable[[Enrolment, str], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set up a second factor")
        self.enrolment = enrolment
        intro = QLabel("Scan this code with an authenticator app (1Password, Google Authenticator, Authy, …), "
                       "then type the 6-digit code it shows.")
        intro.setWordWrap(True)
        self.qr = QLabel()
        self.qr.setPixmap(qr_pixmap(enrolment.uri))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        key = QLabel(f"Or type this key: <b>{' '.join(enrolment.secret[i:i + 4] for i in range(0, 32, 4))}</b>")
        key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code = QLineEdit(placeholderText="123456")
        self.code.setMaxLength(6)
        self.code.setFixedWidth(120)
        self.confirm_button = QPushButton("Confirm")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(lambda: confirm(self.enrolment, self.code.text()))
        self.message = QLabel()
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Code"))
        row.addWidget(self.code)
        row.addWidget(self.confirm_button)
        row.addStretch(1)
        self.done_button = QPushButton("Done")
        self.done_button.clicked.connect(self.accept)
        self.done_button.hide()
        layout = QVBoxLayout(self)
        for w in (intro, self.qr, key):
            layout.addWidget(w)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(460)

    def show_problem(self, message: str) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(message)

    def show_codes(self, codes: list[str]) -> None:
        """After confirmation: the recovery codes replace the QR code."""
        self.qr.hide()
        self.code.setEnabled(False)
        self.confirm_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(recovery_text(codes))
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.done_button.show()


def recovery_text(codes: list[str]) -> str:
    return ("<b>The second factor is on.</b> Write down these recovery codes and keep them somewhere safe; each "
            "signs you in once if your phone is not at hand:<pre style='font-size: 12pt'>"
            + "\n".join(f"{a}    {b}" for a, b in zip(codes[::2], codes[1::2], strict=True)) + "</pre>")
