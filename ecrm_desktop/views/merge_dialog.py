"""Finding the other record of the same person and confirming the merge."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.views.format import when

TYPING_PAUSE_MS = 250
COLUMNS = ("Name", "Email", "Orders", "Last order", "Accounts")


def _name(c: CustomerSummary) -> str:
    return " ".join(p for p in (c.first_name, c.last_name) if p) or c.email or f"Customer {c.id}"


class MergeDialog(QDialog):
    """Search as you type; choosing a customer and confirming calls `merge(customer_id)`."""

    def __init__(self, survivor_name: str, find: Callable[[str], None], merge: Callable[[int], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Merge another customer into {survivor_name}")
        self.resize(760, 420)
        self.survivor_name, self._find, self._merge = survivor_name, find, merge
        self.search = QLineEdit(placeholderText="Name, email, phone or order number of the other record…")
        self.results = QTreeWidget()
        self.results.setHeaderLabels(COLUMNS)
        self.results.setRootIsDecorated(False)
        for column, width in enumerate((190, 230, 60, 110)):
            self.results.setColumnWidth(column, width)
        explanation = QLabel(f"The chosen customer's store accounts, orders, emails, phones, addresses, notes, "
                             f"tickets and tags move to {survivor_name}. You can undo the merge from "
                             f"{survivor_name}'s page.")
        explanation.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton("Merge…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setEnabled(False)
        layout = QVBoxLayout(self)
        for widget in (explanation, self.search, self.results, self.buttons):
            layout.addWidget(widget)
        self._pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._pause.timeout.connect(lambda: self._find(self.search.text()))
        self.search.textChanged.connect(lambda _t: self._pause.start())
        self.results.itemSelectionChanged.connect(
            lambda: self.merge_button.setEnabled(bool(self.results.selectedItems())))
        self.results.itemActivated.connect(lambda _item, _col: self.accept())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def show_candidates(self, candidates: Sequence[CustomerSummary]) -> None:
        self.results.clear()
        for c in candidates:
            item = QTreeWidgetItem([_name(c), c.email or "", f"{c.orders_count:,}", when(c.last_order_at, False),
                                    ", ".join(f"{s.store} #{s.external_id}" for s in c.sources)])
            item.setData(0, Qt.ItemDataRole.UserRole, c.id)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.results.addTopLevelItem(item)

    def accept(self) -> None:
        """Confirm, then merge the selected customer."""
        items = self.results.selectedItems()
        if not items:
            return
        other_id, other_name = int(items[0].data(0, Qt.ItemDataRole.UserRole)), items[0].text(0)
        answer = QMessageBox.question(
            self, "Merge customers",
            f"Merge {other_name} (id {other_id}) into {self.survivor_name}? {other_name} will no longer be listed "
            "on their own; undo is available on this page.")
        if answer == QMessageBox.StandardButton.Yes:
            self._merge(other_id)
            super().accept()
