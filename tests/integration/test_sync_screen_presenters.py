"""The Sync screen's presenters over real services and the store emulator on loopback, with fake views."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QApplication

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.sync_status import (
    SHOPIFY_SCOPES,
    ConnectionCheck,
    QuarantineRow,
    ResourceTally,
    StoreInfo,
    SyncRunRow,
    SyncSchedule,
)
from ecrm_desktop.presenters.store_connect import ConnectStorePresenter, StoreForm
from ecrm_desktop.presenters.sync_screen import SyncPresenter
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.stores import StoreService
from ecrm_desktop.services.sync import SyncProgress, SyncReport, SyncService
from ecrm_desktop.services.sync_history import SyncHistory
from ecrm_desktop.services.sync_schedule import SyncScheduleService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.sync.emulator.faults import Faults
from ecrm_desktop.sync.shopify_queries import REQUIRED_SCOPES
from tests.screen_fixtures import InlineRunner
from tests.sync_support import FAST, connect, dump, emulator, expected_orders, sample_store


class FakeDialog:
    def __init__(self) -> None:
        self.check: ConnectionCheck | None = None
        self.problem: str | None = None
        self.closed_with: StoreInfo | None = None
        self.busy: list[bool] = []

    def show_busy(self, busy: bool) -> None:
        self.busy.append(busy)

    def show_check(self, check: ConnectionCheck) -> None:
        self.check = check

    def show_problem(self, message: str) -> None:
        self.problem = message

    def close_connected(self, store: StoreInfo) -> None:
        self.closed_with = store


class FakeSyncView:
    def __init__(self) -> None:
        self.stores: list[StoreInfo] | None = None
        self.schedule: SyncSchedule | None = None
        self.running: list[tuple[bool, bool]] = []
        self.progress: dict[tuple[str, str], ResourceTally] = {}
        self.progress_calls = 0
        self.result: tuple[str, bool] | None = None
        self.runs: list[SyncRunRow] = []
        self.held: list[QuarantineRow] = []
        self.payload: str | None = None
        self.waiting: list[tuple[str, float]] = []
        self.on_progress: Callable[[], None] = lambda: None

    def show_stores(self, stores: list[StoreInfo]) -> None:
        self.stores = stores

    def show_schedule(self, schedule: SyncSchedule) -> None:
        self.schedule = schedule

    def show_running(self, running: bool, cancelling: bool = False) -> None:
        self.running.append((running, cancelling))

    def clear_progress(self) -> None:
        self.progress.clear()

    def show_progress(self, store: str, resource: str, tally: ResourceTally) -> None:
        self.progress[(store, resource)] = tally
        self.progress_calls += 1
        self.on_progress()

    def show_waiting(self, store: str, seconds: float) -> None:
        self.waiting.append((store, seconds))

    def show_result(self, message: str, ok: bool) -> None:
        self.result = (message, ok)

    def show_history(self, runs: list[SyncRunRow]) -> None:
        self.runs = runs

    def show_quarantined(self, records: list[QuarantineRow]) -> None:
        self.held = records

    def show_payload(self, text: str) -> None:
        self.payload = text


def presenter(session: UserSession, secrets: SecretStore, view: FakeSyncView) -> SyncPresenter:
    syncer = SyncService(session, secrets, FAST)
    runner = InlineRunner()
    return SyncPresenter(view, stores=syncer.stores, syncer=syncer, history=SyncHistory(session),
                         schedules=SyncScheduleService(session), runner=runner, sync_runner=runner)


def test_the_dialog_lists_the_scopes_the_connector_requires() -> None:
    assert tuple(scope for scope, _why in SHOPIFY_SCOPES) == REQUIRED_SCOPES


def test_connect_dialog_checks_the_scopes_then_connects(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(3)
    store.scopes = ("read_customers", "read_orders", "read_products")
    view, connected = FakeDialog(), []
    dialog = ConnectStorePresenter(view, StoreService(user_session, secrets, FAST), InlineRunner(), connected.append)
    with emulator(store, Platform.SHOPIFY) as server:
        dialog.check(StoreForm(Platform.SHOPIFY, "Main", server.url, "shpat_wrong"))
        assert view.problem is not None and "refused the credentials" in view.problem and view.check is None
        dialog.check(StoreForm(Platform.SHOPIFY, "Main", server.url, store.token))
        assert view.check == ConnectionCheck("Emulated Shop", "USD", store.scopes, ("read_all_orders",))
        dialog.connect(StoreForm(Platform.SHOPIFY, "Main", server.url, store.token))
        assert "read_all_orders" in (view.problem or "") and not connected and view.closed_with is None
        store.scopes = REQUIRED_SCOPES
        dialog.connect(StoreForm(Platform.SHOPIFY, "Main", server.url, store.token))
    assert view.closed_with is not None and connected == [view.closed_with]
    assert view.closed_with.name == "Main" and view.closed_with.secret_location == "keyring"
    assert view.busy == [True, False] * 4


def test_woocommerce_check_shows_the_shop_and_its_currency(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(2, currency="EUR")
    view = FakeDialog()
    dialog = ConnectStorePresenter(view, StoreService(user_session, secrets, FAST), InlineRunner(), lambda _s: None)
    with emulator(store, Platform.WOOCOMMERCE) as server:
        dialog.check(StoreForm(Platform.WOOCOMMERCE, "Woo", server.url, store.secret, store.key))
    assert view.check is not None and view.check.currency == "EUR" and view.check.missing_scopes == ()


def test_sync_now_shows_progress_waits_history_and_quarantined_records(
        user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(30)
    bad = sorted(store.customers)[3]
    faults = Faults(retry_after=0.05, corrupt={bad})
    view = FakeSyncView()
    p = presenter(user_session, secrets, view)
    p.start()
    assert view.stores == [] and view.runs == [] and view.schedule == SyncSchedule()
    with emulator(store, Platform.WOOCOMMERCE, faults=faults) as server:
        connect(user_session, secrets, server, Platform.WOOCOMMERCE)
        faults.inject("ok", "429")  # the first page request after the connection check waits once
        p.refresh()
        assert view.stores is not None and [s.name for s in view.stores] == ["Emulated Shop"]
        p.sync_now()
    assert view.running == [(True, False), (False, False)] and not p.running
    tallies = view.progress
    assert {r for _s, r in tallies} >= {"customers", "orders", "products"}
    assert tallies[("Emulated Shop", "customers")].fetched == 30
    assert tallies[("Emulated Shop", "customers")].quarantined == 1
    assert sum(t.waits for t in tallies.values()) == 1
    assert [(store, 0 < seconds <= 0.05) for store, seconds in view.waiting] == [("Emulated Shop", True)]
    assert 0.04 <= sum(t.waited_seconds for t in tallies.values()) < 1
    assert all(t.pages >= 1 for t in tallies.values())
    assert view.result is not None and view.result[0].startswith("Sync partial: 1 store,") and view.result[1]
    [run] = view.runs
    assert (run.store, run.status, run.quarantined, run.fetched) == ("Emulated Shop", "partial", 1,
                                                                     sum(t.fetched for t in tallies.values()))
    assert run.seconds is not None and run.seconds >= 0  # whole seconds, as recorded: a fast sync takes 0
    [held] = view.held
    assert (held.store, held.resource, held.external_id) == ("Emulated Shop", "customers", bad)
    p.select_quarantined(held.id)
    assert view.payload is not None and f'"id": {bad}' in view.payload
    assert view.stores is not None and view.stores[0].last_status == "partial"


def test_cancel_leaves_a_partial_run_and_the_next_sync_resumes(user_session: UserSession,
                                                               secrets: SecretStore) -> None:
    store = sample_store(25)
    view = FakeSyncView()
    p = presenter(user_session, secrets, view)
    view.on_progress = p.cancel  # cancel as soon as the first page is written
    with emulator(store, Platform.SHOPIFY) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        p.refresh()
        p.sync_now()
        assert view.running == [(True, False), (True, True), (False, False)]
        assert view.progress_calls == 1
        assert view.result is not None and "cancelled" in view.result[0]
        assert [(r.status, "cancelled" in " ".join(r.errors)) for r in view.runs] == [("partial", True)]
        view.on_progress = lambda: None
        p.sync_now()
    assert [r.status for r in view.runs] == ["complete", "partial"]
    assert dump(user_session)["orders"] == expected_orders(store)


def test_schedule_is_saved_in_the_workspace_and_drives_the_timer(
        qapp: QApplication, user_session: UserSession, secrets: SecretStore) -> None:
    view = FakeSyncView()
    p = presenter(user_session, secrets, view)
    p.start()
    assert not p.timer.isActive()
    p.set_schedule(SyncSchedule(minutes=5, periodic=True, on_start=True))
    assert p.timer.isActive() and p.timer.interval() == 5 * 60_000
    assert view.schedule == SyncSchedule(5, True, True)
    p.shutdown()
    assert not p.timer.isActive()

    store = sample_store(3)
    with emulator(store, Platform.WOOCOMMERCE) as server:
        connect(user_session, secrets, server, Platform.WOOCOMMERCE)
        later = FakeSyncView()
        presenter(user_session, secrets, later).start()  # "on start-up": it syncs at once
        assert later.schedule == SyncSchedule(5, True, True)
        assert [r.status for r in later.runs] == ["complete"]
        p.refresh()
        p.timer.timeout.emit()  # the schedule's turn comes
    assert [r.status for r in view.runs] == ["complete", "complete"]
    with pytest.raises(Exception, match="1 to"):
        SyncScheduleService(user_session).write(SyncSchedule(minutes=0))


def test_disconnect_forgets_the_secret_and_keeps_the_data(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(4)
    view = FakeSyncView()
    p = presenter(user_session, secrets, view)
    with emulator(store, Platform.SHOPIFY) as server:
        connect(user_session, secrets, server, Platform.SHOPIFY)
        p.sync_now()
        p.disconnect("Emulated Shop")
        assert view.stores == [] and len(view.runs) == 1
        assert secrets.get(f"store-secret:{user_session.workspace.workspace_id}:1") is None
        p.sync_now()
        assert view.result is not None and not view.result[1] and "No store is connected" in view.result[0]
        info = connect(user_session, secrets, server, Platform.SHOPIFY)  # the same name connects again
    assert info.id == 1 and dump(user_session)["orders"] == expected_orders(store)


class BrokenSyncer:
    """A sync that fails in a way no service anticipates (a bug): the screen must not stay "syncing"."""

    def run(self, store_name: str | None = None, progress: Callable[[SyncProgress], None] | None = None,
            should_cancel: Callable[[], bool] | None = None, *,
            waiting: Callable[[str, float], None] | None = None) -> SyncReport:
        raise RuntimeError("disk on fire")


def test_an_unexpected_failure_is_said_on_the_screen_and_the_screen_recovers(user_session: UserSession,
                                                                             secrets: SecretStore) -> None:
    view, runner = FakeSyncView(), InlineRunner()
    stores = StoreService(user_session, secrets, FAST)
    p = SyncPresenter(view, stores=stores, syncer=BrokenSyncer(), history=SyncHistory(user_session),
                      schedules=SyncScheduleService(user_session), runner=runner, sync_runner=runner)
    p.sync_now()
    assert view.result == ("Something went wrong (RuntimeError: disk on fire). The details are in the log.", False)
    assert not p.running and view.running[-1] == (False, False)
