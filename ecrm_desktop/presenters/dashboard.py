"""The dashboard screen: choose a period (preset or custom), a segment and a grain; figures load on the worker.

Checking the prediction model on a holdout fits it again (seconds per 100,000 customers), so it runs as a second
job after the figures are shown, once until new orders arrive (the service keeps its result)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Protocol

from ecrm_desktop.domain.kpis import Dashboard, Grain, Period, Preset
from ecrm_desktop.domain.predicted_value import HoldoutCheck
from ecrm_desktop.presenters.tasks import Runner, TaskState

DEFAULT_PRESET = Preset.LAST_12_MONTHS


class Dashboards(Protocol):
    """What the screen needs of `services.dashboard.DashboardService`."""

    def preset(self, preset: Preset) -> Period: ...

    def segment_names(self) -> list[str]: ...

    def load(self, period: Period, segment: str | None = None, grain: Grain | None = None) -> Dashboard: ...

    def import_spend_csv(self, path: Path) -> int: ...

    def check_model(self) -> HoldoutCheck: ...


class DashboardView(Protocol):
    def show_segments(self, names: list[str]) -> None: ...

    def show_loading(self) -> None: ...

    def show_dashboard(self, dashboard: Dashboard) -> None: ...

    def show_holdout(self, check: HoldoutCheck) -> None: ...


class DashboardPresenter:
    """Keeps the chosen period, segment and grain; every change reloads (older loads are cancelled)."""

    def __init__(self, view: DashboardView, dashboards: Dashboards, runner: Runner) -> None:
        self.view, self.dashboards, self.runner = view, dashboards, runner
        self.preset: Preset | None = DEFAULT_PRESET
        self.custom: Period | None = None
        self.segment: str | None = None
        self.grain: Grain | None = None  # None: the service picks one for the period's length
        self.dashboard: Dashboard | None = None
        self._loading: TaskState | None = None
        self._checking = False

    def start(self) -> None:
        """Load the first time the screen is shown; afterwards the figures stay until something changes."""
        if self.dashboard is None and self._loading is None:
            self.runner.submit(lambda _s: self.dashboards.segment_names(), self.view.show_segments, "Segments")
            self.refresh()

    def choose_preset(self, preset: Preset) -> None:
        self.preset, self.custom = preset, None
        self.refresh()

    def choose_range(self, start: date, end: date) -> None:
        """A custom period (the two days in either order)."""
        self.preset, self.custom = None, Period(min(start, end), max(start, end))
        self.refresh()

    def choose_segment(self, name: str | None) -> None:
        self.segment = name or None
        self.refresh()

    def choose_grain(self, grain: Grain) -> None:
        self.grain = grain
        self.refresh()

    def import_spend(self, path: Path) -> None:
        """Record marketing spend from a CSV file (channel, month, amount), then recompute CAC and ROMI."""
        self.runner.submit(lambda _s: self.dashboards.import_spend_csv(path), lambda _n: self.refresh(),
                           "Importing marketing spend")

    def refresh(self) -> None:
        """Recompute every figure for the current choices on the worker."""
        if self._loading is not None:
            self._loading.cancel()
        preset, custom, segment, grain = self.preset, self.custom, self.segment, self.grain
        self.view.show_loading()

        def load(_state: TaskState) -> Dashboard:
            period = custom if custom is not None else self.dashboards.preset(preset or DEFAULT_PRESET)
            return self.dashboards.load(period, segment, grain)

        self._loading = self.runner.submit(load, self._show, "Computing the dashboard")

    def _show(self, dashboard: Dashboard) -> None:
        self._loading = None
        self.dashboard = dashboard
        self.view.show_dashboard(dashboard)
        if dashboard.predictions.holdout is None and not self._checking:
            self._checking = True
            self.runner.submit(lambda _s: self.dashboards.check_model(), self._checked,
                               "Checking the prediction model on the last half year")

    def _checked(self, check: HoldoutCheck) -> None:
        self._checking = False
        if self.dashboard is not None:
            self.dashboard = replace(self.dashboard, predictions=replace(self.dashboard.predictions, holdout=check))
        self.view.show_holdout(check)
