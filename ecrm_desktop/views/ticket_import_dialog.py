"""Importing another help desk's CSV export: choose the file, read what a dry run found, then import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.presenters.inbox import ImportOutcome, InboxPresenter

EXPLAINED = ("A CSV export of another help desk (Zendesk, Gorgias…) with columns such as Subject, Requester email, "
             "Status, Priority, Tags, Assignee, Created at and Description. Nothing is imported until you confirm.")


class TicketImportDialog(QDialog):
    def __init__(self, parent: QWidget | None, presenter: InboxPresenter) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import tickets")
        self.resize(620, 440)
        self.presenter = presenter
        self.path: Path | None = None
        explained = QLabel(EXPLAINED)
        explained.setWordWrap(True)
        self.choose = QPushButton("Choose file…")
        self.file = QLabel("No file chosen")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.left_out = QListWidget()
        self.left_out.setWordWrap(True)  # a reason is a whole sentence: wrap it rather than scroll
        self.left_out.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.choose.clicked.connect(self._choose)
        self.buttons.accepted.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.choose)
        row.addWidget(self.file, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(explained)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.left_out, 1)
        layout.addWidget(self.buttons)

    def check(self, path: Path) -> None:
        """Read `path` without importing and say what an import would do."""
        self.path = path
        self.file.setText(path.name)
        self.import_button.setEnabled(False)
        self.summary.setText("Reading the file…")
        self.presenter.check_import(path, self._checked)

    def _choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, "A help desk's CSV export", "", "CSV files (*.csv)")
        if name:
            self.check(Path(name))

    def _checked(self, outcome: ImportOutcome | None, problem: str | None) -> None:
        self.left_out.clear()
        if outcome is None:
            self.summary.setText(problem or "")
            return
        ready = outcome.rows - len(outcome.rejected)
        self.summary.setText(f"{outcome.rows:,} rows: {ready:,} can be imported"
                             + (f", {len(outcome.rejected):,} cannot (listed below; they are left out)."
                                if outcome.rejected else "."))
        self.left_out.addItems([f"Line {r.line}: {r.reason}" for r in outcome.rejected])
        self.import_button.setText(f"Import {ready:,} ticket{'s' if ready != 1 else ''}")
        self.import_button.setEnabled(ready > 0)

    def _import(self) -> None:
        if self.path is not None:
            self.import_button.setEnabled(False)
            self.presenter.run_import(self.path, self._imported)

    def _imported(self, outcome: ImportOutcome | None, problem: str | None) -> None:
        if outcome is None:
            self.summary.setText(problem or "")
            self.import_button.setEnabled(True)
        else:
            self.accept()
