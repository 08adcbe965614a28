"""A window over a long list fetched a page at a time: the plain-Python heart of every big table.

The item model asks `row(i)`; a row not yet here answers None (the model paints a placeholder) and its page
is fetched through the serial worker. Only `max_pages` pages are kept; the rest is forgotten and refetched.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from ecrm_desktop.presenters.tasks import Runner, TaskState

Q = TypeVar("Q")
T = TypeVar("T")


class RowsSink(Protocol):
    """What the item model does when rows change."""

    def rows_reset(self, total: int) -> None: ...

    def rows_arrived(self, first: int, last: int) -> None: ...


class PagedRows(Generic[Q, T]):
    def __init__(self, runner: Runner, count: Callable[[Q], int], fetch: Callable[[Q, int, int], list[T]], *,
                 page_size: int = 200, max_pages: int = 50, max_pending: int = 4) -> None:
        self._runner, self._count, self._fetch = runner, count, fetch
        self.page_size, self.max_pages, self.max_pending = page_size, max_pages, max_pending
        self.sinks: list[RowsSink] = []
        self.total = 0
        self.query: Q | None = None
        self._pages: OrderedDict[int, list[T]] = OrderedDict()
        self._pending: OrderedDict[int, TaskState] = OrderedDict()
        self._reset_task: TaskState | None = None
        self._on_reset: list[Callable[[int], None]] = []

    def on_reset(self, callback: Callable[[int], None]) -> None:
        """Call `callback(total)` each time a new query's first page has arrived."""
        self._on_reset.append(callback)

    def reset(self, query: Q) -> None:
        """List `query` instead: count it and fetch its first page in one job, dropping older work."""
        for state in (self._reset_task, *self._pending.values()):
            if state is not None:
                state.cancel()
        self._pending.clear()
        self.query = query
        size = self.page_size

        def job(state: TaskState) -> tuple[int, list[T]]:
            total = self._count(query)
            return total, (self._fetch(query, 0, size) if total and not state.cancelled() else [])

        self._reset_task = self._runner.submit(job, self._reset_done, "Counting")

    def row(self, index: int) -> T | None:
        page = index // self.page_size
        rows = self._pages.get(page)
        if rows is None:
            self._request(page)
            return None
        self._pages.move_to_end(page)
        offset = index - page * self.page_size
        return rows[offset] if offset < len(rows) else None

    def find(self, match: Callable[[T], bool]) -> int | None:
        """The index of the first fetched row that `match`es (rows not fetched yet are not searched)."""
        for page, rows in self._pages.items():
            for offset, row in enumerate(rows):
                if match(row):
                    return page * self.page_size + offset
        return None

    def _reset_done(self, result: tuple[int, list[T]]) -> None:
        self.total, first = result
        self._pages.clear()
        if first:
            self._pages[0] = first
        for sink in self.sinks:
            sink.rows_reset(self.total)
        for callback in self._on_reset:
            callback(self.total)

    def _request(self, page: int) -> None:
        if page in self._pending or self.query is None or page * self.page_size >= self.total:
            return
        while len(self._pending) >= self.max_pending:  # scrolled past: the oldest requests no longer matter
            self._pending.popitem(last=False)[1].cancel()
        query = self.query
        self._pending[page] = self._runner.submit(
            lambda _s: self._fetch(query, page * self.page_size, self.page_size),
            lambda rows: self._page_done(page, rows), "Loading")

    def _page_done(self, page: int, rows: list[T]) -> None:
        self._pending.pop(page, None)
        self._pages[page] = rows
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        if rows:
            first = page * self.page_size
            for sink in self.sinks:
                sink.rows_arrived(first, first + len(rows) - 1)
