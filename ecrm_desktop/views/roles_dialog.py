"""Settings → Roles: what each role may do, as a grid of check boxes (administrators always hold everything)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.permissions import DEFAULT_GRANTS, DESCRIPTIONS, ROLE_TITLES, Operation

Grants = dict[Role, frozenset[Operation]]
ROLES = list(Role)


class RolesDialog(QDialog):
    def __init__(self, parent: QWidget | None, save: Callable[[Grants], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Roles")
        intro = QLabel("What each role may do. Changes apply when a user next signs in, and are written to the "
                       "audit trail. Administrators always may do everything.")
        intro.setWordWrap(True)
        self.model = QStandardItemModel(len(Operation), len(ROLES))
        self.model.setHorizontalHeaderLabels([ROLE_TITLES[r] for r in ROLES])
        self.model.setVerticalHeaderLabels([DESCRIPTIONS[o].capitalize() for o in Operation])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setMinimumSize(720, 600)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.button(QDialogButtonBox.StandardButton.Save).clicked.connect(lambda: save(self.grants()))
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.show_grants(dict(DEFAULT_GRANTS)))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.show_grants(dict(DEFAULT_GRANTS))

    def show_grants(self, grants: Grants) -> None:
        for row, op in enumerate(Operation):
            for col, role in enumerate(ROLES):
                item = QStandardItem()
                item.setCheckable(True)
                item.setCheckState(Qt.CheckState.Checked if op in grants[role] else Qt.CheckState.Unchecked)
                item.setEditable(False)
                if role is Role.ADMINISTRATOR:
                    item.setEnabled(False)
                self.model.setItem(row, col, item)

    def grants(self) -> Grants:
        return {role: frozenset(op for row, op in enumerate(Operation)
                                if (item := self.model.item(row, col)) is not None
                                and item.checkState() == Qt.CheckState.Checked)
                for col, role in enumerate(ROLES)}
