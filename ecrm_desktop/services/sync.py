"""Syncing connected stores: the service behind `ecrm sync` and the GUI's sync worker.

Each store is synced page by page by the `SyncRunner` (every page commits with its checkpoint), recorded as a
`sync_runs` row and an audit entry. One store's failure does not stop the others.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from sqlalchemy import select, update

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.sync_status import ResourceTally
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.stores import StoreService, store_named
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import Store, SyncRun, utcnow
from ecrm_desktop.sync.http import HttpOptions
from ecrm_desktop.sync.pages import Connector, Resource
from ecrm_desktop.sync.runner import SyncCounts, SyncRunner

log = logging.getLogger(__name__)

COMPLETE, PARTIAL, FAILED = "complete", "partial", "failed"
RUNNING, INTERRUPTED = "running", "interrupted"  # only in sync_runs
EXIT_CODES = {COMPLETE: 0, PARTIAL: 3, FAILED: 1}


@dataclass
class StoreReport:
    name: str
    platform: str
    fetched: int = 0
    created: int = 0
    updated: int = 0
    quarantined: int = 0
    errors: list[str] = field(default_factory=list)
    cancelled: bool = False
    deleted: int = 0

    @property
    def status(self) -> str:
        """failed on an error; partial when cancelled or with quarantined records; else complete."""
        if self.cancelled:
            return PARTIAL
        return FAILED if self.errors else PARTIAL if self.quarantined else COMPLETE


@dataclass
class SyncReport:
    stores: list[StoreReport]
    seconds: float

    @property
    def status(self) -> str:
        """failed when every store failed, partial when some failed or quarantined records, else complete."""
        statuses = {s.status for s in self.stores}
        if statuses and statuses == {FAILED}:
            return FAILED
        return PARTIAL if statuses & {FAILED, PARTIAL} else COMPLETE

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def to_json(self) -> dict[str, Any]:
        """Exactly the `ecrm sync --json` document of CLI.md."""
        return {"status": self.status, "stores": [
            {"name": s.name, "platform": s.platform, "fetched": s.fetched, "created": s.created,
             "updated": s.updated, "quarantined": s.quarantined, "errors": list(s.errors), "deleted": s.deleted}
            for s in self.stores],
            "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class SyncProgress:
    """Reported after every page: which store and resource, the store's running totals, and the resource's own
    tally in this run (`this_resource`: pages, records, rate-limit waits)."""

    store: str
    resource: str
    fetched: int
    created: int
    updated: int
    quarantined: int
    this_resource: ResourceTally = field(default_factory=ResourceTally)


class _Waits:
    """Counts the waits the HTTP client reports (on the sync's own thread) until the next page claims them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count, self.seconds = 0, 0.0
        self.listener: Callable[[float], None] | None = None  # told of each wait as it starts

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.count += 1
            self.seconds += seconds
        if self.listener is not None:
            self.listener(seconds)

    def take(self) -> tuple[int, float]:
        with self._lock:
            taken = (self.count, self.seconds)
            self.count, self.seconds = 0, 0.0
            return taken


class SyncService:
    def __init__(self, session: UserSession, secrets: SecretStore | None = None,
                 http: HttpOptions | None = None) -> None:
        self.session = session
        self._waits = _Waits()
        options = http or HttpOptions()
        heard = options.on_wait

        def on_wait(seconds: float) -> None:
            self._waits(seconds)
            if heard is not None:
                heard(seconds)

        self.stores = StoreService(session, secrets, replace(options, on_wait=on_wait))

    def run(self, store_name: str | None = None, progress: Callable[[SyncProgress], None] | None = None,
            should_cancel: Callable[[], bool] | None = None, *,
            waiting: Callable[[str, float], None] | None = None) -> SyncReport:
        """Sync every connected store (or the one named) once; `waiting(store, seconds)` hears of each wait a
        store's rate limit (or a retry) imposes as it starts."""
        require(self.session, Operation.SYNC)
        started = time.perf_counter()
        targets = self._targets(store_name)
        reports = []
        try:
            for store_id, name in targets:
                if should_cancel is not None and should_cancel():
                    break
                self._waits.listener = None if waiting is None else partial(waiting, name)
                reports.append(self._sync_store(store_id, name, progress, should_cancel))
        finally:
            self._waits.listener = None
        return SyncReport(reports, time.perf_counter() - started)

    def _targets(self, store_name: str | None) -> list[tuple[int, str]]:
        if store_name is not None:
            with self.session.workspace.sessions() as s:
                store = store_named(s, store_name)
                return [(store.id, store.name)]
        connected = self.stores.list()
        if not connected:
            raise EcrmError("No store is connected yet; connect one with 'ecrm stores add'.")
        return [(info.id, info.name) for info in connected]

    def _sync_store(self, store_id: int, name: str, progress: Callable[[SyncProgress], None] | None,
                    should_cancel: Callable[[], bool] | None) -> StoreReport:
        sessions = self.session.workspace.sessions
        with sessions() as s, s.begin():
            store = s.get_one(Store, store_id)
            report = StoreReport(name, store.platform.value)
            s.execute(update(SyncRun).where(SyncRun.store_id == store_id, SyncRun.status == RUNNING)
                      .values(status=INTERRUPTED))  # runs whose process died; their pages are kept
            run = SyncRun(store_id=store_id, started_at=utcnow(), status=RUNNING)
            s.add(run)
            s.flush()
            run_id = run.id

        tallies: dict[Resource, ResourceTally] = {}
        last = SyncCounts()
        self._waits.take()  # waits of an earlier store or check belong to no page of this one

        def on_page(resource: Resource, c: SyncCounts) -> None:
            waits, seconds = self._waits.take()
            t = tallies.get(resource, ResourceTally())
            t = tallies[resource] = ResourceTally(
                t.pages + 1, t.fetched + c.fetched - last.fetched, t.created + c.created - last.created,
                t.updated + c.updated - last.updated, t.quarantined + c.quarantined - last.quarantined,
                t.waits + waits, t.waited_seconds + seconds)
            last.fetched, last.created, last.updated, last.quarantined = c.fetched, c.created, c.updated, c.quarantined
            if progress is not None:
                progress(SyncProgress(name, resource.value, c.fetched, c.created, c.updated, c.quarantined, t))

        runner: SyncRunner | None = None
        connector: Connector | None = None
        try:
            with sessions() as s:
                connector = self.stores.connector(s.get_one(Store, store_id))
            runner = SyncRunner(sessions, store_id, connector, progress=on_page, should_cancel=should_cancel)
            if runner.run().cancelled:
                report.cancelled = True
                report.errors.append("The sync was cancelled; the next sync resumes where it stopped.")
        except EcrmError as exc:
            report.errors.append(str(exc))
        except Exception as exc:  # one store's bug must not stop the others; the log keeps the detail
            log.exception("sync of store %s failed", name)
            report.errors.append(f"The sync of {name!r} failed unexpectedly ({type(exc).__name__}); "
                                 "run with --debug for details.")
        finally:
            if connector is not None:
                connector.close()
        if runner is not None:
            c = runner.counts
            report.fetched, report.created, report.updated, report.quarantined = (
                c.fetched, c.created, c.updated, c.quarantined)
            report.deleted = c.deleted
        self._record(run_id, report)
        return report

    def _record(self, run_id: int, report: StoreReport) -> None:
        with self.session.workspace.sessions() as s, s.begin():
            run = s.get_one(SyncRun, run_id)
            run.finished_at, run.status = utcnow(), report.status
            run.fetched, run.created, run.updated, run.quarantined = (
                report.fetched, report.created, report.updated, report.quarantined)
            run.errors_json = json.dumps(report.errors)
            if report.status != FAILED:
                store = s.execute(select(Store).where(Store.id == run.store_id)).scalar_one()
                store.last_sync_at = run.finished_at
            audit.append(s, self.session.user_name, "store.sync", "store", run.store_id, status=report.status,
                         fetched=report.fetched, created=report.created, updated=report.updated,
                         quarantined=report.quarantined, errors=len(report.errors))
