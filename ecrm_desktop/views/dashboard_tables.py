"""The dashboard's figures as titled tables of text: what the screen's tables, the PDF and the CSV exports show."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ecrm_desktop.domain import kpis
from ecrm_desktop.domain.kpis import Dashboard
from ecrm_desktop.domain.predicted_value import HoldoutCheck, PredictionFigures
from ecrm_desktop.views.format import money, when

NOT_RECORDED = "(not recorded)"


@dataclass(frozen=True)
class Table:
    name: str  # also the CSV file's stem
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def write_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(self.headers)
            writer.writerows(self.rows)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def duration(value: timedelta | None) -> str:
    if value is None:
        return "–"
    hours = value.total_seconds() / 3600
    return f"{hours * 60:.0f} min" if hours < 1 else f"{hours:.1f} h"


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    change: float | None  # against the previous period
    previous: str
    good_when_up: bool = True


def as_of(d: Dashboard) -> str:
    """What the figures stand for: the last sync's data, and with a segment, its members as last evaluated."""
    synced = f"Data as of {when(d.data_as_of)}" if d.data_as_of else "Local data, never synced"
    if d.segment is None:
        return synced
    return f"{synced} · segment members as of {when(d.members_as_of)}"


def tiles(d: Dashboard) -> list[Tile]:
    """The KPI tiles: value now, value in the previous period, and the change."""
    now, before = d.current, d.previous

    def cash(v: int | None) -> str:
        return "–" if v is None else money(v, d.currency)

    def tile(label: str, a: float | None, b: float | None, show: Callable[[float | None], str],
             up: bool = True) -> Tile:
        return Tile(label, show(a), kpis.change(a, b), show(b), up)

    def amount(label: str, a: int | None, b: int | None, up: bool = True) -> Tile:
        return Tile(label, cash(a), kpis.change(a, b), cash(b), up)

    def count(v: float | None) -> str:
        return f"{v or 0:,.0f}"

    def seconds(v: timedelta | None) -> float | None:
        return None if v is None else v.total_seconds()

    return [
        amount("Net revenue", now.net_cents, before.net_cents),
        amount("Gross revenue", now.gross_cents, before.gross_cents),
        amount("Refunds", now.refunded_cents, before.refunded_cents, up=False),
        tile("Orders", now.orders, before.orders, count),
        amount("Average order value", now.aov_cents, before.aov_cents),
        tile("New customers", now.new_customers, before.new_customers, count),
        tile("Returning customers", now.returning_customers, before.returning_customers, count),
        tile("Repeat purchase rate", now.repeat_rate, before.repeat_rate, percent),
        tile("Retention", now.retention, before.retention, percent),
        tile("Churn", now.churn, before.churn, percent, up=False),
        amount("Historical CLV", now.clv_cents, before.clv_cents),
        tile("Abandoned checkouts", now.abandoned_checkouts, before.abandoned_checkouts, count, up=False),
        amount("Abandoned value", now.abandoned_cents, before.abandoned_cents, up=False),
        tile("Open tickets (now)", now.open_tickets, before.open_tickets, count, up=False),
        tile("Median first response", seconds(now.median_first_response), seconds(before.median_first_response),
             lambda v: duration(None if v is None else timedelta(seconds=v)), up=False),
        Tile("SLA breaches (now)", count(d.sla_breaches), None, "–", good_when_up=False),
    ]


