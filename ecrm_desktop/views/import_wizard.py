"""File → Import CSV…: the import wizard's steps (file, mapping, preview, dry run and import, summary).

A thin view of `presenters.csv_import.ImportWizardPresenter`: each step is a page of a stack, and every button
forwards to the presenter.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.csv_import import ImportKind, ImportReport, Rejection
from ecrm_desktop.presenters.csv_import import ImportWizardPresenter, MappingRow

NONE = "(not in the file)"
STEPS = ("1 · File", "2 · Columns", "3 · Preview", "4 · Dry run and import")


def _table(view: QTableView, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Show `rows` in `view` (the model is the view's child, so it lives as long as the view)."""
    old = view.model()
    model = QStandardItemModel(len(rows), len(columns), view)
    model.setHorizontalHeaderLabels(list(columns))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            model.setItem(r, c, QStandardItem(text))
    view.setModel(model)
    if old is not None:
        old.deleteLater()


def _rejection_rows(rejections: tuple[Rejection, ...], limit: int = 500) -> list[tuple[str, ...]]:
    return [(str(r.row), r.reason) for r in rejections[:limit]]


class ImportWizard(QDialog):
    """Implements `presenters.csv_import.ImportWizardView`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import CSV")
        self.resize(980, 640)
        self.presenter: ImportWizardPresenter | None = None
        self.step = QLabel()
        self.step.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.message = QLabel(wordWrap=True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._report_page())
        self.progress = QProgressBar()
        self.progress.hide()
        self.back = QPushButton("Back")
        self.next = QPushButton("Next")
        self.next.setDefault(True)
        self.cancel = QPushButton("Cancel import")
        self.cancel.hide()
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.next)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.back.clicked.connect(lambda: self._go(self.pages.currentIndex() - 1))
        self._go(0)

    # -- pages ------------------------------------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.path = QLineEdit(placeholderText="A CSV file: Shopify's customer or order export, or any CSV")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        self.kind = QComboBox()
        self.kind.addItem("Customers", ImportKind.CUSTOMERS)
        self.kind.addItem("Orders (one row per line item)", ImportKind.ORDERS)
        form.addRow("It holds", self.kind)
        form.addRow(QLabel("Encoding and delimiter are detected. Nothing is written before you choose Import.",
                           wordWrap=True))
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("Which column holds each field? The guesses come from the file's headers; "
                                "fields marked * are required.", wordWrap=True))
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels(["Field", "Column in the file"])
        self.mapping.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.mapping.verticalHeader().hide()
        layout.addWidget(self.mapping, 1)
        form = QFormLayout()
        self.date_format = QLineEdit(placeholderText="default: Shopify's and ISO 8601; e.g. %d/%m/%Y")
        self.decimal_comma = QCheckBox("Amounts are written 1.234,50")
        form.addRow("Date format", self.date_format)
        form.addRow("", self.decimal_comma)
        layout.addLayout(form)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.preview_label = QLabel(wordWrap=True)
        layout.addWidget(self.preview_label)
        self.preview = QTableView()
        self.preview.verticalHeader().hide()
        layout.addWidget(self.preview, 2)
        layout.addWidget(QLabel("Rejected rows"))
        self.preview_rejections = QTableView()
        self.preview_rejections.verticalHeader().hide()
        layout.addWidget(self.preview_rejections, 1)
        return page

    def _report_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary = QLabel(wordWrap=True)
        self.summary.setStyleSheet("font-size: 11pt;")
        layout.addWidget(self.summary)
        self.report_rejections = QTableView()
        self.report_rejections.verticalHeader().hide()
        layout.addWidget(self.report_rejections, 1)
        row = QHBoxLayout()
        self.save = QPushButton("Save rejected rows…")
        self.save.clicked.connect(self._save)
        self.dry = QPushButton("Dry run again")
        self.run = QPushButton("Import")
        row.addWidget(self.save)
        row.addStretch(1)
        row.addWidget(self.dry)
        row.addWidget(self.run)
        layout.addLayout(row)
        return page

    # -- wiring -----------------------------------------------------------------------------------------------

    def attach(self, presenter: ImportWizardPresenter) -> None:
        self.presenter = presenter
        self.next.clicked.connect(self._next)
        self.cancel.clicked.connect(presenter.cancel)
        self.dry.clicked.connect(presenter.dry_run)
        self.run.clicked.connect(presenter.start_import)

    def done(self, result: int) -> None:
        """Closing stops a running dry run or import (it rolls back); the dialog goes once nothing runs."""
        if self.presenter is not None:
            self.presenter.close()
        if not self.progress.isVisible():
            self.deleteLater()
        super().done(result)

    def _next(self) -> None:
        assert self.presenter is not None
        page = self.pages.currentIndex()
        if page == 0:
            if not self.path.text().strip():
                self.show_message("Choose a file to import.")
                return
            self.presenter.choose(Path(self.path.text().strip()), ImportKind(self.kind.currentData()))
        elif page == 1:
            self.presenter.preview(self._columns(), self.date_format.text(), self.decimal_comma.isChecked())
        elif page == 2:
            self.presenter.dry_run()

    def _columns(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for r in range(self.mapping.rowCount()):
            combo = self.mapping.cellWidget(r, 1)
            assert isinstance(combo, QComboBox)
            out[str(combo.property("field"))] = "" if combo.currentIndex() == 0 else combo.currentText()
        return out

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import CSV", "", "CSV files (*.csv *.txt);;All files (*)")
        if path:
            self.path.setText(path)

    def _save(self) -> None:
        assert self.presenter is not None
        path, _ = QFileDialog.getSaveFileName(self, "Save rejected rows", "rejected-rows.csv", "CSV files (*.csv)")
        if path:
            self.presenter.save_rejections(Path(path))

    def _go(self, page: int) -> None:
        page = max(0, min(page, self.pages.count() - 1))
        self.pages.setCurrentIndex(page)
        self.step.setText("Import CSV — " + "   ".join(f"[{s}]" if i == page else s for i, s in enumerate(STEPS)))
        self.back.setEnabled(page > 0)
        self.next.setVisible(page < 3)
        self.next.setText("Dry run" if page == 2 else "Next")
        self.message.clear()

    # -- ImportWizardView ------------------------------------------------------------------------------------

    def show_mapping(self, headers: tuple[str, ...], rows: list[MappingRow]) -> None:
        self.mapping.setRowCount(len(rows))
        for r, row in enumerate(rows):
            self.mapping.setItem(r, 0, _label_item(row.label + (" *" if row.required else "")))
            combo = QComboBox()
            combo.addItems([NONE, *[h for h in headers if h]])
            combo.setProperty("field", row.field)
            if row.source:
                combo.setCurrentText(row.source)
            self.mapping.setCellWidget(r, 1, combo)
        self._go(1)

    def show_preview(self, columns: tuple[str, ...], rows: list[tuple[str, ...]], parsed_rows: int,
                     rejections: tuple[Rejection, ...]) -> None:
        _table(self.preview, columns, rows)
        self.preview.resizeColumnsToContents()
        _table(self.preview_rejections, ("Row", "Reason"), _rejection_rows(rejections))
        self.preview_rejections.horizontalHeader().setStretchLastSection(True)
        self.preview_label.setText(f"The first {len(rows)} records as they will land, of {parsed_rows:,} rows read; "
                                   f"{len(rejections):,} rows will be rejected. Nothing has been written yet.")
        self._go(2)

    def show_report(self, report: ImportReport) -> None:
        what = report.kind.value
        if report.cancelled:
            head = "Cancelled: everything was rolled back, nothing was imported."
        elif report.dry_run:
            head = "Dry run — nothing was written. The import would make:"
        else:
            head = (f"Imported in one transaction ({report.seconds:.1f} s); segments and predictions are being "
                    "updated:")
        self.summary.setText(
            f"<b>{head}</b><br>{report.new:,} new {what} · {report.updated:,} updated (imported before) · "
            f"{report.matched:,} matched to customers ecrm already knew · {len(report.rejections):,} rows "
            f"rejected<br>File read as {report.encoding}, delimiter {report.delimiter!r}, "
            f"{'Shopify export' if report.shopify else 'mapped CSV'}, {report.rows:,} rows.")
        _table(self.report_rejections, ("Row", "Reason"), _rejection_rows(report.rejections))
        self.report_rejections.horizontalHeader().setStretchLastSection(True)
        self.save.setEnabled(bool(report.rejections))
        self.run.setEnabled(report.dry_run or report.cancelled)
        self.dry.setEnabled(report.dry_run or report.cancelled)
        self._go(3)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def show_busy(self, busy: bool, label: str) -> None:
        self.progress.setVisible(busy)
        self.progress.setRange(0, 0)
        self.progress.setFormat(label)
        self.cancel.setVisible(busy and label in ("Checking", "Importing"))
        for button in (self.next, self.back, self.run, self.dry):
            button.setEnabled(not busy)
        if not busy:
            self.back.setEnabled(self.pages.currentIndex() > 0)
        if busy:
            self.message.setText(f"{label}…")

    def show_message(self, message: str) -> None:
        self.message.setText(message)


def _label_item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item
