"""The dashboard's charts, drawn with pyqtgraph (imported when the dashboard first opens: it costs a second).

Each chart takes its colours from the widget's palette when given data, so it reads in light and dark themes,
shows the exact value under the mouse as a tooltip, and renders to an image for PNG export and the PDF report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QImage, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QToolTip, QWidget

BLUE, ORANGE, GREEN, RED = QColor("#3b82f6"), QColor("#f59e0b"), QColor("#10b981"), QColor("#ef4444")
MAX_TICKS = 12
NUMBER_AXIS_WIDTH = 64  # room for "10000000" in the tick font; set, as a first drawing offscreen would clip


@dataclass(frozen=True)
class Colours:
    text: QColor
    background: QColor
    grid: QColor

    @classmethod
    def of(cls, widget: QWidget) -> Colours:
        p = widget.palette()
        text, background = p.color(QPalette.ColorRole.WindowText), p.color(QPalette.ColorRole.Base)
        grid = QColor(text)
        grid.setAlpha(40)
        return cls(text, background, grid)


def sparse_ticks(labels: Sequence[str]) -> list[tuple[float, str]]:
    """At most MAX_TICKS evenly spaced labels, so long axes stay readable."""
    step = max(1, -(-len(labels) // MAX_TICKS))
    return [(float(i), label) for i, label in enumerate(labels) if i % step == 0]


class Chart(pg.PlotWidget):  # type: ignore[misc]
    """A plot with a title, palette colours, and a tooltip for the point under the mouse (`describe`)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setMinimumHeight(220)
        self.setMenuEnabled(False)
        self.plotItem.hideButtons()
        self.plotItem.setMouseEnabled(x=False, y=False)
        self.scene().sigMouseMoved.connect(self._hover)

    def prepare(self) -> Colours:
        """Clear the chart and colour it after the current palette."""
        colours = Colours.of(self)
        self.plotItem.clear()
        self.setBackground(colours.background)
        self.plotItem.setTitle(self.title, color=colours.text, size="11pt")
        for name in ("left", "bottom", "right"):
            axis = self.plotItem.getAxis(name)
            axis.setPen(colours.grid)
            axis.setTextPen(colours.text)
            axis.setTickFont(self.tick_font())
            axis.enableAutoSIPrefix(False)
            if name != "bottom":
                axis.setWidth(NUMBER_AXIS_WIDTH)
        self.plotItem.showGrid(x=False, y=True, alpha=0.25)
        return colours

    def describe(self, x: float, y: float) -> str | None:
        """The tooltip for the point (x, y) in data coordinates, or None."""
        return None

    @staticmethod
    def tick_font() -> QFont:
        font = QFont()
        font.setPointSize(8)
        return font

    def label_rows(self, ticks: list[tuple[float, str]]) -> None:
        """Name the rows on the left axis, wide enough for the longest name."""
        axis = self.plotItem.getAxis("left")
        axis.setTicks([ticks])
        axis.setStyle(textFillLimits=[(0, 0.98)])  # every row keeps its name
        metrics = QFontMetrics(self.tick_font())
        axis.setWidth(max((metrics.horizontalAdvance(name) for _, name in ticks), default=20) + 14)

    def _hover(self, position: QPointF) -> None:
        box = self.plotItem.vb
        if not box.sceneBoundingRect().contains(position):
            return
        point = box.mapSceneToView(position)
        self.moved(point.x())
        text = self.describe(point.x(), point.y())
        if text:
            QToolTip.showText(QCursor.pos(), text, self)
        else:
            QToolTip.hideText()

    def moved(self, x: float) -> None:
        """The mouse is over x (the crosshair of time series follows it)."""

    def image(self, width: int, height: int) -> QImage:
        """The chart drawn at width × height pixels (a chart not on screen is laid out offscreen first)."""
        offscreen = not self.isVisible()
        if offscreen:
            self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
            self.show()
        self.resize(width, height)
        QApplication.processEvents()
        image: QImage = self.grab().toImage()
        if offscreen:
            self.hide()
        return image


