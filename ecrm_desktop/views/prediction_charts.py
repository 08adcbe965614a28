"""The dashboard's prediction charts: predicted CLV by segment, churn-risk distribution, the model's holdout check.

Imports pyqtgraph (through `views.charts`): only the dashboard's chart module imports this.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ecrm_desktop.domain.predicted_value import HoldoutCheck, PredictionFigures
from ecrm_desktop.views.charts import GREEN, RED, BarChart, Chart, PairedBarChart
from ecrm_desktop.views.dashboard_tables import BAND_NAMES, NOT_SCORED, holdout_title, mean
from ecrm_desktop.views.format import money


class PredictionCharts:
    """`charts` maps each chart's export name to its widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.by_segment = BarChart("Predicted CLV by segment, mean per customer", GREEN, parent)
        self.churn = BarChart("Churn risk: customers per band", RED, parent)
        self.holdout = PairedBarChart(holdout_title(None), ("Predicted", "Actual"), parent)
        self.charts: dict[str, Chart] = {"predicted_clv_by_segment": self.by_segment, "churn_risk": self.churn,
                                         "holdout_check": self.holdout}

    def show(self, p: PredictionFigures, currency: str) -> None:
        values = [v for v in p.by_segment if v.mean_cents is not None]
        self.by_segment.title = (f"Predicted CLV by segment, mean per customer, {currency}" if p.scored
                                 else f"Predicted CLV by segment: {NOT_SCORED}")
        self.by_segment.show_bars([v.segment for v in values], [(v.mean_cents or 0) / 100 for v in values],
                                  [f"{money(v.mean_cents or 0, currency)} per customer, {v.customers:,} customers, "
                                   f"{money(v.predicted_clv_cents, currency)} in all" for v in values])
        total = sum(b.customers for b in p.churn)
        self.churn.title = "Churn risk: customers per band" if p.scored else f"Churn risk: {NOT_SCORED}"
        self.churn.show_bars([BAND_NAMES.get(b.risk, b.risk) for b in p.churn], [b.customers for b in p.churn],
                             [f"{b.customers:,} customers ({b.customers / total:.0%}), "
                              f"{money(b.predicted_clv_cents, currency)} predicted CLV" if total else "none"
                              for b in p.churn])
        self.show_holdout(p.holdout)

    def show_holdout(self, check: HoldoutCheck | None) -> None:
        self.holdout.title = holdout_title(check)
        rows = [r for r in (check.rows if check is not None else ()) if r.customers]
        self.holdout.show_pairs([r.frequency for r in rows], [r.predicted_mean or 0 for r in rows],
                                [r.actual_mean or 0 for r in rows],
                                [(f"{mean(r.predicted_mean)} per customer", f"{mean(r.actual_mean)} per customer "
                                  f"({r.customers:,} customers)") for r in rows])
        self.holdout.plotItem.setLabel("bottom", "repeat purchases in the calibration period",
                                       color=self.holdout.plotItem.getAxis("bottom").textPen().color())


