"""Reading the audit trail: verification of its hash chain and export, for administrators only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import PermissionDenied
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import AuditEntry

BATCH = 5000


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user: str | None
    action: str
    entity_type: str | None
    entity_id: int | None
    detail_json: str


@dataclass(frozen=True)
class ChainReport:
    """`first_broken` is the id of the first row that fails verification, or None when the trail is intact."""

    rows: int
    first_broken: int | None


class AuditService:
    def __init__(self, session: UserSession) -> None:
        if session.role is not Role.ADMINISTRATOR:
            raise PermissionDenied("Only an administrator can read the audit trail.")
        self.session = session

    def verify(self) -> ChainReport:
        """Check every row's hash and its link to the previous row."""
        rows = list(self._entries())
        broken = audit.first_broken(rows)
        return ChainReport(len(rows), broken.id if broken else None)

    def rows(self) -> Iterator[AuditRow]:
        """Every entry, oldest first; the export itself is audited before the first row is read."""
        with self.session.workspace.sessions() as s, s.begin():
            audit.append(s, self.session.user_name, "audit.export")
        for e in self._entries():
            yield AuditRow(e.id, e.at, e.user_name, e.action, e.entity_type, e.entity_id, e.detail_json)

    def _entries(self) -> Iterator[AuditEntry]:
        last = 0
        with self.session.workspace.sessions() as s:
            while batch := list(s.execute(select(AuditEntry).where(AuditEntry.id > last)
                                          .order_by(AuditEntry.id).limit(BATCH)).scalars()):
                yield from batch
                last = batch[-1].id
                s.expunge_all()
