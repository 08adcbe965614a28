"""The customers screen: the whole customer base as one paged list, searched and sorted in SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ecrm_desktop.domain.directory import SORTABLE, CustomerColumn, CustomerQuery, CustomerRow
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.paging import PagedRows
from ecrm_desktop.presenters.tasks import Runner


class Directory(Protocol):
    """What the screen needs of `services.customer_directory.CustomerDirectory`."""

    def count(self, query: CustomerQuery) -> int: ...

    def page(self, query: CustomerQuery, offset: int, limit: int) -> list[CustomerRow]: ...


class CustomersView(Protocol):
    def show_count(self, total: int, searching: bool) -> None: ...

    def show_sort(self, column: CustomerColumn, descending: bool) -> None: ...


class CustomersPresenter:
    def __init__(self, view: CustomersView, directory: Directory, runner: Runner,
                 navigate: Callable[[Place], None]) -> None:
        self.view, self.navigate = view, navigate
        self.query = CustomerQuery()
        # 100-row pages: a keystroke's first page is ready sooner; 100 pages keep 10,000 rows at hand.
        self.rows: PagedRows[CustomerQuery, CustomerRow] = PagedRows(runner, directory.count, directory.page,
                                                                     page_size=100, max_pages=100)
        self.rows.on_reset(lambda total: self.view.show_count(total, bool(self.query.search.strip())))

    def start(self) -> None:
        self.view.show_sort(self.query.sort, self.query.descending)
        self.rows.reset(self.query)

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
        self.rows.reset(query)
