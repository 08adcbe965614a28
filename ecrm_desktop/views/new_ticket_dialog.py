"""A ticket taken by hand (a phone call, a chat transcript): who, about what, and what they said."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.enums import TicketPriority
from ecrm_desktop.domain.helpdesk.inbox import TicketDraft
from ecrm_desktop.views.format import status

# The presenter's `create_ticket`: the draft, and where to say the problem (None once the ticket is made).
Create = Callable[[TicketDraft, Callable[[str | None], None]], None]


class NewTicketDialog(QDialog):
    def __init__(self, parent: QWidget | None, create: Create) -> None:
        super().__init__(parent)
        self.setWindowTitle("New ticket")
        self.resize(560, 420)
        self.make_ticket = create
        self.subject = QLineEdit(placeholderText="e.g. Phone: wants to change the delivery address")
        self.email = QLineEdit(placeholderText="customer@example.com (matches the customer)")
        self.name = QLineEdit(placeholderText="optional")
        self.priority = QComboBox()
        for p in TicketPriority:
            self.priority.addItem(status(p.value), p.value)
        self.priority.setCurrentIndex(self.priority.findData(TicketPriority.NORMAL.value))
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("What the customer said (the call's notes, or the chat transcript)")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a11212;")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("Create ticket", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Subject", self.subject)
        form.addRow("Customer email", self.email)
        form.addRow("Customer name", self.name)
        form.addRow("Priority", self.priority)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("What they said"))
        layout.addWidget(self.body, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _create(self) -> None:
        self.create_button.setEnabled(False)
        self.make_ticket(TicketDraft(self.subject.text(), self.body.toPlainText(), self.email.text().strip(),
                                self.name.text().strip(), TicketPriority(self.priority.currentData())),
                    self._created)

    def _created(self, problem: str | None) -> None:
        self.create_button.setEnabled(True)
        if problem is None:
            self.accept()
        else:
            self.problem.setText(problem)
