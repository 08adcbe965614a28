"""Finding and exporting customers."""

from __future__ import annotations

from collections.abc import Iterator

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.search_scope import search_fields
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit, customer_queries


class CustomerService:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def search(self, user_text: str, limit: int = 50) -> list[CustomerSummary]:
        """Customers matching every word typed (names, emails, phones, tags, notes, order numbers)."""
        require(self.session, Operation.VIEW_CUSTOMERS)
        with self.session.workspace.sessions() as s:
            return customer_queries.summaries(s, customer_queries.search_ids(s, user_text, limit,
                                                                               search_fields(self.session)))

    def export(self, purpose: str = "export") -> Iterator[list[CustomerSummary]]:
        """Every customer, in batches; checked and written to the audit trail before the batches are read."""
        require(self.session, Operation.EXPORT_CUSTOMERS)
        with self.session.workspace.sessions() as s, s.begin():
            audit.append(s, self.session.user_name, "customers.export", purpose=purpose)
        return self._batches()

    def _batches(self) -> Iterator[list[CustomerSummary]]:
        with self.session.workspace.sessions() as s:
            yield from customer_queries.iter_summaries(s)
