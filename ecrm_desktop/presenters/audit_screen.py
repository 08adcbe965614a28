"""The audit trail viewer for administrators: filter, read, export as CSV, and verify the hash chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from ecrm_desktop.domain.audit import AuditFilter, AuditRow
from ecrm_desktop.presenters.tasks import Runner, TaskState

if TYPE_CHECKING:
    from ecrm_desktop.services.audit import ChainReport

SHOWN = 2000


class Trail(Protocol):
    """What the screen needs of `services.audit.AuditService`."""

    def search(self, wanted: AuditFilter, limit: int = ...) -> list[AuditRow]: ...

    def count(self, wanted: AuditFilter) -> int: ...

    def users_and_actions(self) -> tuple[list[str], list[str]]: ...

    def export_filtered(self, wanted: AuditFilter) -> Iterator[AuditRow]: ...

    def verify(self) -> ChainReport: ...


class AuditView(Protocol):
    def show_choices(self, users: list[str], actions: list[str]) -> None: ...

    def show_rows(self, rows: list[AuditRow], total: int) -> None: ...

    def show_verdict(self, text: str, intact: bool | None) -> None: ...

    def show_notice(self, text: str) -> None: ...


@dataclass(frozen=True)
class Filters:
    """What the person chose; days are inclusive, in UTC."""

    user: str = ""
    action: str = ""
    customer: str = ""
    since: date | None = None
    until: date | None = None


CsvWriter = Callable[[TextIO, Iterable[AuditRow]], int]


class AuditPresenter:
    def __init__(self, view: AuditView, trail: Trail, runner: Runner, write_csv: CsvWriter) -> None:
        self.view, self.trail, self.runner, self.write_csv = view, trail, runner, write_csv
        self.wanted = AuditFilter()

    def start(self) -> None:
        self.runner.submit(lambda _s: self.trail.users_and_actions(), lambda ua: self.view.show_choices(*ua),
                           "Audit filters")
        self.apply(Filters())

    def apply(self, filters: Filters) -> None:
        """Show the newest entries matching every filter."""
        customer = filters.customer.strip().lstrip("#")
        if customer and not customer.isdigit():
            self.view.show_notice("A customer is given by its number, e.g. 1042.")
            return
        self.wanted = AuditFilter(filters.user or None, filters.action or None, int(customer) if customer else None,
                                  _start(filters.since), _start(filters.until, 1))
        wanted = self.wanted

        def job(_s: TaskState) -> tuple[list[AuditRow], int]:
            return self.trail.search(wanted, SHOWN), self.trail.count(wanted)

        self.runner.submit(job, lambda found: self.view.show_rows(*found), "Reading the audit trail")

    def export(self, path: Path) -> None:
        """Write the entries matching the filters (all of them, oldest first) as CSV."""
        wanted = self.wanted

        def job(_s: TaskState) -> int:
            with path.open("w", encoding="utf-8", newline="") as out:
                return self.write_csv(out, self.trail.export_filtered(wanted))

        self.runner.submit(job, lambda n: self.view.show_notice(f"Exported {n:,} entries to {path.name}."),
                           "Exporting the audit trail")

    def verify(self) -> None:
        """Check every row's hash and link; the verdict names the first broken row."""
        self.view.show_verdict("Verifying…", None)

        def done(report: ChainReport) -> None:
            if report.first_broken is None:
                self.view.show_verdict(f"Intact: all {report.rows:,} entries verify.", True)
            else:
                self.view.show_verdict(f"Tampered with: entry {report.first_broken} does not verify "
                                       f"({report.rows:,} entries checked).", False)

        self.runner.submit(lambda _s: self.trail.verify(), done, "Verifying the audit trail")


def _start(day: date | None, days: int = 0) -> datetime | None:
    return None if day is None else datetime.combine(day + timedelta(days=days), time(), UTC)