def tables(d: Dashboard) -> list[Table]:
    """Every table of the dashboard, in the order the report prints them."""
    c = d.currency
    p = d.period.previous()
    tile_rows = tuple((t.label, t.value, t.previous, percent(t.change)) for t in tiles(d))
    return [
        Table("kpis", "Key figures", ("Figure", f"{d.period.start} – {d.period.end}", f"{p.start} – {p.end}",
                                      "Change"), tile_rows),
        Table("revenue_over_time", f"Revenue and orders by {d.grain.value.lower()}",
              ("Starting", "Orders", "Gross revenue", "Refunds"),
              tuple((str(s.start), f"{s.orders:,}", money(s.gross_cents, c), money(s.refunded_cents, c))
                    for s in d.series)),
        Table("categories", "Categories: sales and returns",
              ("Category", "Items sold", "Revenue", "Items returned", "Return rate"),
              tuple((k.category, f"{k.items:,}", money(k.sales_cents, c), f"{k.returned_items:,}",
                     percent(k.return_rate)) for k in d.categories)),
        Table("top_products", "Top products", ("Product", "Items sold", "Revenue"),
              tuple((t.product, f"{t.items:,}", money(t.sales_cents, c)) for t in d.products)),
        Table("channels", "Sales channels: revenue and acquisition",
              ("Channel", "Revenue", "New customers", "Marketing spend", "CAC", "ROMI"),
              tuple((a.channel or NOT_RECORDED, money(a.gross_cents, c), f"{a.new_customers:,}",
                     money(a.spend_cents, c) if a.spend_cents else "–",
                     money(v, c) if a.spend_cents and (v := kpis.cac(a)) is not None else "–",
                     percent(kpis.romi(a))) for a in d.acquisition)),
        Table("countries", "Revenue by country", ("Country", "Revenue"),
              tuple((k or NOT_RECORDED, money(v, c)) for k, v in d.by_country.items())),
        Table("new_vs_returning", "New and returning customers by month", ("Month", "New", "Returning"),
              tuple((n.month, f"{n.new:,}", f"{n.returning:,}") for n in d.new_returning)),
        Table("cohorts", "Monthly cohort retention (share ordering k months after the first order)",
              ("Cohort", "Customers", *(f"+{k}" for k in range(max((len(r.retention) for r in d.cohorts),
                                                                    default=0)))),
              tuple((r.cohort, f"{r.size:,}", *(percent(v) if r.size else "–" for v in r.retention))
                    for r in d.cohorts)),
        *prediction_tables(d),
    ]


# -- predictions ---------------------------------------------------------------------------------------------------

NOT_SCORED = "No predictions yet: they are computed after each sync (or `ecrm demo`)."
BAND_NAMES = {"HIGH": "High risk", "MEDIUM": "Medium risk", "LOW": "Low risk"}


def mean(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def holdout_title(check: HoldoutCheck | None) -> str:
    """What the holdout chart and table are titled: the periods and totals, or why there is nothing."""
    if check is None:
        return "Model check on the last half year: computing…"
    if check.calibration_end is None or check.holdout_end is None:
        return f"Model check: {check.note}"
    return (f"Model check: repeat purchases {check.calibration_end:%d %b %Y} – {check.holdout_end:%d %b %Y}, "
            f"predicted {check.predicted_total:,.0f} vs actual {check.actual_total:,}")


def prediction_tables(d: Dashboard) -> list[Table]:
    p: PredictionFigures = d.predictions
    c = d.currency
    holdout = p.holdout.rows if p.holdout is not None else ()
    return [
        Table("predicted_clv_by_segment", "Predicted customer value by segment (members at the last evaluation)",
              ("Segment", "Customers", "Predicted CLV", "Mean per customer"),
              tuple((v.segment, f"{v.customers:,}", money(v.predicted_clv_cents, c),
                     money(v.mean_cents, c) if v.mean_cents is not None else "–") for v in p.by_segment)),
        Table("churn_risk", "Churn risk: customers and the predicted value they hold",
              ("Band", "Customers", "Predicted CLV"),
              tuple((BAND_NAMES.get(b.risk, b.risk), f"{b.customers:,}", money(b.predicted_clv_cents, c))
                    for b in p.churn)),
        Table("holdout_check", holdout_title(p.holdout),
              ("Repeat purchases in calibration", "Customers", "Predicted per customer", "Actual per customer"),
              tuple((r.frequency, f"{r.customers:,}", mean(r.predicted_mean), mean(r.actual_mean))
                    for r in holdout)),
    ]
