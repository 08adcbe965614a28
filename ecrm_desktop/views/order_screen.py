"""One order: totals, its customer, lines, shipments with tracking, refunds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ecrm_desktop.domain.orders import OrderDetail
from ecrm_desktop.presenters.orders import OrderPresenter
from ecrm_desktop.views.format import money, status, when
from ecrm_desktop.views.tables import add_row, read_only_table, text_model


class OrderScreen(QWidget):
    """Implements `presenters.orders.OrderView`."""

    def __init__(self) -> None:
        super().__init__()
        self.presenter: OrderPresenter | None = None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.subtitle = QLabel()
        self.customer = QPushButton("Open customer")
        self.customer.setShortcut("Ctrl+U")
        self.customer.setToolTip("Open this order's customer (Ctrl+U)")
        self.summary = QGridLayout()
        summary_box = QGroupBox("Summary")
        summary_box.setLayout(self.summary)
        self.lines_model = text_model(["Item", "SKU", "Quantity", "Unit price", "Total"])
        self.shipments_model = text_model(["Status", "Carrier", "Tracking number", "Shipped", "Delivered",
                                           "Tracking link"])
        self.refunds_model = text_model(["Date", "Amount", "Items", "Reason", "Note"])
        self.lines = read_only_table(self.lines_model, [340, 120, 80, 100, 100])
        self.lines.setTabKeyNavigation(False)
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        header.addWidget(self.customer, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(summary_box)
        for title, view, stretch in (
                ("Items", self.lines, 3),
                ("Shipments", read_only_table(self.shipments_model, [140, 90, 170, 130, 130]), 1),
                ("Refunds", read_only_table(self.refunds_model, [130, 100, 60, 160]), 1)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(view)
            layout.addWidget(box, stretch)

    def attach(self, presenter: OrderPresenter) -> None:
        self.presenter = presenter
        self.customer.clicked.connect(presenter.open_customer)

    # OrderView
    def show_loading(self, order_id: int) -> None:
        self.title.setText(f"Order {order_id}")
        self.subtitle.setText("Loading…")

    def show_order(self, order: OrderDetail) -> None:
        r = order.row
        self.title.setText(f"Order {r.number}")
        state = "Cancelled" + (f" ({order.cancel_reason})" if order.cancel_reason else "") if r.cancelled else \
            f"{status(r.financial_status)} · {status(r.fulfillment_status)}"
        self.subtitle.setText(f"{when(r.created_at)} · {order.store} · {state}")
        self.customer.setText(f"Customer: {r.customer_name}")
        self.customer.setEnabled(r.customer_id is not None)
        while self.summary.count():
            item = self.summary.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        cur = r.currency
        cells = [("Subtotal", money(order.subtotal_cents, cur)), ("Discount", money(-order.discount_cents, cur)),
                 ("Shipping", money(order.shipping_cents, cur)), ("Tax", money(order.tax_cents, cur)),
                 ("Total", money(r.total_cents, cur)), ("Refunded", money(r.refunded_cents, cur)),
                 ("Email", order.email or "—"), ("Channel", order.sales_channel or "—"),
                 ("Ship to", ", ".join(p for p in (order.shipping_city, order.shipping_country) if p) or "—"),
                 ("Discount codes", ", ".join(order.discount_codes) or "—"), ("Payment", _payment(order))]
        for i, (label, value) in enumerate(cells):
            name = QLabel(label)
            name.setStyleSheet("color: #555;")
            self.summary.addWidget(name, (i // 5) * 2, i % 5)
            self.summary.addWidget(QLabel(value), (i // 5) * 2 + 1, i % 5)
        for model in (self.lines_model, self.shipments_model, self.refunds_model):
            model.removeRows(0, model.rowCount())
        for line in order.lines:
            add_row(self.lines_model, [line.title, line.sku or "", str(line.quantity),
                                       money(line.unit_price_cents, cur), money(line.total_cents, cur)],
                    numeric=(2, 3, 4))
        for s in order.shipments:
            add_row(self.shipments_model, [status(s.status), s.carrier or "", s.tracking_number or "",
                                           when(s.shipped_at), when(s.delivered_at), s.tracking_url or ""])
        for f in order.refunds:
            add_row(self.refunds_model, [when(f.created_at), money(f.amount_cents, cur), str(f.items),
                                         f.reason or "", f.note or ""], numeric=(1, 2))


def _payment(order: OrderDetail) -> str:
    """Gateway and card, or why they are not shown (payment details are hidden from some roles)."""
    if order.payment_hidden:
        return "Hidden for your role"
    p = order.payment
    if p is None:
        return "—"
    card = " ".join(x for x in (p.card_brand, f"•••• {p.card_last4}" if p.card_last4 else None) if x)
    return " via ".join(x for x in (card, p.gateway) if x) or "—"
