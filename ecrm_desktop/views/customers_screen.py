"""The customers screen: search box, column chooser and the paged table over every customer."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.directory import CustomerColumn, CustomerRow
from ecrm_desktop.presenters.customers import CustomersPresenter
from ecrm_desktop.views.format import money, when
from ecrm_desktop.views.paged_model import Column, PagedTableModel
from ecrm_desktop.views.tables import list_table

C = CustomerColumn
COLUMNS: list[Column[CustomerRow]] = [
    Column(C.NAME, "Name", lambda r: r.display_name),
    Column(C.EMAIL, "Email", lambda r: r.email or ""),
    Column(C.PHONE, "Phone", lambda r: r.phone or ""),
    Column(C.COUNTRY, "Country", lambda r: r.country or ""),
    Column(C.CITY, "City", lambda r: r.city or ""),
    Column(C.ORDERS, "Orders", lambda r: f"{r.orders_count:,}", numeric=True),
    Column(C.SPENT, "Amount spent", lambda r: money(r.total_spent_cents, r.currency), numeric=True),
    Column(C.AOV, "Average order", lambda r: money(r.aov_cents, r.currency), numeric=True),
    Column(C.FIRST_ORDER, "First order", lambda r: when(r.first_order_at, False)),
    Column(C.LAST_ORDER, "Last order", lambda r: when(r.last_order_at, False)),
    Column(C.CREATED, "Customer since", lambda r: when(r.created_at, False)),
]
ALL_CUSTOMERS = "All customers"
HIDDEN_AT_FIRST = {C.PHONE, C.AOV, C.FIRST_ORDER, C.CREATED}
WIDTHS = {C.NAME: 200, C.EMAIL: 260, C.COUNTRY: 70, C.CITY: 140, C.ORDERS: 70, C.SPENT: 120, C.PHONE: 150}


class CustomersScreen(QWidget):
    """Implements `presenters.customers.CustomersView`."""

    def __init__(self) -> None:
        super().__init__()
        self.presenter: CustomersPresenter | None = None
        self.search = QLineEdit(placeholderText="Search names, emails, phones, tags, notes, order numbers  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.segment = QComboBox()
        self.segment.addItem(ALL_CUSTOMERS, None)
        self.segment.setToolTip("Show only the members of a saved segment")
        self.segment.setMinimumWidth(180)
        self.columns_button = QToolButton()
        self.columns_button.setText("Columns")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_menu = QMenu(self)
        self.columns_button.setMenu(self.columns_menu)
        self.table = list_table()
        self.table.horizontalHeader().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.horizontalHeader().customContextMenuRequested.connect(self._header_menu)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.segment)
        top.addWidget(self.count)
        top.addWidget(self.columns_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.model: PagedTableModel[CustomerRow] | None = None

    def attach(self, presenter: CustomersPresenter) -> None:
        self.presenter = presenter
        self.model = PagedTableModel(presenter.rows, COLUMNS, lambda k, d: presenter.sort(CustomerColumn(k), d))
        self.table.setModel(self.model)
        for i, column in enumerate(COLUMNS):
            self.table.setColumnWidth(i, WIDTHS.get(CustomerColumn(column.key), 110))
            self.table.setColumnHidden(i, column.key in HIDDEN_AT_FIRST)
            action = QAction(column.title, self, checkable=True, checked=column.key not in HIDDEN_AT_FIRST)
            action.toggled.connect(lambda on, i=i: self.table.setColumnHidden(i, not on))
            self.columns_menu.addAction(action)
        self.search.textChanged.connect(presenter.search)
        self.segment.currentIndexChanged.connect(lambda _i: presenter.filter_segment(self.segment.currentData()))
        self.table.activated.connect(self._open)
        self.search.returnPressed.connect(self._open_current)  # type, then Enter opens the top match
        presenter.start()
        self.table.setSortingEnabled(True)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # CustomersView
    def show_count(self, total: int, searching: bool) -> None:
        noun = "customer" if total == 1 else "customers"
        self.count.setText(f"{total:,} {noun} found" if searching else f"{total:,} {noun}")
        if total and not self.table.currentIndex().isValid() and self.model is not None:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def show_sort(self, column: CustomerColumn, descending: bool) -> None:
        section = next(i for i, c in enumerate(COLUMNS) if c.key == column)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(section, order)

    def show_segments(self, names: list[str]) -> None:
        chosen = self.segment.currentData()
        self.segment.blockSignals(True)
        self.segment.clear()
        self.segment.addItem(ALL_CUSTOMERS, None)
        for name in names:
            self.segment.addItem(name, name)
        self.segment.setCurrentIndex(max(self.segment.findData(chosen), 0))
        self.segment.blockSignals(False)
        if self.segment.currentData() != chosen and self.presenter is not None:
            self.presenter.filter_segment(None)

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        self._open(index if index.isValid() else self.table.model().index(0, 0))

    def _open(self, index: QModelIndex) -> None:
        if self.presenter is not None:
            self.presenter.open(index.row())

    def _header_menu(self, pos: QPoint) -> None:
        self.columns_menu.popup(self.table.horizontalHeader().mapToGlobal(pos))
