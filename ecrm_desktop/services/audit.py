"""Reading the audit trail: verification of its hash chain and export, for administrators only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, func, select

from ecrm_desktop.domain.audit import AuditFilter, AuditRow
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import AuditEntry

BATCH = 5000
_T = TypeVar("_T")


@dataclass(frozen=True)
class ChainReport:
    """`first_broken` is the id of the first row that fails verification, or None when the trail is intact."""

    rows: int
    first_broken: int | None


class AuditService:
    def __init__(self, session: UserSession) -> None:
        require(session, Operation.VIEW_AUDIT)
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
            yield _row(e)

    def search(self, wanted: AuditFilter, limit: int = 2000) -> list[AuditRow]:
        """The newest entries matching every filter given, at most `limit`."""
        with self.session.workspace.sessions() as s:
            stmt = _filtered(select(AuditEntry), wanted).order_by(AuditEntry.id.desc()).limit(limit)
            return [_row(e) for e in s.execute(stmt).scalars()]

    def count(self, wanted: AuditFilter) -> int:
        with self.session.workspace.sessions() as s:
            return int(s.execute(_filtered(select(func.count(AuditEntry.id)), wanted)).scalar_one())

    def users_and_actions(self) -> tuple[list[str], list[str]]:
        """The user names and actions the trail holds, for the viewer's filter lists."""
        with self.session.workspace.sessions() as s:
            users = s.execute(select(AuditEntry.user_name).where(AuditEntry.user_name.is_not(None)).distinct()
                              .order_by(AuditEntry.user_name)).scalars()
            actions = s.execute(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars()
            return [u for u in users if u], list(actions)

    def export_filtered(self, wanted: AuditFilter) -> Iterator[AuditRow]:
        """Matching entries oldest first, for a CSV export; the export itself is audited first."""
        with self.session.workspace.sessions() as s, s.begin():
            audit.append(s, self.session.user_name, "audit.export", filters=wanted.describe())
        last = 0
        with self.session.workspace.sessions() as s:
            while batch := list(s.execute(_filtered(select(AuditEntry), wanted).where(AuditEntry.id > last)
                                          .order_by(AuditEntry.id).limit(BATCH)).scalars()):
                yield from (_row(e) for e in batch)
                last = batch[-1].id
                s.expunge_all()

    def _entries(self) -> Iterator[AuditEntry]:
        last = 0
        with self.session.workspace.sessions() as s:
            while batch := list(s.execute(select(AuditEntry).where(AuditEntry.id > last)
                                          .order_by(AuditEntry.id).limit(BATCH)).scalars()):
                yield from batch
                last = batch[-1].id
                s.expunge_all()


def _row(e: AuditEntry) -> AuditRow:
    return AuditRow(e.id, e.at, e.user_name, e.action, e.entity_type, e.entity_id, e.detail_json)


def _filtered(stmt: Select[_T], wanted: AuditFilter) -> Select[_T]:
    if wanted.user:
        stmt = stmt.where(func.lower(AuditEntry.user_name) == wanted.user.lower())
    if wanted.action:
        stmt = stmt.where(AuditEntry.action == wanted.action)
    if wanted.customer_id is not None:
        stmt = stmt.where(AuditEntry.entity_type == "customer", AuditEntry.entity_id == wanted.customer_id)
    if wanted.since is not None:
        stmt = stmt.where(AuditEntry.at >= wanted.since)
    if wanted.until is not None:
        stmt = stmt.where(AuditEntry.at < wanted.until)
    return stmt
