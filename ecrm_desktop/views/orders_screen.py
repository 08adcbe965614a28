"""The orders screen: filters (status, date range, number) over the paged table of every order."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from PySide6.QtCore import QDate, QModelIndex
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.enums import FinancialStatus
from ecrm_desktop.domain.orders import OrderRow
from ecrm_desktop.presenters.orders import OrdersPresenter
from ecrm_desktop.views.format import money, status, when
from ecrm_desktop.views.paged_model import Column, PagedTableModel
from ecrm_desktop.views.tables import list_table

COLUMNS: list[Column[OrderRow]] = [
    Column("number", "Order", lambda r: r.number),
    Column("created", "Date", lambda r: when(r.created_at)),
    Column("customer", "Customer", lambda r: r.customer_name),
    Column("payment", "Payment", lambda r: "Cancelled" if r.cancelled else status(r.financial_status)),
    Column("fulfilment", "Fulfilment", lambda r: status(r.fulfillment_status)),
    Column("total", "Total", lambda r: money(r.total_cents, r.currency), numeric=True),
    Column("refunded", "Refunded", lambda r: money(r.refunded_cents, r.currency) if r.refunded_cents else "",
           numeric=True),
]
WIDTHS = (110, 140, 220, 150, 160, 110, 100)


def _day_start(date: QDate) -> datetime:
    """Midnight of `date` in the computer's time zone, as UTC."""
    local = datetime.combine(date.toPython(), time()).astimezone()  # type: ignore[arg-type]
    return local.astimezone(UTC)


class OrdersScreen(QWidget):
    """Implements `presenters.orders.OrdersView`."""

    def __init__(self) -> None:
        super().__init__()
        self.presenter: OrdersPresenter | None = None
        self.number = QLineEdit(placeholderText="Order number  (Ctrl+F)")
        self.number.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("Any status", None)
        for s in FinancialStatus:
            self.status.addItem(status(s), s)
        today = QDate.currentDate()
        self.use_dates = QCheckBox("From")
        self.date_from, self.date_to = QDateEdit(today.addMonths(-1)), QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            self.use_dates.toggled.connect(edit.setEnabled)
        self.count = QLabel()
        self.table = list_table()
        top = QHBoxLayout()
        top.addWidget(self.number, 1)
        top.addWidget(self.status)
        top.addWidget(self.use_dates)
        top.addWidget(self.date_from)
        top.addWidget(QLabel("to"))
        top.addWidget(self.date_to)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.model: PagedTableModel[OrderRow] | None = None

    def attach(self, presenter: OrdersPresenter) -> None:
        self.presenter = presenter
        self.model = PagedTableModel(presenter.rows, COLUMNS)
        self.table.setModel(self.model)
        for i, w in enumerate(WIDTHS):
            self.table.setColumnWidth(i, w)
        self.number.textChanged.connect(self._filter)
        self.status.currentIndexChanged.connect(self._filter)
        self.use_dates.toggled.connect(self._filter)
        self.date_from.dateChanged.connect(self._filter)
        self.date_to.dateChanged.connect(self._filter)
        self.table.activated.connect(self._open)
        self.number.returnPressed.connect(self._open_current)  # type, then Enter opens the top match
        presenter.start()

    def focus_search(self) -> None:
        self.number.setFocus()
        self.number.selectAll()

    # OrdersView
    def show_count(self, total: int, filtered: bool) -> None:
        self.count.setText(f"{total:,} {'order' if total == 1 else 'orders'}{' found' if filtered else ''}")
        if total and not self.table.currentIndex().isValid() and self.model is not None:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _filter(self) -> None:
        if self.presenter is None:
            return
        dates = self.use_dates.isChecked()
        self.presenter.filter(
            self.status.currentData(),
            _day_start(self.date_from.date()) if dates else None,
            _day_start(self.date_to.date()) + timedelta(days=1) if dates else None,
            self.number.text())

    def _open_current(self) -> None:
        index = self.table.currentIndex()
        self._open(index if index.isValid() else self.table.model().index(0, 0))

    def _open(self, index: QModelIndex) -> None:
        if self.presenter is not None:
            self.presenter.open(index.row())
