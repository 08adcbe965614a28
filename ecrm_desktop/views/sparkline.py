"""A small line of a series drawn inside a table cell (a saved segment's size over time)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

SERIES_ROLE = Qt.ItemDataRole.UserRole + 2


class SparklineDelegate(QStyledItemDelegate):
    """Paints the list of numbers in `SERIES_ROLE` as a line scaled to the cell; one point is a flat line."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        series = index.data(SERIES_ROLE) or []
        if not series:
            return
        rect = option.rect.adjusted(6, 5, -6, -5)
        low, high = min(series), max(series)
        span = (high - low) or 1
        step = rect.width() / max(len(series) - 1, 1)
        points = [QPointF(rect.left() + i * step, rect.bottom() - (v - low) / span * rect.height())
                  for i, v in enumerate(series)]
        if len(points) == 1:
            points.append(QPointF(rect.right(), points[0].y()))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("white") if selected else QColor(38, 110, 200), 1.6))
        painter.drawPolyline(QPolygonF(points))
        painter.restore()
