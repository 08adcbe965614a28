"""The segments screen: saved segments with their size over time, the editor (query text and rule rows, one
query), a live member count, the members' preview, CSV export and the R x F grid.

The count follows typing: each edit restarts a short timer; when it fires the count runs on the worker, and a
result that arrives after a newer edit is dropped. An invalid query shows where and what is wrong, and cannot be
saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol, TextIO

from PySide6.QtCore import QObject, QTimer

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.domain.directory import CustomerQuery, CustomerRow
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.segments import to_text
from ecrm_desktop.domain.segments.ast import Node
from ecrm_desktop.domain.segments.rfm import RfmCell
from ecrm_desktop.domain.segments.rules import RuleSet, rules_of, text_of
from ecrm_desktop.domain.segments.saved import SavedSegment
from ecrm_desktop.presenters.access import Refusal
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.paging import PagedRows
from ecrm_desktop.presenters.tasks import Runner, TaskState

Members = str | RfmCell
CsvWriter = Callable[[TextIO, Iterable["Batch"]], int]
DEBOUNCE_MS = 300
CountSeries = list[tuple[datetime, int]]
Rows = list[CustomerRow]
Batch = list[CustomerSummary]


class Segments(Protocol):
    """What the screen needs of `services.segments.SegmentService`."""

    def parse(self, query: str) -> Node: ...

    def count(self, query: str) -> int: ...

    def list(self) -> list[SavedSegment]: ...

    def history(self, name: str, limit: int = 90) -> CountSeries: ...

    def save(self, name: str, query: str, description: str = "") -> SavedSegment: ...

    def delete(self, name: str) -> None: ...

    def count_rows(self, source: Members, listing: CustomerQuery) -> int: ...

    def page_rows(self, source: Members, listing: CustomerQuery, offset: int, limit: int) -> Rows: ...

    def rfm_grid(self) -> dict[tuple[int, int], int]: ...

    def export(self, query_or_name: str, contacts_only: bool = False) -> Iterator[Batch]: ...


@dataclass(frozen=True)
class SegmentLine:
    """A saved segment as the list shows it: the segment and its size at its latest evaluations."""

    segment: SavedSegment
    series: tuple[int, ...]


class SegmentsView(Protocol):
    def show_segments(self, lines: list[SegmentLine], current: str | None) -> None: ...

    def show_editor(self, name: str, description: str, query: str) -> None: ...

    def show_query(self, text: str) -> None: ...

    def show_rules(self, rules: RuleSet | None) -> None: ...

    def show_problem(self, message: str | None) -> None: ...

    def show_count(self, text: str) -> None: ...

    def show_members_title(self, text: str) -> None: ...

    def show_grid(self, grid: dict[tuple[int, int], int]) -> None: ...

    def show_notice(self, text: str) -> None: ...


@dataclass(frozen=True)
class Listing:
    """What the members' preview lists: a query's or a grid cell's customers, in the customer list's order."""

    source: Members
    query: CustomerQuery = field(default_factory=CustomerQuery)


class SegmentsPresenter:
    def __init__(self, view: SegmentsView, segments: Segments, runner: Runner, navigate: Callable[[Place], None], *,
                 write_csv: CsvWriter, debounce_ms: int = DEBOUNCE_MS, write_contacts: CsvWriter | None = None,
                 refusal: Refusal = lambda _o: None) -> None:
        self.view, self.segments, self.runner, self.navigate = view, segments, runner, navigate
        self.write_csv, self.write_contacts = write_csv, write_contacts
        self.refusal = refusal  # why the signed-in role may not do something, or None
        self.current: str | None = None  # the saved segment being edited
        self.query = ""
        self.valid = False
        self.members: PagedRows[Listing, CustomerRow] = PagedRows(
            runner, lambda q: segments.count_rows(q.source, q.query),
            lambda q, offset, limit: segments.page_rows(q.source, q.query, offset, limit), page_size=100)
        self._timer = QTimer(view if isinstance(view, QObject) else None)  # goes when the screen goes
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._count_now)
        self._counting: TaskState | None = None
        self._edits = 0

    # -- the list ------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the saved segments and the grid."""
        self.reload()
        self.runner.submit(lambda _s: self.segments.rfm_grid(), self.view.show_grid, "RFM grid")

    def reload(self) -> None:
        def job(_s: TaskState) -> list[SegmentLine]:
            return [SegmentLine(s, tuple(n for _, n in self.segments.history(s.name)))
                    for s in self.segments.list()]

        self.runner.submit(job, lambda lines: self.view.show_segments(lines, self.current), "Segments")

    def select(self, segment: SavedSegment) -> None:
        """Edit a saved segment."""
        self.current = segment.name
        self.view.show_editor(segment.name, segment.description, segment.query)
        self.edit_text(segment.query)

    def new(self) -> None:
        self.current = None
        self.view.show_editor("", "", "")
        self.edit_text("")

    # -- editing -------------------------------------------------------------------------------------------

    def edit_text(self, text: str) -> None:
        """The query text changed: check it, show its rules, and count it once typing pauses."""
        node = self._check(text)
        self.view.show_rules(rules_of(node) if node is not None else None if text.strip() else RuleSet(()))

    def edit_rules(self, rules: RuleSet) -> None:
        """The rule rows changed: show the query they make (rows still being filled in show what is missing)."""
        text = text_of(rules)
        node = self._check(text)
        self.view.show_query(to_text(node) if node is not None else text)

    def _check(self, text: str) -> Node | None:
        self.query = text
        self._edits += 1
        if self._counting is not None:
            self._counting.cancel()
        self._timer.stop()
        if not text.strip():
            self.valid = False
            self.view.show_problem(None)
            self.view.show_count("Type a query or add a rule.")
            return None
        try:
            node = self.segments.parse(text)
        except UsageError as exc:
            self.valid = False
            self.view.show_problem(str(exc))
            self.view.show_count("")
            return None
        self.valid = True
        self.view.show_problem(None)
        self.view.show_count("Counting…")
        self._timer.start()
        return node

    def _count_now(self) -> None:
        query, edit = self.query, self._edits

        def done(n: int) -> None:
            if edit == self._edits:  # a newer edit supersedes this count
                self.view.show_count(f"{n:,} customer{'s' if n != 1 else ''}")
                self.preview()

        self._counting = self.runner.submit(lambda _s: self.segments.count(query), done, "Counting")

    def preview(self) -> None:
        """List the query's members below the editor (for roles that may see them)."""
        if self._members_denied():
            return
        if self.valid:
            self.view.show_members_title("Members")
            self.members.reset(Listing(self.query))

    def open_cell(self, recency: int, frequency: int) -> None:
        """List the customers in a cell of the R x F grid."""
        if self._members_denied():
            return
        self.view.show_members_title(f"Customers with recency {recency} and frequency {frequency}")
        self.members.reset(Listing(RfmCell(recency, frequency)))

    def open_member(self, index: int) -> None:
        row = self.members.row(index)
        if row is not None:
            self.navigate(Place(Screen.CUSTOMER, row.id))

    # -- saving and exporting ------------------------------------------------------------------------------

    def save(self, name: str, description: str) -> None:
        """Save the query under `name` (replacing the segment being edited when it was renamed)."""
        if not self.valid:
            self.view.show_problem("Fix the query before saving it.")
            return
        query, previous = self.query, self.current

        def job(_s: TaskState) -> SavedSegment:
            saved = self.segments.save(name, query, description)
            if previous is not None and previous != saved.name:
                self.segments.delete(previous)
            return saved

        self.runner.submit(job, self._saved, "Saving")

    def duplicate(self, name: str, description: str) -> None:
        """Save a copy of the query under a new name."""
        self.current = None
        self.save(f"{name} (copy)" if name.strip() else "New segment (copy)", description)

    def delete(self) -> None:
        if self.current is None:
            return
        name = self.current

        def deleted(_r: None) -> None:
            self.view.show_notice(f"Deleted '{name}'.")
            self.new()
            self.reload()

        self.runner.submit(lambda _s: self.segments.delete(name), deleted, "Deleting")

    def export(self, path: Path) -> None:
        """Write the members of the query as CSV (the same columns as `ecrm segment export`)."""
        if not self.valid:
            self.view.show_problem("Fix the query before exporting it.")
            return
        query = self.query
        contacts = bool(self.refusal(Operation.EXPORT_CUSTOMERS)) and not self.refusal(Operation.EXPORT_CONTACTS)
        write = self.write_contacts if contacts and self.write_contacts is not None else self.write_csv
        what = "consenting contacts" if contacts else "customers"

        def job(_s: TaskState) -> int:
            with path.open("w", encoding="utf-8", newline="") as out:
                return write(out, self.segments.export(query, contacts_only=contacts))

        self.runner.submit(job, lambda n: self.view.show_notice(f"Exported {n:,} {what} to {path.name}."),
                           "Exporting")

    def _members_denied(self) -> bool:
        """Say so, instead of listing members, for a role that may only count them."""
        reason = self.refusal(Operation.VIEW_SEGMENT_MEMBERS)
        if reason is not None:
            self.view.show_members_title(reason)
        return reason is not None

    def _saved(self, saved: SavedSegment) -> None:
        self.current = saved.name
        self.view.show_editor(saved.name, saved.description, saved.query)
        self.view.show_notice(f"Saved '{saved.name}'.")
        self.reload()
