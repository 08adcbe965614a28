"""Tables of the views: small item models for read-only detail screens (rows of text, optionally with child rows,
and an id), and the view of the long paged lists."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTreeView

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def text_model(headers: Sequence[str]) -> QStandardItemModel:
    model = QStandardItemModel(0, len(headers))
    model.setHorizontalHeaderLabels(list(headers))
    return model


def add_row(parent: QStandardItemModel | QStandardItem, cells: Sequence[str], item_id: int | None = None,
            numeric: Sequence[int] = ()) -> QStandardItem:
    """Append a row of cells (the views never edit them); `item_id` rides on the first cell; returns it."""
    items = []
    for i, text in enumerate(cells):
        item = QStandardItem(text)
        if i in numeric:
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        items.append(item)
    if item_id is not None:
        items[0].setData(item_id, ID_ROLE)
    parent.appendRow(items)
    return items[0]


def read_only_table(model: QStandardItemModel, widths: Sequence[int] = ()) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for i, w in enumerate(widths):
        view.setColumnWidth(i, w)
    return view


def list_table() -> QTableView:
    """The view of a long paged list (customers, orders): whole rows, one at a time, of one fixed height (so
    that scrolling never measures rows), unwrapped, the last column taking the spare width."""
    view = QTableView()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def read_only_tree(model: QStandardItemModel, widths: Sequence[int] = ()) -> QTreeView:
    view = QTreeView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setUniformRowHeights(True)
    for i, w in enumerate(widths):
        view.setColumnWidth(i, w)
    return view
