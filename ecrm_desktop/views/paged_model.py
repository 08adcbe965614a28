"""A thin Qt adapter over `presenters.paging.PagedRows`: rows come from the window, misses paint as "…"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ecrm_desktop.presenters.paging import PagedRows

T = TypeVar("T")
PLACEHOLDER = "…"
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[T]):
    key: str
    title: str
    text: Callable[[T], str]
    numeric: bool = False
    sortable: bool = False


class PagedTableModel(QAbstractTableModel, Generic[T]):
    def __init__(self, rows: PagedRows[Any, T], columns: Sequence[Column[T]],
                 sort: Callable[[str, bool], None] = lambda _k, _d: None) -> None:
        super().__init__()
        self.rows, self.columns, self._sort = rows, list(columns), sort
        rows.sinks.append(self)
        self._muted = QColor(140, 140, 140)

    # RowsSink
    def rows_reset(self, total: int) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rows_arrived(self, first: int, last: int) -> None:
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

    # QAbstractTableModel
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.rows.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role not in {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole}:
            return None
        row = self.rows.row(index.row())
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._muted if row is None else None
        return PLACEHOLDER if row is None else column.text(row)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort(self.columns[column].key, order == Qt.SortOrder.DescendingOrder)
