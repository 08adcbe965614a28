"""The audit trail viewer (administrators): filters, the newest matching entries, CSV export, chain check."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.audit import AuditRow
from ecrm_desktop.presenters.audit_screen import AuditPresenter, Filters
from ecrm_desktop.views.format import when
from ecrm_desktop.views.tables import add_row, read_only_table, text_model

ANY = "Any"


class AuditScreen(QWidget):
    """Implements `presenters.audit_screen.AuditView`."""

    def __init__(self) -> None:
        super().__init__()
        self.presenter: AuditPresenter | None = None
        title = QLabel("Audit trail")
        title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.user = QComboBox()
        self.action = QComboBox()
        for box in (self.user, self.action):
            box.addItem(ANY)
            box.setMinimumWidth(170)
        self.customer = QLineEdit(placeholderText="customer number")
        self.customer.setMaximumWidth(140)
        self.since_on, self.until_on = QCheckBox("From"), QCheckBox("To")
        today = QDate.currentDate()
        self.since, self.until = QDateEdit(today.addDays(-30)), QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.since_on.toggled.connect(self.since.setEnabled)
        self.until_on.toggled.connect(self.until.setEnabled)
        self.apply_button = QPushButton("Apply filters")
        self.apply_button.setDefault(True)
        self.export_button = QPushButton("Export CSV…")
        self.verify_button = QPushButton("Verify chain")
        self.verify_button.setToolTip("Check every entry's hash and its link to the one before")
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.summary = QLabel()
        self.model = text_model(["When", "User", "Action", "About", "Detail"])
        self.table = read_only_table(self.model, [140, 110, 170, 120])

        filters = QGridLayout()
        for col, (label, widget) in enumerate((("User", self.user), ("Action", self.action),
                                               ("Customer", self.customer))):
            filters.addWidget(QLabel(label), 0, col)
            filters.addWidget(widget, 1, col)
        filters.addWidget(self.since_on, 0, 3)
        filters.addWidget(self.since, 1, 3)
        filters.addWidget(self.until_on, 0, 4)
        filters.addWidget(self.until, 1, 4)
        filters.addWidget(self.apply_button, 1, 5)
        filters.setColumnStretch(6, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.summary, 1)
        actions.addWidget(self.export_button)
        actions.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addWidget(self.verdict)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)

    def attach(self, presenter: AuditPresenter) -> None:
        self.presenter = presenter
        self.apply_button.clicked.connect(lambda: presenter.apply(self.filters()))
        self.customer.returnPressed.connect(self.apply_button.click)
        self.verify_button.clicked.connect(presenter.verify)
        self.export_button.clicked.connect(self._export)

    def filters(self) -> Filters:
        def choice(box: QComboBox) -> str:
            return "" if box.currentIndex() <= 0 else box.currentText()

        def day(on: QCheckBox, edit: QDateEdit) -> date | None:
            return edit.date().toPython() if on.isChecked() else None  # type: ignore[return-value]

        return Filters(choice(self.user), choice(self.action), self.customer.text(), day(self.since_on, self.since),
                       day(self.until_on, self.until))

    def focus_search(self) -> None:
        self.customer.setFocus()

    def _export(self) -> None:
        if self.presenter is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export the audit trail", "audit-trail.csv", "CSV (*.csv)")
        if path:
            self.presenter.export(Path(path))

    # AuditView
    def show_choices(self, users: list[str], actions: list[str]) -> None:
        for box, values in ((self.user, users), (self.action, actions)):
            current = box.currentText()
            box.clear()
            box.addItems([ANY, *values])
            box.setCurrentText(current)

    def show_rows(self, rows: list[AuditRow], total: int) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for r in rows:
            about = f"{r.entity_type} {r.entity_id}" if r.entity_type and r.entity_id is not None else \
                r.entity_type or ""
            add_row(self.model, [when(r.at), r.user or "—", r.action, about, _detail(r.detail_json)], r.id)
        shown = f"the newest {len(rows):,} of " if len(rows) < total else ""
        self.summary.setText(f"Showing {shown}{total:,} matching {'entry' if total == 1 else 'entries'}.")

    def show_verdict(self, text: str, intact: bool | None) -> None:
        colour = {True: "#1b5e20", False: "#b00020", None: ""}[intact]
        self.verdict.setStyleSheet(f"color: {colour}; font-weight: 600;" if colour else "")
        self.verdict.setText(text)

    def show_notice(self, text: str) -> None:
        self.summary.setText(text)


def _detail(detail_json: str) -> str:
    """`{"a": 1, "b": "x"}` as `a: 1 · b: x`."""
    try:
        detail = json.loads(detail_json)
    except ValueError:
        return detail_json
    if not isinstance(detail, dict):
        return str(detail)
    return " · ".join(f"{k}: {v}" for k, v in detail.items())
