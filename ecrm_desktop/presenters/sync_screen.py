"""The Sync screen: connected stores, "Sync now" with live progress and cancel, the schedule, past runs and the
records held in quarantine.

The sync itself runs on its own worker (network and page writes), never on the screens' database worker, so
lists stay responsive while a store syncs; reads for this screen go through the database worker as usual.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QTimer

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.sync_status import QuarantineRow, ResourceTally, StoreInfo, SyncRunRow, SyncSchedule
from ecrm_desktop.presenters.tasks import Runner, TaskState, user_message

if TYPE_CHECKING:
    from ecrm_desktop.services.sync import SyncProgress, SyncReport

log = logging.getLogger(__name__)


class Stores(Protocol):
    """What the screen needs of `services.stores.StoreService`."""

    def list(self) -> list[StoreInfo]: ...

    def disconnect(self, name: str) -> None: ...


class Syncer(Protocol):
    """What the screen needs of `services.sync.SyncService`."""

    def run(self, store_name: str | None = None, progress: Callable[[SyncProgress], None] | None = None,
            should_cancel: Callable[[], bool] | None = None, *,
            waiting: Callable[[str, float], None] | None = None) -> SyncReport: ...


class History(Protocol):
    """What the screen needs of `services.sync_history.SyncHistory`."""

    def runs(self, limit: int = 200) -> list[SyncRunRow]: ...

    def quarantined(self, limit: int = 1000) -> list[QuarantineRow]: ...

    def payload(self, record_id: int) -> str: ...


class Schedules(Protocol):
    """What the screen needs of `services.sync_schedule.SyncScheduleService`."""

    def read(self) -> SyncSchedule: ...

    def write(self, schedule: SyncSchedule) -> SyncSchedule: ...


Lists = tuple[list[StoreInfo], list[SyncRunRow], list[QuarantineRow]]


class SyncView(Protocol):
    def show_stores(self, stores: list[StoreInfo]) -> None: ...

    def show_schedule(self, schedule: SyncSchedule) -> None: ...

    def show_running(self, running: bool, cancelling: bool = False) -> None: ...

    def clear_progress(self) -> None: ...

    def show_progress(self, store: str, resource: str, tally: ResourceTally) -> None: ...

    def show_waiting(self, store: str, seconds: float) -> None: ...

    def show_result(self, message: str, ok: bool) -> None: ...

    def show_history(self, runs: list[SyncRunRow]) -> None: ...

    def show_quarantined(self, records: list[QuarantineRow]) -> None: ...

    def show_payload(self, text: str) -> None: ...


class _Mailbox:
    """The newest tally of each (store, resource) and the wait under way, written by the sync's thread and
    emptied on the GUI's: many pages between two repaints cost one repaint."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[tuple[str, str], ResourceTally] = {}
        self._waiting: tuple[str, float] | None = None

    def put(self, p: SyncProgress) -> None:
        with self._lock:
            self._latest[(p.store, p.resource)] = p.this_resource
            self._waiting = None

    def wait(self, store: str, seconds: float) -> None:
        with self._lock:
            self._waiting = (store, seconds)

    def take(self) -> tuple[dict[tuple[str, str], ResourceTally], tuple[str, float] | None]:
        with self._lock:
            taken, waiting, self._latest, self._waiting = self._latest, self._waiting, {}, None
            return taken, waiting


