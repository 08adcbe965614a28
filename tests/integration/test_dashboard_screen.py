"""The dashboard presenter over the real service (fake view), the report as PDF and CSV, and `ecrm report`."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.kpis import Dashboard, Grain, Period, Preset
from ecrm_desktop.domain.predicted_value import HoldoutCheck
from ecrm_desktop.presenters.dashboard import DashboardPresenter
from ecrm_desktop.services.dashboard import DashboardService
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from tests.integration.test_cli import PASSWORD, ecrm
from tests.screen_fixtures import InlineRunner, QueuedRunner, fill_small_store

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


class FakeView:
    def __init__(self) -> None:
        self.segments: list[str] = []
        self.shown: list[Dashboard] = []
        self.loading = 0
        self.checks: list[HoldoutCheck] = []

    def show_segments(self, names: list[str]) -> None:
        self.segments = names

    def show_loading(self) -> None:
        self.loading += 1

    def show_dashboard(self, dashboard: Dashboard) -> None:
        self.shown.append(dashboard)

    def show_holdout(self, check: HoldoutCheck) -> None:
        self.checks.append(check)


def test_presenter_loads_once_then_on_every_choice(user_session: UserSession) -> None:
    fill_small_store(user_session)
    SegmentService(user_session).save("Big", "number_of_orders >= 3")
    view = FakeView()
    presenter = DashboardPresenter(view, DashboardService(user_session), InlineRunner())
    presenter.start()
    presenter.start()
    assert view.segments == ["Big"] and len(view.shown) == 1
    presenter.choose_range(YEAR.end, YEAR.start)  # either order
    presenter.choose_grain(Grain.MONTH)
    presenter.choose_segment("Big")
    last = view.shown[-1]
    assert (last.period, last.grain, last.segment) == (YEAR, Grain.MONTH, "Big")
    everyone = DashboardService(user_session).load(YEAR)
    assert 0 < last.current.orders < everyone.current.orders
    assert len(last.series) == 12 and sum(p.orders for p in last.series) == last.current.orders
    # the model was checked once, after the first figures; later loads read the kept result
    assert len(view.checks) == 1 and last.predictions.holdout == view.checks[0]


def test_presenter_imports_marketing_spend_and_reloads(user_session: UserSession, tmp_path: Path) -> None:
    fill_small_store(user_session)
    view = FakeView()
    presenter = DashboardPresenter(view, DashboardService(user_session), InlineRunner())
    presenter.choose_range(YEAR.start, YEAR.end)
    spend = tmp_path / "spend.csv"
    spend.write_text("channel,month,amount\nads,2025-01,310.00\nads,2025-02,\"1,000\"\n", encoding="utf-8")
    presenter.import_spend(spend)
    ads = [a for a in view.shown[-1].acquisition if a.channel == "ads"]
    assert [(a.spend_cents, a.new_customers) for a in ads] == [(131_000, 0)]
    spend.write_text("channel,month\nads,2025-01\n", encoding="utf-8")
    with pytest.raises(EcrmError, match="columns channel, month and amount"):
        DashboardService(user_session).import_spend_csv(spend)


def test_a_newer_choice_cancels_the_older_load(user_session: UserSession) -> None:
    runner = QueuedRunner()
    view = FakeView()
    presenter = DashboardPresenter(view, DashboardService(user_session), runner)
    presenter.choose_preset(Preset.LAST_MONTH)
    presenter.choose_preset(Preset.THIS_YEAR)
    runner.run_all()
    assert runner.ran == 2 and len(view.shown) == 1  # the newer load, then the model check it queued
    assert len(view.checks) == 1
    assert view.shown[0].period == DashboardService(user_session).preset(Preset.THIS_YEAR)


@pytest.mark.gui
def test_pdf_and_csv_exports(user_session: UserSession, tmp_path: Path, qtbot: QtBot) -> None:
    from ecrm_desktop.views.dashboard_report import write_pdf
    from ecrm_desktop.views.dashboard_tables import tables

    fill_small_store(user_session)
    dashboard = DashboardService(user_session).load(YEAR)
    write_pdf(dashboard, tmp_path / "d.pdf")
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF") and (tmp_path / "d.pdf").stat().st_size > 20_000
    kpis = next(t for t in tables(dashboard) if t.name == "kpis")
    kpis.write_csv(tmp_path / "kpis.csv")
    rows = list(csv.reader((tmp_path / "kpis.csv").open(encoding="utf-8")))
    assert rows[0][0] == "Figure" and dict((r[0], r[1]) for r in rows[1:])["Orders"] == f"{dashboard.current.orders:,}"


def test_ecrm_report_writes_the_pdf(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    assert ecrm("init", workspace=folder, ECRM_PASSWORD=PASSWORD).returncode == 0
    session = WorkspaceService().unlock(folder, "admin", PASSWORD)
    fill_small_store(session)
    expected = DashboardService(session).load(YEAR).current
    session.close()
    spend = tmp_path / "spend.csv"
    spend.write_text("channel,month,amount\nweb,2025-03,1250.50\n", encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    done = ecrm("report", "--from", "2025-01-01", "--to", "2025-12-31", "--pdf", str(pdf), "--spend-csv", str(spend),
                "--json", workspace=folder, ECRM_PASSWORD=PASSWORD)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["orders"], out["net_cents"]) == (expected.orders, expected.net_cents)
    assert pdf.read_bytes().startswith(b"%PDF")
    session = WorkspaceService().unlock(folder, "admin", PASSWORD)
    web = [a for a in DashboardService(session).load(YEAR).acquisition if a.channel == "web"]
    session.close()
    assert [a.spend_cents for a in web] == [125_050]
    wrong = ecrm("report", "--from", "2025-02-01", "--to", "2025-01-01", "--pdf", str(pdf), workspace=folder,
                 ECRM_PASSWORD=PASSWORD)
    assert wrong.returncode == 2 and "--to" in wrong.stderr
