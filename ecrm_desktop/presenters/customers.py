"""The customers screen: the whole customer base as one paged list, searched and sorted in SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ecrm_desktop.domain.directory import SORTABLE, CustomerColumn, CustomerQuery, CustomerRow
from ecrm_desktop.domain.segments.saved import SavedSegment
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.paging import PagedRows
from ecrm_desktop.presenters.tasks import Runner


class Directory(Protocol):
    """What the screen needs of `services.customer_directory.CustomerDirectory`."""

    def count(self, query: CustomerQuery) -> int: ...

    def page(self, query: CustomerQuery, offset: int, limit: int) -> list[CustomerRow]: ...


class SegmentFilter(Protocol):
    """What the screen needs of `services.segments.SegmentService` to list one saved segment's members."""

    def list(self) -> list[SavedSegment]: ...

    def count_rows(self, source: str, listing: CustomerQuery) -> int: ...

    def page_rows(self, source: str, listing: CustomerQuery, offset: int, limit: int) -> Rows: ...


Rows = list[CustomerRow]


@dataclass(frozen=True)
class Listed:
    """What the list shows: the query, within the members of a saved segment's query when one is chosen."""

    query: CustomerQuery
    segment: str | None = None


class CustomersView(Protocol):
    def show_count(self, total: int, searching: bool) -> None: ...

    def show_sort(self, column: CustomerColumn, descending: bool) -> None: ...

    def show_segments(self, names: list[str]) -> None: ...


class CustomersPresenter:
    def __init__(self, view: CustomersView, directory: Directory, runner: Runner,
                 navigate: Callable[[Place], None], segments: SegmentFilter | None = None) -> None:
        self.view, self.navigate, self.runner = view, navigate, runner
        self.directory, self.segments = directory, segments
        self.query = CustomerQuery()
        self.segment: SavedSegment | None = None
        self.saved: list[SavedSegment] = []
        # 100-row pages: a keystroke's first page is ready sooner; 100 pages keep 10,000 rows at hand.
        self.rows: PagedRows[Listed, CustomerRow] = PagedRows(runner, self._count, self._page,
                                                              page_size=100, max_pages=100)
        self.rows.on_reset(lambda total: self.view.show_count(total, bool(self.query.search.strip())))

    def start(self) -> None:
        self.view.show_sort(self.query.sort, self.query.descending)
        self.rows.reset(Listed(self.query))
        self.load_segments()

    def load_segments(self) -> None:
        """Offer the saved segments as filters."""
        if self.segments is not None:
            self.runner.submit(lambda _s: self.segments.list() if self.segments else [], self._segments_loaded,
                               "Segments")

    def filter_segment(self, name: str | None) -> None:
        """List only the members of the saved segment `name` (None: everyone)."""
        segment = next((s for s in self.saved if s.name == name), None)
        if segment != self.segment:
            self.segment = segment
            self._list(self.query)

    def search(self, text: str) -> None:
        if text.strip() != self.query.search.strip():
            self._list(CustomerQuery(text, self.query.sort, self.query.descending))

    def sort(self, column: CustomerColumn, descending: bool) -> None:
        """Sort by `column` when it has an index; otherwise keep (and show again) the current order."""
        if column not in SORTABLE:
            self.view.show_sort(self.query.sort, self.query.descending)
        elif (column, descending) != (self.query.sort, self.query.descending):
            self._list(CustomerQuery(self.query.search, column, descending))

    def open(self, index: int) -> None:
        row = self.rows.row(index)
        if row is not None:
            self.navigate(Place(Screen.CUSTOMER, row.id))

    def _list(self, query: CustomerQuery) -> None:
        self.query = query
        self.rows.reset(Listed(query, self.segment.query if self.segment else None))

    def _count(self, listed: Listed) -> int:
        if listed.segment is not None and self.segments is not None:
            return self.segments.count_rows(listed.segment, listed.query)
        return self.directory.count(listed.query)

    def _page(self, listed: Listed, offset: int, limit: int) -> list[CustomerRow]:
        if listed.segment is not None and self.segments is not None:
            return self.segments.page_rows(listed.segment, listed.query, offset, limit)
        return self.directory.page(listed.query, offset, limit)

    def _segments_loaded(self, saved: list[SavedSegment]) -> None:
        self.saved = saved
        self.view.show_segments([s.name for s in saved])
