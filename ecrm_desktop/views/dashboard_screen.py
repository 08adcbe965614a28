"""The dashboard screen: period, segment and grain at the top; KPI tiles; charts; tables; exports.

The charts (pyqtgraph) are built the first time figures arrive, so opening the window never pays for them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.domain.kpis import Dashboard, Grain, Preset
from ecrm_desktop.domain.predicted_value import HoldoutCheck
from ecrm_desktop.presenters.dashboard import DEFAULT_PRESET, DashboardPresenter
from ecrm_desktop.views import dashboard_tables
from ecrm_desktop.views.dashboard_tables import Table, Tile

if TYPE_CHECKING:
    from ecrm_desktop.views.dashboard_charts import DashboardCharts

CUSTOM = "Custom range"
EVERYONE = "Everyone"
TILE_COLUMNS = 5
UP, DOWN = "#16a34a", "#dc2626"  # readable on light and dark backgrounds alike
TABLES_SHOWN = ("top_products", "channels", "categories", "countries")


def sized(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


class TileWidget(QFrame):
    """One KPI: label, value, and the change against the previous period (green when it is good news)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(170)
        self.label, self.value, self.change = QLabel(), QLabel(), QLabel()
        self.label.setFont(sized(9))
        self.label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.value.setFont(sized(15, bold=True))
        self.change.setFont(sized(9))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        for w in (self.label, self.value, self.change):
            layout.addWidget(w)

    def show_tile(self, tile: Tile) -> None:
        self.label.setText(tile.label)
        self.value.setText(tile.value)
        if not tile.change:  # None (no data) or no change: neutral
            self.change.setText(f"previous: {tile.previous}" if tile.change is None else f"= {tile.previous}")
            self.change.setStyleSheet("")
            self.change.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        else:
            good = (tile.change > 0) == tile.good_when_up
            arrow = "▲" if tile.change > 0 else "▼"
            self.change.setText(f"{arrow} {abs(tile.change) * 100:.1f} % vs {tile.previous}")
            self.change.setStyleSheet(f"color: {UP if good else DOWN};")
        self.setToolTip(f"{tile.label}: {tile.value} (previous period: {tile.previous})")


