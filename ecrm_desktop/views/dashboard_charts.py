"""The dashboard's charts filled from a `Dashboard`: on the screen, and offscreen for the PDF and PNG exports.

Importing this module imports pyqtgraph (about a second): the screen imports it when it is first shown.
"""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from ecrm_desktop.domain.kpis import Dashboard, Grain, month_first_day
from ecrm_desktop.views.charts import ORANGE, BarChart, Chart, HeatmapChart, StackedBarChart, TimeSeriesChart
from ecrm_desktop.views.dashboard_tables import NOT_RECORDED, percent
from ecrm_desktop.views.format import money
from ecrm_desktop.views.prediction_charts import PredictionCharts

LABEL_FORMAT = {Grain.DAY: "%d %b", Grain.WEEK: "%d %b", Grain.MONTH: "%b %Y"}
TOP_CHANNELS = 8
TOP_CATEGORIES = 15


def in_units(amounts: list[float]) -> tuple[list[float], str]:
    """Large amounts in thousands or millions, so axis labels stay short; the unit for the axis title."""
    top = max((abs(a) for a in amounts), default=0)
    for divisor, unit in ((1e6, "millions"), (1e3, "thousands")):
        if top >= 10 * divisor:
            return [a / divisor for a in amounts], f" ({unit})"
    return amounts, ""


class DashboardCharts:
    """Revenue and orders over time, new vs returning, cohort retention, return rate by category, revenue by
    channel, and the prediction charts; `charts` maps each one's export name to its widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.over_time = TimeSeriesChart(parent)
        self.new_returning = StackedBarChart("New and returning customers by month", ("New", "Returning"), parent)
        self.cohorts = HeatmapChart("Monthly cohort retention, % ordering k months after the first order", parent)
        self.returns = BarChart("Return rate by category (highest first), %", ORANGE, parent)
        self.channels = BarChart("Gross revenue by sales channel", parent=parent)
        self.charts: dict[str, Chart] = {
            "revenue_over_time": self.over_time, "new_vs_returning": self.new_returning,
            "cohort_retention": self.cohorts, "return_rate_by_category": self.returns,
            "revenue_by_channel": self.channels}
        self.predictions = PredictionCharts(parent)
        self.charts.update(self.predictions.charts)

    def show(self, d: Dashboard) -> None:
        c = d.currency
        fmt = LABEL_FORMAT[d.grain]
        revenue, unit = in_units([p.gross_cents / 100 for p in d.series])
        self.over_time.title = f"Gross revenue{unit} and orders by {d.grain.value.lower()}, {c}"
        self.over_time.show_series([p.start.strftime(fmt) for p in d.series], revenue, [p.orders for p in d.series],
                                   [(money(p.gross_cents, c), f"{p.orders:,}") for p in d.series])
        self.new_returning.show_stacks([month_first_day(m.month).strftime("%b %y") for m in d.new_returning],
                                       [m.new for m in d.new_returning],
                                       [m.returning for m in d.new_returning])
        self.cohorts.show_grid([r.cohort for r in d.cohorts],
                               [list(r.retention) if r.size else [] for r in d.cohorts])
        rated = sorted((k for k in d.categories if k.return_rate is not None),
                       key=lambda k: -(k.return_rate or 0))[:TOP_CATEGORIES]
        self.returns.show_bars([k.category for k in rated], [(k.return_rate or 0) * 100 for k in rated],
                               [f"{percent(k.return_rate)} ({k.returned_items:,} of {k.items:,} items)" for k in rated])
        top = list(d.by_channel.items())[:TOP_CHANNELS]
        values, unit = in_units([v / 100 for _, v in top])
        self.channels.title = f"Gross revenue by sales channel{unit}, {c}"
        self.channels.show_bars([name or NOT_RECORDED for name, _ in top], values, [money(v, c) for _, v in top])
        self.predictions.show(d.predictions, c)

    def images(self, width: int, height: int) -> dict[str, QImage]:
        """Every chart drawn at width × height (the heatmap taller), by export name."""
        return {name: chart.image(width, max(height, chart.minimumHeight()))
                for name, chart in self.charts.items()}
