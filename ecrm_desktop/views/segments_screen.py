"""The segments screen: saved segments with a sparkline of their size, the R x F grid, and the editor (query
text and rule builder), live count, members' preview, save, duplicate, delete and CSV export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.directory import CustomerRow
from ecrm_desktop.domain.segments.rules import RuleSet
from ecrm_desktop.presenters.segments import SegmentLine, SegmentsPresenter
from ecrm_desktop.views.customers_screen import COLUMNS, HIDDEN_AT_FIRST, WIDTHS
from ecrm_desktop.views.paged_model import PagedTableModel
from ecrm_desktop.views.rule_builder import RuleBuilder
from ecrm_desktop.views.sparkline import SERIES_ROLE, SparklineDelegate

SCORES = (1, 2, 3, 4, 5)


class SegmentsScreen(QWidget):
    """Implements `presenters.segments.SegmentsView`."""

    def __init__(self) -> None:
        super().__init__()
        self.presenter: SegmentsPresenter | None = None
        self.lines: list[SegmentLine] = []
        self.model: PagedTableModel[CustomerRow] | None = None
        splitter = QSplitter()
        splitter.addWidget(self._list_and_grid())
        splitter.addWidget(self._editor())
        splitter.setSizes([330, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _list_and_grid(self) -> QWidget:
        self.list = QTableWidget(0, 3)
        self.list.setHorizontalHeaderLabels(["Segment", "Members", "Over time"])
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().hide()
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.setColumnWidth(1, 80)
        self.list.setColumnWidth(2, 110)
        self.list.setItemDelegateForColumn(2, SparklineDelegate(self.list))
        self.new_button = QPushButton("New segment")
        self.grid = QTableWidget(5, 5)
        self.grid.setHorizontalHeaderLabels([f"F{f}" for f in SCORES])
        self.grid.setVerticalHeaderLabels([f"R{r}" for r in reversed(SCORES)])
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.setToolTip("Customers by recency (R, 5 = most recent) and frequency (F, 5 = most orders); "
                             "click a cell to list them")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.list, 3)
        left_layout.addWidget(QLabel("Recency × frequency"))
        left_layout.addWidget(self.grid, 2)
        return left

    def _editor(self) -> QWidget:
        self.name = QLineEdit(placeholderText="Name")
        self.description = QLineEdit(placeholderText="Description")
        self.query = QPlainTextEdit()
        self.query.setPlaceholderText("amount_spent > 500 AND last_order_date < -90d")
        self.query.setFont(QFont("monospace"))
        self.query.setFixedHeight(64)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        self.builder = RuleBuilder()
        self.count = QLabel()
        self.count.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.save_button = QPushButton("Save")
        self.duplicate_button = QPushButton("Duplicate")
        self.delete_button = QPushButton("Delete")
        self.export_button = QPushButton("Export CSV…")
        self.notice = QLabel()
        self.members_title = QLabel("Members")
        self.members_title.setStyleSheet("font-weight: 600;")
        self.members = QTableView()
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.setAlternatingRowColors(True)
        self.members.verticalHeader().hide()
        self.members.horizontalHeader().setStretchLastSection(True)

        names = QHBoxLayout()
        names.addWidget(self.name, 1)
        names.addWidget(self.description, 2)
        actions = QHBoxLayout()
        actions.addWidget(self.count)
        actions.addStretch(1)
        actions.addWidget(self.notice)
        for button in (self.save_button, self.duplicate_button, self.delete_button, self.export_button):
            actions.addWidget(button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addLayout(names)
        right_layout.addWidget(self.query)
        right_layout.addWidget(self.problem)
        right_layout.addWidget(self.builder)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.members_title)
        right_layout.addWidget(self.members, 1)
        return right

    def attach(self, presenter: SegmentsPresenter) -> None:
        self.presenter = presenter
        self.model = PagedTableModel(presenter.members, COLUMNS)
        self.members.setModel(self.model)
        for i, column in enumerate(COLUMNS):
            self.members.setColumnWidth(i, WIDTHS.get(column.key, 110))  # type: ignore[call-overload]
            self.members.setColumnHidden(i, column.key in HIDDEN_AT_FIRST)
        self.query.textChanged.connect(lambda: presenter.edit_text(self.query.toPlainText()))
        self.builder.changed.connect(presenter.edit_rules)
        self.list.cellClicked.connect(lambda row, _c: presenter.select(self.lines[row].segment))
        self.new_button.clicked.connect(presenter.new)
        self.save_button.clicked.connect(lambda: presenter.save(self.name.text(), self.description.text()))
        self.duplicate_button.clicked.connect(lambda: presenter.duplicate(self.name.text(),
                                                                          self.description.text()))
        self.delete_button.clicked.connect(presenter.delete)
        self.export_button.clicked.connect(self._export)
        self.grid.cellClicked.connect(lambda row, column: presenter.open_cell(SCORES[-1 - row], SCORES[column]))
        self.members.activated.connect(lambda index: presenter.open_member(index.row()))
        presenter.start()
        presenter.new()

    def focus_search(self) -> None:
        self.query.setFocus()

    # SegmentsView
    def show_segments(self, lines: list[SegmentLine], current: str | None) -> None:
        self.lines = lines
        self.list.setRowCount(len(lines))
        for row, line in enumerate(lines):
            name = QTableWidgetItem(line.segment.name)
            name.setToolTip(line.segment.description or line.segment.query)
            members = QTableWidgetItem("—" if line.segment.members is None else f"{line.segment.members:,}")
            members.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            trend = QTableWidgetItem()
            trend.setData(SERIES_ROLE, list(line.series))
            for column, item in enumerate((name, members, trend)):
                self.list.setItem(row, column, item)
            if line.segment.name == current:
                self.list.selectRow(row)

    def show_editor(self, name: str, description: str, query: str) -> None:
        self.name.setText(name)
        self.description.setText(description)
        self.delete_button.setEnabled(bool(name))
        self.duplicate_button.setEnabled(bool(name))
        self.show_query(query)

    def show_query(self, text: str) -> None:
        if text != self.query.toPlainText():
            self.query.blockSignals(True)
            self.query.setPlainText(text)
            self.query.blockSignals(False)

    def show_rules(self, rules: RuleSet | None) -> None:
        self.builder.setEnabled(rules is not None)  # the rows of the last valid text until the text is fixed
        if rules is not None:
            self.builder.set_rules(rules)

    def show_problem(self, message: str | None) -> None:
        self.problem.setText(message or "")
        self.problem.setVisible(bool(message))
        self.members.setEnabled(message is None)  # it lists the last valid query's members until this is fixed
        self.save_button.setEnabled(message is None and bool(self.query.toPlainText().strip()))
        self.export_button.setEnabled(self.save_button.isEnabled())

    def show_count(self, text: str) -> None:
        self.count.setText(text)

    def show_members_title(self, text: str) -> None:
        self.members_title.setText(text)

    def show_grid(self, grid: dict[tuple[int, int], int]) -> None:
        most = max(grid.values(), default=0) or 1
        for row, r in enumerate(reversed(SCORES)):
            for column, f in enumerate(SCORES):
                n = grid.get((r, f), 0)
                item = QTableWidgetItem(f"{n:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setBackground(QColor.fromHsvF(0.58, 0.08 + 0.6 * n / most, 1.0 - 0.25 * n / most))
                item.setToolTip(f"R{r} F{f}: {n:,} customers")
                self.grid.setItem(row, column, item)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export members", f"{self.name.text() or 'segment'}.csv",
                                              "CSV files (*.csv)")
        if path and self.presenter is not None:
            self.presenter.export(Path(path))

    def cell_index(self, recency: int, frequency: int) -> QModelIndex:
        """The grid's cell for these scores (tests click it)."""
        return self.grid.model().index(SCORES[-1] - recency, frequency - 1)