class DashboardScreen(QWidget):
    """Implements `presenters.dashboard.DashboardView`."""

    def __init__(self) -> None:
        super().__init__()
        self.presenter: DashboardPresenter | None = None
        self.dashboard: Dashboard | None = None
        self.charts: DashboardCharts | None = None
        self.preset = QComboBox()
        self.preset.addItems([p.value for p in Preset] + [CUSTOM])
        self.preset.setCurrentText(DEFAULT_PRESET.value)
        today = QDate.currentDate()
        self.start, self.end = QDateEdit(today.addMonths(-3)), QDateEdit(today)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.apply = QPushButton("Apply")
        self.apply.setEnabled(False)
        self.segment = QComboBox()
        self.segment.addItem(EVERYONE)
        self.segment.setMinimumWidth(160)
        self.grain = QComboBox()
        self.grain.addItems(["Auto"] + [g.value for g in Grain])
        self.refresh = QPushButton("Refresh")
        self.export = QToolButton()  # exports, and importing marketing spend
        self.export_pdf, self.export_png, self.export_csv = self._export_menu()
        self.title = QLabel("Dashboard")
        self.title.setFont(sized(13, bold=True))
        self.as_of = QLabel()
        self.as_of.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.status = QLabel()

        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.as_of)

        self.tiles_box = QGridLayout()
        self.tiles: list[TileWidget] = []
        self.chart_box = QGridLayout()
        self.tables_box = QGridLayout()
        self.tables: dict[str, QTableWidget] = {}
        content = QWidget()
        body = QVBoxLayout(content)
        body.addLayout(heading)
        body.addLayout(self.tiles_box)
        body.addLayout(self.chart_box)
        body.addLayout(self.tables_box)
        body.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(self._bar())
        layout.addWidget(self.scroll_area, 1)

    def _bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        for w in (QLabel("Period"), self.preset, self.start, QLabel("to"), self.end, self.apply,
                  QLabel("Segment"), self.segment, QLabel("By"), self.grain):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.status)
        bar.addWidget(self.refresh)
        bar.addWidget(self.export)
        return bar

    def _export_menu(self) -> tuple[QAction, QAction, QAction]:
        self.export.setText("Export / import")
        self.export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export)
        actions = (QAction("Dashboard as PDF…", menu), QAction("Charts as PNG…", menu),
                   QAction("Tables as CSV…", menu))
        menu.addActions(list(actions))
        menu.addSeparator()
        self.import_spend = menu.addAction("Import marketing spend (CSV)…")
        self.export.setMenu(menu)
        return actions

    def attach(self, presenter: DashboardPresenter) -> None:
        self.presenter = presenter
        self.preset.currentTextChanged.connect(self._preset)
        self.apply.clicked.connect(self._custom)
        self.segment.currentTextChanged.connect(
            lambda name: presenter.choose_segment(None if name == EVERYONE else name))
        self.grain.currentTextChanged.connect(self._grain)
        self.refresh.clicked.connect(presenter.refresh)
        self.export_pdf.triggered.connect(self._export_pdf)
        self.export_png.triggered.connect(self._export_png)
        self.export_csv.triggered.connect(self._export_csv)
        self.import_spend.triggered.connect(self._import_spend)

    def focus_search(self) -> None:
        self.preset.setFocus()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        """Redraw the charts in the new colours when the theme changes."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.charts is not None and self.dashboard is not None:
            QTimer.singleShot(0, self._recolour)  # after the charts themselves took the new palette

    def _recolour(self) -> None:
        if self.charts is not None and self.dashboard is not None:
            self.charts.show(self.dashboard)

    # DashboardView
    def show_segments(self, names: list[str]) -> None:
        current = self.segment.currentText()
        self.segment.blockSignals(True)
        self.segment.clear()
        self.segment.addItems([EVERYONE, *names])
        self.segment.setCurrentText(current if current in names else EVERYONE)
        self.segment.blockSignals(False)

    def show_loading(self) -> None:
        self.status.setText("Computing…")

    def show_dashboard(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self.status.setText("")
        p = dashboard.period
        who = dashboard.segment or EVERYONE.lower()
        self.title.setText(f"{p.start:%d %b %Y} – {p.end:%d %b %Y} · {who} · vs {p.previous().start:%d %b %Y} – "
                           f"{p.previous().end:%d %b %Y}")
        self.as_of.setText(dashboard_tables.as_of(dashboard))
        self._show_tiles(dashboard_tables.tiles(dashboard))
        self._ensure_charts().show(dashboard)
        for table in dashboard_tables.tables(dashboard):
            if table.name in TABLES_SHOWN:
                self._show_table(table)

    def show_holdout(self, check: HoldoutCheck) -> None:
        if self.dashboard is not None:
            self.dashboard = replace(self.dashboard, predictions=replace(self.dashboard.predictions, holdout=check))
        self._ensure_charts().predictions.show_holdout(check)

    # -- pieces ----------------------------------------------------------------------------------------------

    def _show_tiles(self, tiles: list[Tile]) -> None:
        while len(self.tiles) < len(tiles):
            widget = TileWidget()
            i = len(self.tiles)
            self.tiles_box.addWidget(widget, i // TILE_COLUMNS, i % TILE_COLUMNS)
            self.tiles.append(widget)
        for widget, tile in zip(self.tiles, tiles, strict=False):
            widget.show_tile(tile)

    def _ensure_charts(self) -> DashboardCharts:
        if self.charts is None:
            from ecrm_desktop.views.dashboard_charts import DashboardCharts  # pyqtgraph: paid on first use

            self.charts = DashboardCharts(self)
            self.chart_box.addWidget(self.charts.over_time, 0, 0, 1, 2)
            self.chart_box.addWidget(self.charts.new_returning, 1, 0)
            self.chart_box.addWidget(self.charts.channels, 1, 1)
            self.chart_box.addWidget(self.charts.cohorts, 2, 0)
            self.chart_box.addWidget(self.charts.returns, 2, 1)
            self.chart_box.addWidget(self.charts.predictions.by_segment, 3, 0)
            self.chart_box.addWidget(self.charts.predictions.churn, 3, 1)
            self.chart_box.addWidget(self.charts.predictions.holdout, 4, 0, 1, 2)
            self.charts.over_time.setMinimumHeight(280)
        return self.charts

    def _show_table(self, table: Table) -> None:
        widget = self.tables.get(table.name)
        if widget is None:
            widget = QTableWidget()
            widget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            widget.verticalHeader().hide()
            widget.setAlternatingRowColors(True)
            widget.setMinimumHeight(240)
            widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            widget.horizontalHeader().setStretchLastSection(True)
            i = len(self.tables)
            box = QVBoxLayout()
            title = QLabel(table.title)
            title.setFont(sized(10, bold=True))
            box.addWidget(title)
            box.addWidget(widget)
            self.tables_box.addLayout(box, i // 2, i % 2)
            self.tables[table.name] = widget
        widget.clear()
        widget.setColumnCount(len(table.headers))
        widget.setHorizontalHeaderLabels(list(table.headers))
        widget.setRowCount(len(table.rows))
        for r, row in enumerate(table.rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                widget.setItem(r, c, item)

    def _preset(self, text: str) -> None:
        custom = text == CUSTOM
        for w in (self.start, self.end, self.apply):
            w.setEnabled(custom)
        if not custom and self.presenter is not None:
            self.presenter.choose_preset(Preset(text))

    def _custom(self) -> None:
        if self.presenter is not None:
            self.presenter.choose_range(self.start.date().toPython(), self.end.date().toPython())  # type: ignore[arg-type]

    def _grain(self, text: str) -> None:
        if self.presenter is not None and text != "Auto":
            self.presenter.choose_grain(Grain(text))

    def _import_spend(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Marketing spend: channel, month (YYYY-MM), amount", "",
                                              "CSV (*.csv)")
        if path and self.presenter is not None:
            self.presenter.import_spend(Path(path))

    def _export_pdf(self) -> None:
        if self.dashboard is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export the dashboard as PDF", "dashboard.pdf", "PDF (*.pdf)")
        if path:
            from ecrm_desktop.views.dashboard_report import write_pdf

            write_pdf(self.dashboard, Path(path))
            self.status.setText(f"Saved {Path(path).name}")

    def _export_png(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the charts as PNG in")
        if folder and self.charts is not None:
            for name, chart in self.charts.charts.items():
                chart.grab().save(str(Path(folder) / f"{name}.png"))
            self.status.setText(f"Saved {len(self.charts.charts)} charts")

    def _export_csv(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the tables as CSV in")
        if folder and self.dashboard is not None:
            tables = dashboard_tables.tables(self.dashboard)
            for table in tables:
                table.write_csv(Path(folder) / f"{table.name}.csv")
            self.status.setText(f"Saved {len(tables)} tables")