class SyncPresenter:
    def __init__(self, view: SyncView, *, stores: Stores, syncer: Syncer, history: History, schedules: Schedules,
                 runner: Runner, sync_runner: Runner, on_synced: Callable[[], None] = lambda: None) -> None:
        self.view, self.stores, self.syncer, self.history, self.schedules = view, stores, syncer, history, schedules
        self.runner, self.sync_runner, self.on_synced = runner, sync_runner, on_synced
        self.schedule = SyncSchedule()
        self.store_names: list[str] = []
        self.progress: dict[tuple[str, str], ResourceTally] = {}
        self.running = False
        self._cancel = threading.Event()
        self._mailbox = _Mailbox()
        self.timer = QTimer()
        self.timer.timeout.connect(self._scheduled)

    def start(self) -> None:
        """Load the schedule and the lists; start the timer, and sync now if the schedule says so at start-up
        (and a store is connected)."""
        def loaded(result: tuple[SyncSchedule, Lists]) -> None:
            schedule, lists = result
            self._show_lists(lists)
            self._apply(schedule)
            if schedule.on_start and self.store_names:
                self.sync_now()

        self.runner.submit(lambda _s: (self.schedules.read(), self._read_lists()), loaded, "Reading sync history")

    def refresh(self) -> None:
        """Read the stores, the runs and the held records again."""
        self.runner.submit(lambda _s: self._read_lists(), self._show_lists, "Reading sync history")

    def sync_now(self, store: str | None = None) -> None:
        """Sync every connected store (or the one named) on the sync worker; ignored while a sync runs."""
        if self.running:
            return
        self.running = True
        self._cancel.clear()
        self.progress.clear()
        self.view.clear_progress()
        self.view.show_running(True)

        def job(state: TaskState) -> SyncReport | str:
            def progress(p: SyncProgress) -> None:
                self._mailbox.put(p)
                state.progress(0, 0)

            def waiting(name: str, seconds: float) -> None:
                self._mailbox.wait(name, seconds)
                state.progress(0, 0)

            try:
                return self.syncer.run(store, progress=progress, should_cancel=self._cancel.is_set, waiting=waiting)
            except EcrmError as exc:  # no store connected, an unknown store: said on the screen
                return str(exc)
            except Exception as exc:  # the screen must not stay "syncing"; the log keeps the detail
                log.exception("sync failed")
                return user_message(exc)

        self.sync_runner.submit(job, self._finished, "Syncing", lambda _d, _t: self._drain())

    def cancel(self) -> None:
        """Stop after the page being written; the next sync resumes from there."""
        if self.running:
            self._cancel.set()
            self.view.show_running(True, cancelling=True)

    def select_quarantined(self, record_id: int) -> None:
        self.runner.submit(lambda _s: self.history.payload(record_id), self.view.show_payload, "Reading record")

    def set_schedule(self, schedule: SyncSchedule) -> None:
        """Save the schedule in the workspace and follow it from now on."""
        self.runner.submit(lambda _s: self.schedules.write(schedule), self._apply, "Saving the sync schedule")

    def disconnect(self, name: str) -> None:
        def job(_s: TaskState) -> None:
            self.stores.disconnect(name)

        self.runner.submit(job, lambda _r: self.refresh(), "Disconnecting store")

    def connected(self, store: StoreInfo) -> None:
        """A store was just connected (from the connection dialog): list it and say where its secret went."""
        self.view.show_result(" ".join((f"{store.name} is connected; “Sync now” fetches its data.",
                                        *store.notices)), True)
        self.refresh()

    def shutdown(self) -> None:
        """The window closes: no more scheduled syncs, and a running one stops after its page."""
        self.timer.stop()
        self._cancel.set()

    def _apply(self, schedule: SyncSchedule) -> None:
        self.schedule = schedule
        self.view.show_schedule(schedule)
        if schedule.periodic:
            self.timer.start(schedule.minutes * 60_000)
        else:
            self.timer.stop()

    def _scheduled(self) -> None:
        if self.store_names:
            self.sync_now()

    def _drain(self) -> None:
        tallies, waiting = self._mailbox.take()
        for (store, resource), tally in tallies.items():
            self.progress[(store, resource)] = tally
            self.view.show_progress(store, resource, tally)
        if waiting is not None and not self._cancel.is_set():
            self.view.show_waiting(*waiting)

    def _finished(self, report: SyncReport | str) -> None:
        self._drain()
        self.running = False
        self.view.show_running(False)
        if isinstance(report, str):
            self.view.show_result(report, False)
        else:
            self.view.show_result(summary(report), report.status != "failed")
        self.refresh()
        self.on_synced()

    def _read_lists(self) -> Lists:
        return self.stores.list(), self.history.runs(), self.history.quarantined()

    def _show_lists(self, lists: Lists) -> None:
        stores, runs, records = lists
        self.store_names = [s.name for s in stores]
        self.view.show_stores(stores)
        self.view.show_history(runs)
        self.view.show_quarantined(records)


def summary(report: SyncReport) -> str:
    """One sentence on a finished sync: its outcome, records, and the first error if any."""
    fetched = sum(s.fetched for s in report.stores)
    created = sum(s.created for s in report.stores)
    updated = sum(s.updated for s in report.stores)
    quarantined = sum(s.quarantined for s in report.stores)
    stores = f"{len(report.stores)} store" + ("" if len(report.stores) == 1 else "s")
    text = (f"Sync {report.status}: {stores}, {fetched:,} records fetched, {created:,} new, {updated:,} updated, "
            f"{quarantined:,} quarantined, in {report.seconds:.1f} s.")
    errors = [f"{s.name}: {e}" for s in report.stores for e in s.errors]
    return text + (f" {errors[0]}" if errors else "")
