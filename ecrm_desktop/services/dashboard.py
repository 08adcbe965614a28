"""The dashboard: every figure for a period (and optionally a saved segment), computed from the local database.

Reads run in one read transaction (one snapshot, never waiting for a sync); when the rollups were bucketed in
another time zone than the workspace's present one, they are rebuilt first in a write unit of work.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from ecrm_desktop.domain import kpis
from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.kpis import ChannelAcquisition, Dashboard, Grain, Period, Preset
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.predicted_value import HOLDOUT_DAYS, HoldoutCheck, PredictionFigures, RiskBand
from ecrm_desktop.domain.zones import workspace_zone
from ecrm_desktop.services.clv import validate_workspace
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.segments import SegmentService, build_segment_rollups
from ecrm_desktop.services.status import StatusService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import (
    audit,
    clv_queries,
    dashboard_queries,
    prediction_queries,
    rollups,
    segment_history,
    ticket_queries,
)
from ecrm_desktop.storage.dashboard_queries import Scope
from ecrm_desktop.storage.prediction_queries import Version
from ecrm_desktop.storage.settings import read_setting, reporting_currency, write_setting

TOP_PRODUCTS = 10
COHORT_MONTHS = 12  # the heatmap's cohorts: the last twelve months of the period
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
HOLDOUT_SETTING = "dashboard_holdout_check"  # the last check of the model, and the last order day it saw


def default_grain(period: Period) -> Grain:
    """Days up to two months, weeks up to a year, months beyond."""
    if period.days <= 62:
        return Grain.DAY
    return Grain.WEEK if period.days <= 366 else Grain.MONTH


class DashboardService:
    """Dashboard use cases for the signed-in user. `clock` (UTC now) is replaceable for tests."""

    def __init__(self, session: UserSession, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.session = session
        self.clock = clock
        # the prediction figures of a version, with the churn bands of the segments known so far
        self._kept_predictions: tuple[Version, PredictionFigures, dict[int, tuple[RiskBand, ...]]] | None = None

    def today(self) -> date:
        """Today in the workspace's time zone."""
        require(self.session, Operation.VIEW_DASHBOARD)
        with self.session.workspace.sessions() as s:
            zone = workspace_zone(read_setting(s, "timezone") or "local")
        return self.clock().astimezone(zone).date()

    def preset(self, preset: Preset) -> Period:
        require(self.session, Operation.VIEW_DASHBOARD)
        return kpis.preset_period(preset, self.today())

    def segment_names(self) -> list[str]:
        """The saved segments a dashboard can be limited to, by name."""
        require(self.session, Operation.VIEW_DASHBOARD)
        return [s.name for s in SegmentService(self.session, self.clock).list()]

    def load(self, period: Period, segment: str | None = None, grain: Grain | None = None) -> Dashboard:
        """Every figure of `period` and of the period before it, for everyone or a saved segment's members."""
        require(self.session, Operation.VIEW_DASHBOARD)
        self._ensure_rollups()
        segment_id, members_as_of = self._segment_rollups(segment) if segment else (None, None)
        with self.session.workspace.sessions() as s:
            zone = workspace_zone(rollups.bucket_zone_name(s))
            scope = Scope(period, zone, segment_id)
            before = Scope(period.previous(), zone, segment_id)
            sales = dashboard_queries.sales_days(s, scope)
            last_month = period.months()[-1]
            cells = dashboard_queries.cohort_cells(s, scope, last_month)
            current = self._figures(s, scope, sales, cells)
            previous = self._figures(s, before, dashboard_queries.sales_days(s, before), cells)
            chosen = grain or default_grain(period)
            first_cohort = kpis.add_months(last_month, -(COHORT_MONTHS - 1))
            mix = dashboard_queries.sales_mix(s, scope)
            by_channel = kpis.revenue_by(mix, lambda m: m.channel)
            return Dashboard(
                period=period, segment=segment, currency=reporting_currency(s),
                data_as_of=StatusService(self.session).data_as_of(), members_as_of=members_as_of,
                current=current, previous=previous,
                series=tuple(kpis.sales_series(sales, period, chosen)), grain=chosen, by_channel=by_channel,
                by_country=kpis.revenue_by(mix, lambda m: m.country),
                categories=tuple(kpis.by_category(dashboard_queries.category_days(s, scope))),
                products=tuple(dashboard_queries.product_totals(s, scope, TOP_PRODUCTS)),
                acquisition=self._acquisition(s, scope, by_channel),
                new_returning=tuple(kpis.new_vs_returning(cells, period.months())),
                cohorts=tuple(kpis.cohort_retention(
                    cells, [kpis.add_months(first_cohort, i) for i in range(COHORT_MONTHS)], last_month)),
                predictions=self._predictions(s, segment_id),
                sla_breaches=ticket_queries.breaches(s, self.clock()))

    def load_report(self, period: Period, segment: str | None = None) -> Dashboard:
        """`load`, with the model's holdout check run first when it is due (for a report made in one go)."""
        dashboard = self.load(period, segment)
        if dashboard.predictions.holdout is not None:
            return dashboard
        return replace(dashboard, predictions=replace(dashboard.predictions, holdout=self.check_model()))

    def check_model(self) -> HoldoutCheck:
        """Fit the models on all orders but the last HOLDOUT_DAYS days and compare their predictions for those
        days with what happened (as `ecrm clv validate`); kept until new orders arrive. Takes seconds per
        100,000 customers: the screen runs it after the figures are shown."""
        require(self.session, Operation.RUN_MODELS)
        with self.session.workspace.sessions() as s:
            last = clv_queries.last_order_day(s)
        if last is None:
            check, stored = HoldoutCheck.impossible("No orders yet to check the model on."), None
        else:
            try:
                stored = validate_workspace(self.session, last - timedelta(days=HOLDOUT_DAYS))
                check = HoldoutCheck.from_report(stored)
            except EcrmError as exc:  # too little history: say so on the chart
                check, stored = HoldoutCheck.impossible(str(exc)), None
        with self.session.workspace.sessions() as s, s.begin():
            write_setting(s, HOLDOUT_SETTING, {"last_order_day": last.isoformat() if last else None,
                                               "report": stored, "note": check.note})
        return check

    def rebuild_rollups(self) -> None:
        """Recompute every rollup from the orders (a repair; also done when the time zone changed)."""
        require(self.session, Operation.SYNC)
        with self.session.workspace.sessions() as s, s.begin():
            rollups.rebuild(s)
            audit.append(s, self.session.user_name, "rollups.rebuild")

    def set_spend(self, channel: str, month: str, amount_cents: int) -> None:
        """Record what was spent on a marketing channel in a month ('YYYY-MM'), in reporting cents."""
        self.import_spend([(channel, month, amount_cents)])

    def import_spend_csv(self, path: Path) -> int:
        """Read marketing spend from a CSV file with the columns channel, month (YYYY-MM) and amount (in the
        reporting currency, e.g. 1250.50); returns the number of rows recorded."""
        require(self.session, Operation.MANAGE_MARKETING_SPEND)
        try:
            with path.open(newline="", encoding="utf-8-sig") as f:
                rows = [(r["channel"], r["month"], _cents(r["amount"])) for r in csv.DictReader(f)]
        except (OSError, KeyError, TypeError) as exc:
            raise EcrmError(f"{path.name} is not a spend file with the columns channel, month and amount.") from exc
        self.import_spend(rows)
        return len(rows)

    def import_spend(self, rows: list[tuple[str, str, int]]) -> None:
        """Record spend rows (channel, month, cents) in one transaction."""
        require(self.session, Operation.MANAGE_MARKETING_SPEND)
        for channel, month, cents in rows:
            if not channel.strip() or not MONTH.match(month) or cents < 0:
                raise EcrmError(f"Spend needs a channel, a month written YYYY-MM and an amount of 0 or more "
                                f"(got {channel!r}, {month!r}).")
        with self.session.workspace.sessions() as s, s.begin():
            for channel, month, cents in rows:
                dashboard_queries.write_spend(s, channel.strip(), month, cents)
            audit.append(s, self.session.user_name, "marketing_spend.import", rows=len(rows))

    # -- pieces ----------------------------------------------------------------------------------------------

    def _ensure_rollups(self) -> None:
        with self.session.workspace.sessions() as s:
            current = rollups.is_current(s)
        if not current:
            self.rebuild_rollups()

    def _segment_rollups(self, name: str) -> tuple[int, datetime | None]:
        """The saved segment's id and when its members were last evaluated; its rollups are computed whole first
        when they are not kept (a segment saved before they existed, or after a merge or an erasure)."""
        saved = SegmentService(self.session, self.clock).get(name)
        build_segment_rollups(self.session, saved.id, self.clock())
        with self.session.workspace.sessions() as s:
            return saved.id, segment_history.last_evaluated(s, saved.id)

    @staticmethod
    def _figures(s: Session, scope: Scope, sales: list[kpis.SalesDay], cells: list[kpis.CohortCell]) -> kpis.Figures:
        lifetime = kpis.lifetime_until(cells, scope.period.months()[-1])
        return kpis.figures(sales, dashboard_queries.customer_counts(s, scope), lifetime,
                            dashboard_queries.checkout_facts(s, scope, reporting_currency(s)),
                            dashboard_queries.support_facts(s, scope))

    def _predictions(self, s: Session, segment_id: int | None) -> PredictionFigures:
        """Value by segment and churn bands (everyone's and each segment's), kept while the predictions and
        segments stand (they change after a sync): as stored with the scoring or the last save when they are of
        the same version, else computed (a segment's when asked for)."""
        version = prediction_queries.version(s)
        if version is None:
            return PredictionFigures(holdout=_stored_check(s))
        if self._kept_predictions is None or self._kept_predictions[0] != version:
            stored = prediction_queries.kept_figures(s, version) or prediction_queries.KeptFigures(
                tuple(prediction_queries.value_by_segment(s)), prediction_queries.churn_bands(s, None), {})
            self._kept_predictions = (version, PredictionFigures(stored.by_segment, stored.churn, scored=True),
                                      dict(stored.segment_churn))
        _, kept, by_segment = self._kept_predictions
        if segment_id is not None and segment_id not in by_segment:
            by_segment[segment_id] = prediction_queries.churn_bands(s, segment_id)
        churn = kept.churn if segment_id is None else by_segment[segment_id]
        return replace(kept, churn=churn, holdout=_stored_check(s))

    @staticmethod
    def _acquisition(s: Session, scope: Scope, by_channel: dict[str, int]) -> tuple[ChannelAcquisition, ...]:
        new = dashboard_queries.new_customers_by_channel(s, scope)
        spend = dashboard_queries.marketing_spend(s, scope.period.months())
        channels = sorted(set(new) | set(spend) | set(by_channel), key=lambda c: (-by_channel.get(c, 0), c))
        return tuple(ChannelAcquisition(c, new.get(c, 0), kpis.spend_in_period(spend.get(c, {}), scope.period),
                                        by_channel.get(c, 0)) for c in channels)


def _stored_check(s: Session) -> HoldoutCheck | None:
    """The last check of the model, unless orders arrived since (then it is due again)."""
    kept = read_setting(s, HOLDOUT_SETTING)
    last = clv_queries.last_order_day(s)
    if not kept or kept["last_order_day"] != (last.isoformat() if last else None):
        return None
    return HoldoutCheck.from_report(kept["report"]) if kept["report"] else HoldoutCheck.impossible(kept["note"])


def _cents(amount: str) -> int:
    try:
        return kpis.round_half_up(float(amount.replace(",", "").strip()) * 100)
    except ValueError as exc:
        raise EcrmError(f"{amount!r} is not an amount.") from exc
