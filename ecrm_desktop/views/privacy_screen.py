"""The Privacy & security screen: data subject requests, the retention policy with its preview, the database key
and backups. Implements `presenters.privacy.PrivacyView`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.privacy import RetentionAction, RetentionPreview
from ecrm_desktop.presenters.privacy import PrivacyPresenter, PrivacyState
from ecrm_desktop.views.format import when

ACTIONS = {RetentionAction.ANONYMISE: "Anonymise (keep a blank record for the statistics)",
           RetentionAction.DELETE: "Delete the customer record (orders stay, anonymised)"}


class PrivacyScreen(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.presenter: PrivacyPresenter | None = None
        title = QLabel("Privacy & security")
        title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("background: #e3eefc; padding: 6px; border-radius: 3px;")
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.message)
        layout.addWidget(self._requests())
        layout.addWidget(self._retention())
        layout.addWidget(self._keys())
        layout.addStretch(1)

    def _requests(self) -> QGroupBox:
        box = QGroupBox("Data subject requests")
        self.email = QLineEdit(placeholderText="the person's email address")
        self.export_button = QPushButton("Export data…")
        self.erase_button = QPushButton("Erase…")
        row = QHBoxLayout()
        row.addWidget(self.email, 1)
        row.addWidget(self.export_button)
        row.addWidget(self.erase_button)
        column = QVBoxLayout(box)
        column.addWidget(_note("An export holds everything ecrm has about the person (JSON, or a readable PDF). "
                               "Erasure removes their personal data, keeps their orders anonymised for the "
                               "statistics, and leaves a tombstone so the next sync does not bring them back. "
                               "The 360° view of a customer has the same two actions."))
        column.addLayout(row)
        self.export_button.clicked.connect(lambda: self._with_email(lambda p, e: p.export_email(e)))
        self.erase_button.clicked.connect(lambda: self._with_email(lambda p, e: p.erase_email(e)))
        return box

    def _retention(self) -> QGroupBox:
        box = QGroupBox("Retention policy")
        self.years = QSpinBox(minimum=1, maximum=100, value=5, suffix=" years")
        self.action = QComboBox()
        for action, label in ACTIONS.items():
            self.action.addItem(label, action)
        self.scheduled = QCheckBox("Apply it automatically after syncs (at most once a day)")
        self.preview_label = _note("Preview the policy to see how many customers it applies to.")
        self.preview_button = QPushButton("Preview")
        self.apply_button = QPushButton("Apply now…")
        self.apply_button.setEnabled(False)
        self.save_button = QPushButton("Save policy")
        form = QFormLayout(box)
        form.addRow("Customers inactive for", self.years)
        form.addRow("What happens to them", self.action)
        form.addRow("", self.scheduled)
        buttons = QHBoxLayout()
        for b in (self.preview_button, self.apply_button, self.save_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        form.addRow("", buttons)
        form.addRow("", self.preview_label)
        self.preview_button.clicked.connect(lambda: self._with_policy(self._presenter().preview_policy))
        self.save_button.clicked.connect(lambda: self._with_policy(self._presenter().save_policy))
        self.apply_button.clicked.connect(lambda: self._presenter().apply_preview())
        for changed in (self.years.valueChanged, self.action.currentIndexChanged):
            changed.connect(lambda *_: self.apply_button.setEnabled(False))
        return box

    def _keys(self) -> QGroupBox:
        box = QGroupBox("Database key and backups")
        self.key_age = _note("")
        self.rotate_button = QPushButton("Rotate key…")
        self.backup_button = QPushButton("Back up…")
        row = QHBoxLayout()
        row.addWidget(self.rotate_button)
        row.addWidget(self.backup_button)
        row.addStretch(1)
        column = QVBoxLayout(box)
        column.addWidget(self.key_age)
        column.addWidget(_note("Rotating re-encrypts the workspace under a new random key that every user's "
                               "password still opens. A backup is one encrypted, verifiable file; restore it "
                               "with 'ecrm restore FILE'."))
        column.addLayout(row)
        self.rotate_button.clicked.connect(lambda: self._presenter().rotate_key())
        self.backup_button.clicked.connect(lambda: self._presenter().back_up())
        return box

    def attach(self, presenter: PrivacyPresenter) -> None:
        self.presenter = presenter

    # -- PrivacyView ----------------------------------------------------------------------------------------

    def show_state(self, state: PrivacyState) -> None:
        if state.policy is not None:
            self.years.setValue(state.policy.years)
            self.action.setCurrentIndex(self.action.findData(state.policy.action))
            self.scheduled.setChecked(state.policy.scheduled)
        self.key_age.setText(state.reminder or f"The database key was last changed {when(state.key_changed)}.")

    def show_preview(self, preview: RetentionPreview) -> None:
        verb = "anonymised" if preview.policy.action is RetentionAction.ANONYMISE else "deleted"
        self.preview_label.setText(f"{preview.count:,} customers have had no order, store update or ticket since "
                                   f"{when(preview.cutoff, False)}; applying the policy now would leave them "
                                   f"{verb}.")
        self.apply_button.setEnabled(preview.count > 0)

    def show_message(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()
        self.apply_button.setEnabled(False)

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.warning(self, "Please confirm", question,
                                     QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                     QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def ask_save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / suggested), filters)
        return Path(name) if name else None

    # -- helpers --------------------------------------------------------------------------------------------

    def _presenter(self) -> PrivacyPresenter:
        assert self.presenter is not None
        return self.presenter

    def _with_email(self, act: Callable[[PrivacyPresenter, str], None]) -> None:
        email = self.email.text().strip()
        if not email:
            self.show_message("Type the person's email address first.")
            return
        act(self._presenter(), email)

    def _with_policy(self, act: Callable[[int, RetentionAction, bool], None]) -> None:
        act(self.years.value(), RetentionAction(self.action.currentData()), self.scheduled.isChecked())


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