class TimeSeriesChart(Chart):
    """Revenue as bars (left axis) and orders as a line (right axis) per bucket, with a crosshair."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Revenue and orders", parent)
        self.labels: list[str] = []
        self.values: list[tuple[str, str]] = []
        self.orders_box = pg.ViewBox()
        self.plotItem.showAxis("right")
        self.plotItem.scene().addItem(self.orders_box)
        self.plotItem.getAxis("right").linkToView(self.orders_box)
        self.orders_box.setXLink(self.plotItem)
        self.plotItem.vb.sigResized.connect(
            lambda: self.orders_box.setGeometry(self.plotItem.vb.sceneBoundingRect()))
        self.cross = pg.InfiniteLine(angle=90, movable=False)

    def show_series(self, labels: Sequence[str], revenue: Sequence[float], orders: Sequence[int],
                    values: Sequence[tuple[str, str]]) -> None:
        """`revenue` in currency units, `values` the exact (revenue, orders) texts of each bucket."""
        colours = self.prepare()
        self.orders_box.clear()
        self.labels, self.values = list(labels), list(values)
        xs = list(range(len(labels)))
        self.plotItem.addItem(pg.BarGraphItem(x=xs, height=list(revenue), width=0.8, brush=BLUE, pen=None))
        line = pg.PlotDataItem(xs, list(orders), pen=pg.mkPen(ORANGE, width=2), symbol="o", symbolSize=4,
                               symbolBrush=ORANGE, symbolPen=None)
        self.orders_box.addItem(line)
        self.orders_box.enableAutoRange(y=True)
        self.orders_box.setYRange(0, max(orders, default=1) * 1.1 or 1)
        self.plotItem.getAxis("bottom").setTicks([sparse_ticks(self.labels)])
        self.plotItem.setLabel("left", "Revenue", color=colours.text.name())
        self.plotItem.setLabel("right", "Orders", color=colours.text.name())
        self.cross.setPen(pg.mkPen(colours.text, width=1, style=Qt.PenStyle.DashLine))
        self.plotItem.addItem(self.cross, ignoreBounds=True)
        self.cross.hide()
        self.plotItem.setXRange(-0.6, max(len(xs) - 0.4, 0.4), padding=0)
        self.plotItem.setYRange(0, max(revenue, default=1) * 1.1 or 1)

    def moved(self, x: float) -> None:
        i = round(x)
        if 0 <= i < len(self.labels):
            self.cross.setPos(i)
            self.cross.show()

    def describe(self, x: float, y: float) -> str | None:
        i = round(x)
        if 0 <= i < len(self.labels):
            revenue, orders = self.values[i]
            return f"{self.labels[i]}\nRevenue: {revenue}\nOrders: {orders}"
        return None


class BarChart(Chart):
    """Horizontal bars, one per named value, largest on top."""

    def __init__(self, title: str, colour: QColor = BLUE, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.colour = colour
        self.rows: list[tuple[str, str]] = []

    def show_bars(self, names: Sequence[str], values: Sequence[float], texts: Sequence[str]) -> None:
        """`texts` are the exact values the tooltips show."""
        self.prepare()
        count = len(names)
        self.rows = [(names[i], texts[i]) for i in range(count)]
        ys = [count - 1 - i for i in range(count)]  # first name on top
        self.plotItem.addItem(pg.BarGraphItem(x0=0, y=ys, height=0.7, width=list(values), brush=self.colour,
                                              pen=None))
        self.label_rows([(float(count - 1 - i), names[i]) for i in range(count)])
        self.setMinimumHeight(max(220, 60 + 22 * count))
        self.plotItem.showGrid(x=True, y=False, alpha=0.25)
        self.plotItem.setYRange(-0.6, max(count - 0.4, 0.4), padding=0)
        self.plotItem.setXRange(0, max(values, default=1) * 1.05 or 1, padding=0)

    def describe(self, x: float, y: float) -> str | None:
        i = len(self.rows) - 1 - round(y)
        if 0 <= i < len(self.rows) and x >= 0:
            name, text = self.rows[i]
            return f"{name}: {text}"
        return None


class TwoSeriesChart(Chart):
    """Two series of bars per label with a legend; the tooltip gives both exact values."""

    def __init__(self, title: str, names: tuple[str, str], parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.names = names
        self.labels: list[str] = []
        self.texts: list[tuple[str, str]] = []
        self.legend = self.plotItem.addLegend(offset=(10, 5))

    def finish(self, colours: Colours, brushes: tuple[QColor, QColor], top: float) -> None:
        """Legend, label ticks and ranges, once the bars are drawn and `labels` and `texts` set."""
        self.legend.clear()
        self.legend.setLabelTextColor(colours.text)
        for brush, name in zip(brushes, self.names, strict=True):
            self.legend.addItem(pg.BarGraphItem(x=[0], height=[0], width=1, brush=brush), name)
        self.plotItem.getAxis("bottom").setTicks([sparse_ticks(self.labels)])
        self.plotItem.setYRange(0, top * 1.25 or 1, padding=0)
        self.plotItem.setXRange(-0.6, max(len(self.labels) - 0.4, 0.4), padding=0)

    def describe(self, x: float, y: float) -> str | None:
        i = round(x)
        if 0 <= i < len(self.labels):
            a, b = self.texts[i]
            return f"{self.labels[i]}\n{self.names[0]}: {a}\n{self.names[1]}: {b}"
        return None


class StackedBarChart(TwoSeriesChart):
    """Two stacked series per label (new customers below, returning above)."""

    def show_stacks(self, labels: Sequence[str], lower: Sequence[int], upper: Sequence[int]) -> None:
        colours = self.prepare()
        self.labels = list(labels)
        self.texts = [(f"{a:,}", f"{b:,}") for a, b in zip(lower, upper, strict=True)]
        xs = list(range(len(labels)))
        self.plotItem.addItem(pg.BarGraphItem(x=xs, height=list(lower), width=0.75, brush=GREEN, pen=None))
        self.plotItem.addItem(pg.BarGraphItem(x=xs, y0=list(lower), height=list(upper), width=0.75, brush=BLUE,
                                              pen=None))
        self.finish(colours, (GREEN, BLUE), max((a + b for a, b in zip(lower, upper, strict=True)), default=1))


class PairedBarChart(TwoSeriesChart):
    """Two series side by side per label (predicted next to actual)."""

    def show_pairs(self, labels: Sequence[str], left: Sequence[float], right: Sequence[float],
                   texts: Sequence[tuple[str, str]]) -> None:
        """`texts` are the exact values the tooltips show, per label (left, right)."""
        colours = self.prepare()
        self.labels, self.texts = list(labels), list(texts)
        xs = list(range(len(labels)))
        self.plotItem.addItem(pg.BarGraphItem(x=[x - 0.2 for x in xs], height=list(left), width=0.38, brush=BLUE,
                                              pen=None))
        self.plotItem.addItem(pg.BarGraphItem(x=[x + 0.2 for x in xs], height=list(right), width=0.38,
                                              brush=ORANGE, pen=None))
        self.finish(colours, (BLUE, ORANGE), max((max(a, b) for a, b in zip(left, right, strict=True)), default=1))


class HeatmapChart(Chart):
    """Rows × columns of shares (0–1) as colour, each cell labelled with its percentage."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.rows: list[str] = []
        self.cells: list[list[float | None]] = []
        self.setMinimumHeight(420)

    def show_grid(self, rows: Sequence[str], cells: Sequence[Sequence[float | None]]) -> None:
        """`cells[r][k]`: the share for row r, column k (None: not reached yet)."""
        colours = self.prepare()
        self.rows, self.cells = list(rows), [list(r) for r in cells]
        width = max((len(r) for r in cells), default=0)
        if not rows or not width:
            return
        font = QFont()
        font.setPointSize(7)
        for r, row in enumerate(self.cells):
            y = len(rows) - 1 - r
            for k, share in enumerate(row):
                if share is None:
                    continue
                cell = QGraphicsRectItem(k, y, 1, 1)
                cell.setBrush(self._shade(colours, share))
                cell.setPen(pg.mkPen(colours.background, width=0))
                self.plotItem.addItem(cell)
                label = pg.TextItem(f"{share * 100:.0f}", anchor=(0.5, 0.5),
                                    color=QColor("white") if share > 0.35 else colours.text)
                label.setFont(font)
                label.setPos(k + 0.5, y + 0.5)
                self.plotItem.addItem(label)
        self.label_rows([(len(rows) - 1 - r + 0.5, name) for r, name in enumerate(rows)])
        self.plotItem.getAxis("bottom").setTicks([[(k + 0.5, f"+{k}") for k in range(width)]])
        self.plotItem.showGrid(x=False, y=False)
        self.plotItem.setXRange(0, width, padding=0)
        self.plotItem.setYRange(0, len(rows), padding=0)

    @staticmethod
    def _shade(colours: Colours, share: float) -> QColor:
        strength = min(1.0, math.sqrt(max(share, 0.0)))  # small shares stay visible
        base, ink = colours.background, BLUE

        def mix(a: int, b: int) -> int:
            return round(a + (b - a) * strength)

        return QColor(mix(base.red(), ink.red()), mix(base.green(), ink.green()), mix(base.blue(), ink.blue()))

    def describe(self, x: float, y: float) -> str | None:
        r, k = len(self.rows) - 1 - int(y), int(x)
        if 0 <= r < len(self.rows) and 0 <= k < len(self.cells[r]) and y >= 0 and x >= 0:
            share = self.cells[r][k]
            if share is not None:
                return f"Cohort {self.rows[r]}, {k} months later: {share * 100:.1f} %"
        return None
