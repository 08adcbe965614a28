"""The 360° view of a customer: who they are on the left, what they did on the right."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.domain.enums import TagSource
from ecrm_desktop.domain.orders import OrderDetail
from ecrm_desktop.domain.profile import CustomerProfile
from ecrm_desktop.presenters.profile import ProfilePresenter
from ecrm_desktop.views.format import money, platform_name, status, when
from ecrm_desktop.views.merge_dialog import MergeDialog
from ecrm_desktop.views.tables import ID_ROLE, add_row, read_only_table, read_only_tree, text_model


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def shipment_text(order: OrderDetail) -> str:
    if not order.shipments:
        return "not shipped"
    s = order.shipments[-1]
    return " ".join(p for p in (status(s.status), s.carrier, s.tracking_number) if p)


ORDER_HEADERS = ("Order", "Date", "Status", "Total", "Shipment")
ORDER_WIDTHS = (200, 125, 185, 90)


class ProfileScreen(QWidget):
    """Implements `presenters.profile.ProfileView`."""

    def __init__(self) -> None:
        super().__init__()
        self.presenter: ProfilePresenter | None = None
        self.profile: CustomerProfile | None = None
        self.merge_refusal: str | None = None  # why the signed-in role may not merge, or None
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.subtitle = _label()
        self.contact, self.consent, self.addresses, self.store_tags = _label(), _label(), _label(), _label()
        self.tags = QLineEdit(placeholderText="ecrm tags, separated by commas")
        self.save_tags = QPushButton("Save tags")
        self.stats = QFormLayout()
        self.accounts = _label()
        self.merges = QVBoxLayout()
        self.merge_button = QPushButton("Merge another customer into this one…")
        self.merge_dialog: MergeDialog | None = None
        self.merged_banner = QLabel()
        self.merged_banner.setStyleSheet("background: #fff4ce; padding: 6px; border-radius: 3px;")
        self.merged_banner.hide()
        self.next_action = QLabel()
        self.next_action.setWordWrap(True)
        self.next_action.setStyleSheet("background: #e3eefc; padding: 6px; border-radius: 3px;")
        self.next_action.hide()
        self.predictions = _label()
        splitter = QSplitter()
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_tabs())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 820])
        # Data subject requests about this customer (wired to the privacy presenter where the user may make them).
        self.export_data_button = QPushButton("Export data…")
        self.erase_button = QPushButton("Erase…")
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.export_data_button)
        heading.addWidget(self.erase_button)
        for button in (self.export_data_button, self.erase_button):
            button.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.merged_banner)
        layout.addWidget(self.next_action)
        layout.addWidget(splitter, 1)

    def _build_left(self) -> QWidget:
        left = QWidget()
        form = QVBoxLayout(left)
        for title, body in (("Contact", self.contact), ("Email consent", self.consent),
                            ("Addresses", self.addresses)):
            form.addWidget(self._group(title, body))
        tag_box = QGroupBox("Tags")
        tag_layout = QVBoxLayout(tag_box)
        tag_layout.addWidget(self.store_tags)
        row = QHBoxLayout()
        row.addWidget(self.tags, 1)
        row.addWidget(self.save_tags)
        tag_layout.addLayout(row)
        form.addWidget(tag_box)
        accounts_box = QGroupBox("Store accounts and merges")
        accounts_layout = QVBoxLayout(accounts_box)
        accounts_layout.addWidget(self.accounts)
        accounts_layout.addLayout(self.merges)
        accounts_layout.addWidget(self.merge_button)
        form.addWidget(accounts_box)
        stats_box = QGroupBox("Lifetime")
        stats_box.setLayout(self.stats)
        form.addWidget(stats_box)
        form.addWidget(self._group("Predictions", self.predictions))
        form.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(340)
        return scroll

    def _build_tabs(self) -> QTabWidget:
        self.orders_model = text_model(ORDER_HEADERS)
        self.orders = read_only_tree(self.orders_model, ORDER_WIDTHS)
        self.notes_model = text_model(["Note"])
        self.notes = QListView()
        self.notes.setModel(self.notes_model)
        self.notes.setWordWrap(True)
        self.note_editor = QPlainTextEdit(placeholderText="Write a note about this customer…")
        self.note_editor.setMaximumHeight(110)
        self.add_note_button = QPushButton("Add note")
        self.save_note_button = QPushButton("Save changes to selected note")
        notes_page = QWidget()
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.addWidget(self.notes, 1)
        notes_layout.addWidget(self.note_editor)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_note_button)
        buttons.addWidget(self.save_note_button)
        buttons.addStretch(1)
        notes_layout.addLayout(buttons)
        self.returns_model = text_model(["Order", "Date", "Amount", "Items", "Reason"])
        self.checkouts_model = text_model(["Date", "Total", "Items", "Contents", "State"])
        self.tickets_model = text_model(["Ticket", "Subject", "Status", "Updated"])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.orders, "Orders")
        self.tabs.addTab(notes_page, "Notes")
        self.tabs.addTab(read_only_table(self.returns_model, [110, 130, 100, 60]), "Returns")
        self.tabs.addTab(read_only_table(self.checkouts_model, [130, 100, 60, 300]), "Abandoned checkouts")
        self.tabs.addTab(read_only_table(self.tickets_model, [70, 360, 90]), "Tickets")
        return self.tabs

    @staticmethod
    def _group(title: str, body: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        QVBoxLayout(box).addWidget(body)
        return box

    def attach(self, presenter: ProfilePresenter) -> None:
        self.presenter = presenter
        self.save_tags.clicked.connect(lambda: presenter.save_tags(self.tags.text().split(",")))
        self.tags.returnPressed.connect(self.save_tags.click)
        self.add_note_button.clicked.connect(self._add_note)
        self.save_note_button.clicked.connect(self._save_note)
        self.notes.selectionModel().currentChanged.connect(self._note_selected)
        self.orders.activated.connect(self._open_order)
        self.orders.expanded.connect(self._expand_order)
        self.merge_button.clicked.connect(self._open_merge_dialog)
        self.merged_banner.linkActivated.connect(lambda link: presenter.open_customer(int(link)))

    def restrict(self, edit_refusal: str | None, merge_refusal: str | None) -> None:
        """Disable what the signed-in role may not do, with the reason as tooltip (the service refuses it too)."""
        self.merge_refusal = merge_refusal
        for widget in (self.tags, self.save_tags, self.note_editor, self.add_note_button, self.save_note_button):
            widget.setEnabled(edit_refusal is None)
            widget.setToolTip(edit_refusal or widget.toolTip())
        self.merge_button.setEnabled(merge_refusal is None)
        self.merge_button.setToolTip(merge_refusal or "")

    # ProfileView
    def show_loading(self, customer_id: int) -> None:
        """Clear the previous customer at once, so nothing of theirs shows under the next one's name."""
        self.profile = None
        self.title.setText(f"Customer {customer_id}")
        self.subtitle.setText("Loading…")
        for label in (self.contact, self.consent, self.addresses, self.store_tags):
            label.clear()
        self.tags.clear()
        self.accounts.clear()
        self.predictions.clear()
        self.next_action.hide()
        self._clear_merges()
        self.merged_banner.hide()
        self._swap_orders_model(text_model(ORDER_HEADERS))
        for model in (self.notes_model, self.returns_model, self.checkouts_model, self.tickets_model):
            model.removeRows(0, model.rowCount())

    def show_profile(self, profile: CustomerProfile) -> None:
        self.profile = profile
        self.title.setText(profile.display_name)
        self.subtitle.setText(f"{profile.email or 'no email'} · customer since {when(profile.created_at, False)}"
                              f" · id {profile.id}" + (f" · Your role does not show {', '.join(profile.withheld)}"
                                                      if profile.withheld else ""))
        self.contact.setText("\n".join([*profile.emails, profile.phone or "no phone"]))
        since = f" since {when(profile.email_consent_at, False)}" if profile.email_consent_at else ""
        self.consent.setText(f"{status(profile.email_consent)}{since}"
                             + (f" (from {profile.email_consent_source})" if profile.email_consent_source else ""))
        self.addresses.setText("\n\n".join(
            ("Default: " if a.is_default else "") + ", ".join(a.lines) for a in profile.addresses) or "none")
        store = [t.name for t in profile.tags if t.source == TagSource.STORE]
        self.store_tags.setText("From the store: " + (", ".join(store) if store else "none"))
        self.tags.setText(", ".join(t.name for t in profile.tags if t.source == TagSource.ECRM))
        self._show_accounts(profile)
        self._show_stats(profile)
        self._show_predictions(profile)
        self._show_orders(profile)
        self._show_notes(profile)
        self._show_support(profile)

    def show_merge_candidates(self, candidates: Sequence[CustomerSummary]) -> None:
        if self.merge_dialog is not None:
            self.merge_dialog.show_candidates(candidates)

    def _show_accounts(self, p: CustomerProfile) -> None:
        self.accounts.setText("\n".join(f"{s.store} ({platform_name(s.platform)}) #{s.external_id}" for s in p.sources)
                              or "Known to no store (created in ecrm or imported)")
        self._clear_merges()
        for m in p.merges:
            row = QHBoxLayout()
            row.addWidget(_label(f"Merged in: {m.name} (id {m.customer_id}), {when(m.merged_at)}"
                                 + (f" by {m.by}" if m.by else "")), 1)
            undo = QPushButton("Undo merge")
            undo.setEnabled(self.merge_refusal is None)
            undo.setToolTip(self.merge_refusal or "")
            undo.clicked.connect(lambda _checked=False, merge_id=m.id: self._undo_merge(merge_id))
            row.addWidget(undo)
            self.merges.addLayout(row)
        merged = p.merged_into_id is not None
        self.merge_button.setEnabled(not merged and self.merge_refusal is None)
        self.merged_banner.setVisible(merged)
        if merged:
            self.merged_banner.setText(f"This record was merged into <a href='{p.merged_into_id}'>customer "
                                       f"{p.merged_into_id}</a>; its orders and accounts are there now.")

    def _clear_merges(self) -> None:
        while self.merges.count():
            row = self.merges.takeAt(0)
            layout = row.layout() if row is not None else None
            while layout is not None and layout.count():
                child = layout.takeAt(0)
                widget = child.widget() if child is not None else None
                if widget is not None:
                    widget.deleteLater()

    def _open_merge_dialog(self) -> None:
        presenter, profile = self.presenter, self.profile
        if presenter is None or profile is None:
            return
        self.merge_dialog = MergeDialog(profile.display_name, presenter.find_merge_candidates, presenter.merge_with,
                                        self)
        self.merge_dialog.finished.connect(lambda _r: setattr(self, "merge_dialog", None))
        self.merge_dialog.open()

    def _undo_merge(self, merge_id: int) -> None:
        if self.presenter is not None:
            self.presenter.undo_merge(merge_id)

    def _show_predictions(self, p: CustomerProfile) -> None:
        action = p.next_action
        self.next_action.setVisible(action is not None)
        if action is not None:
            self.next_action.setText(f"<b>Next best action — {action.text}</b><br>Why: {action.reason}.")
        f = p.prediction
        if f is None:
            self.predictions.setText("No predictions yet: they appear after the first sync with enough order "
                                     "history (200 repeat customers, 90 days).")
            return
        lines = [f.explanation[:1].upper() + f.explanation[1:] + ".",
                 f"Predicted value, next 12 months: {money(f.predicted_clv_cents, p.stats.currency)} "
                 f"(spend tier {f.spend_tier.lower()})",
                 f"Churn risk: {f.churn_risk.lower()} (chance still buying {f.still_buying})",
                 f"Expected orders: {f.expected_orders_90d:.1f} in 90 days, {f.expected_orders_365d:.1f} in a year"]
        if f.expected_next_order_date is not None:
            lines.append(f"Next order expected around {f.expected_next_order_date.isoformat()}")
        if p.recommendations:
            lines.append("Recommended: " + ", ".join(p.recommendations))
        if p.predicted_at is not None:
            lines.append(f"Scored {when(p.predicted_at)}")
        self.predictions.setText("\n".join(lines))

    def _show_stats(self, p: CustomerProfile) -> None:
        while self.stats.rowCount():
            self.stats.removeRow(0)
        s = p.stats
        for label, value in (("Orders", f"{s.orders_count:,}"),
                             ("Amount spent", money(s.total_spent_cents, s.currency)),
                             ("Average order", money(s.aov_cents, s.currency)),
                             ("Refunded", money(s.refunded_cents, s.currency)), ("Items bought", f"{s.items_count:,}"),
                             ("Return rate", f"{s.return_rate:.0%}"), ("First order", when(s.first_order_at)),
                             ("Last order", when(s.last_order_at))):
            self.stats.addRow(label, QLabel(value))

    def _show_orders(self, p: CustomerProfile) -> None:
        # Filled while detached from the view, then swapped in: one reset instead of thousands of inserts.
        self.orders_model = text_model(ORDER_HEADERS)
        for o in p.orders:
            r = o.row
            state = "Cancelled" if r.cancelled else f"{status(r.financial_status)}, {status(r.fulfillment_status)}"
            item = add_row(self.orders_model, [f"{r.number}  ({o.store})", when(r.created_at), state,
                                               money(r.total_cents, r.currency), shipment_text(o)], r.id, (3,))
            if o.lines or o.shipments:  # lines and shipments are added when the order is expanded
                add_row(item, ["…"], r.id)
        self._swap_orders_model(self.orders_model)
        self.tabs.setTabText(0, f"Orders ({len(p.orders)})")

    def _swap_orders_model(self, model: QStandardItemModel) -> None:
        self.orders_model = model
        old = self.orders.model()
        self.orders.setModel(model)
        old.deleteLater()
        for i, width in enumerate(ORDER_WIDTHS):
            self.orders.setColumnWidth(i, width)

    def _expand_order(self, index: QModelIndex) -> None:
        item = self.orders_model.itemFromIndex(index)
        if self.profile is None or item is None or item.child(0, 1) is not None:  # already filled
            return
        o = next(o for o in self.profile.orders if o.row.id == index.data(ID_ROLE))
        item.removeRows(0, item.rowCount())
        for line in o.lines:
            add_row(item, [f"{line.quantity} × {line.title}", line.sku or "", "",
                           money(line.total_cents, o.row.currency), ""], o.row.id, (3,))
        for s in o.shipments:
            add_row(item, [f"Shipment: {status(s.status)}", when(s.shipped_at), s.carrier or "",
                           "", s.tracking_number or ""], o.row.id)

    def _show_notes(self, p: CustomerProfile) -> None:
        self.notes_model.removeRows(0, self.notes_model.rowCount())
        for n in p.notes:
            header = f"{when(n.created_at)} · {n.author or 'unknown'}" + (" · sensitive" if n.sensitive else "")
            add_row(self.notes_model, [f"{header}\n{n.body}"], n.id)
        self.note_editor.clear()
        self.tabs.setTabText(1, f"Notes ({len(p.notes)})")

    def _show_support(self, p: CustomerProfile) -> None:
        for model in (self.returns_model, self.checkouts_model, self.tickets_model):
            model.removeRows(0, model.rowCount())
        returns = [(o, r) for o in p.orders for r in o.refunds]
        for o, r in returns:
            add_row(self.returns_model, [o.row.number, when(r.created_at), money(r.amount_cents, o.row.currency),
                                         str(r.items), r.reason or r.note or ""], o.row.id, (2, 3))
        for c in p.checkouts:
            add_row(self.checkouts_model, [when(c.created_at), money(c.total_cents, c.currency), str(c.items_count),
                                           c.summary or "", "recovered" if c.completed else "abandoned"], None, (1, 2))
        for t in p.tickets:
            add_row(self.tickets_model, [f"#{t.id}", t.subject, status(t.status), when(t.updated_at)], t.id)
        self.tabs.setTabText(2, f"Returns ({len(returns)})")
        self.tabs.setTabText(3, f"Abandoned checkouts ({len(p.checkouts)})")
        self.tabs.setTabText(4, f"Tickets ({len(p.tickets)})")

    def _note_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.profile is not None and current.isValid():
            note = self.profile.notes[current.row()]
            self.note_editor.setPlainText(note.body)

    def _add_note(self) -> None:
        if self.presenter is not None:
            self.presenter.add_note(self.note_editor.toPlainText())

    def _save_note(self) -> None:
        index = self.notes.currentIndex()
        if self.presenter is not None and index.isValid():
            self.presenter.edit_note(int(index.data(ID_ROLE)), self.note_editor.toPlainText())

    def _open_order(self, index: QModelIndex) -> None:
        order_id = index.siblingAtColumn(0).data(ID_ROLE)
        if self.presenter is not None and order_id is not None:
            self.presenter.open_order(int(order_id))
