"""The customer list: counted, paged, sorted and searched in SQL, never loaded whole."""

from __future__ import annotations

from ecrm_desktop.domain.directory import SORTABLE, CustomerQuery, CustomerRow
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.search_scope import search_fields
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import directory_queries
from ecrm_desktop.storage.settings import reporting_currency


class CustomerDirectory:
    def __init__(self, session: UserSession) -> None:
        self.session = session
        self._currency: str | None = None
        self._matches: dict[str, int] = {}  # recent searches' counts pick how their pages are found

    def count(self, query: CustomerQuery) -> int:
        require(self.session, Operation.VIEW_CUSTOMERS)
        with self.session.workspace.sessions() as s:
            n = directory_queries.count(s, query, search_fields(self.session))
        if len(self._matches) > 50:
            self._matches.clear()
        self._matches[query.search] = n
        return n

    def page(self, query: CustomerQuery, offset: int, limit: int) -> list[CustomerRow]:
        """Rows [offset, offset + limit) of the query; sorting is offered only on indexed columns."""
        require(self.session, Operation.VIEW_CUSTOMERS)
        if query.sort not in SORTABLE:
            raise UsageError(f"The customer list cannot be sorted by {query.sort.value}.")
        with self.session.workspace.sessions() as s:
            if self._currency is None:
                self._currency = reporting_currency(s)
            ids = directory_queries.page_ids(s, query, offset, limit, self._matches.get(query.search),
                                             fields=search_fields(self.session))
            return directory_queries.rows(s, ids, self._currency)
