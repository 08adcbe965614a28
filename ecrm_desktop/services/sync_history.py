"""What earlier syncs did: the runs of every store (newest first) and the records still held in quarantine."""

from __future__ import annotations

import json

from sqlalchemy import select

from ecrm_desktop.domain.errors import NotFound
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.sync_status import QuarantineRow, SyncRunRow
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import QuarantinedRecord, Store, SyncRun

PREVIEW_CHARS = 20_000


class SyncHistory:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def runs(self, limit: int = 200) -> list[SyncRunRow]:
        """The latest `limit` runs of every store, newest first."""
        require(self.session, Operation.SYNC)
        query = (select(SyncRun, Store.name).join(Store, Store.id == SyncRun.store_id)
                 .order_by(SyncRun.id.desc()).limit(limit))
        with self.session.workspace.sessions() as s:
            return [SyncRunRow(run.id, name, run.started_at, run.finished_at, run.status, run.fetched, run.created,
                               run.updated, run.quarantined, tuple(json.loads(run.errors_json or "[]")))
                    for run, name in s.execute(query).all()]

    def quarantined(self, limit: int = 1000) -> list[QuarantineRow]:
        """Records still held (not yet sent again in good shape), newest first, without their payloads."""
        require(self.session, Operation.SYNC)
        q = QuarantinedRecord
        query = (select(q.id, Store.name, q.resource, q.external_id, q.reason, q.created_at)
                 .join(Store, Store.id == q.store_id).where(q.resolved_at.is_(None))
                 .order_by(q.id.desc()).limit(limit))
        with self.session.workspace.sessions() as s:
            return [QuarantineRow(*row) for row in s.execute(query).all()]

    def payload(self, record_id: int) -> str:
        """A held record as the store sent it, pretty-printed when it is JSON (cut at PREVIEW_CHARS)."""
        require(self.session, Operation.MANAGE_STORES)
        with self.session.workspace.sessions() as s:
            raw = s.execute(select(QuarantinedRecord.payload).where(QuarantinedRecord.id == record_id)).scalar()
        if raw is None:
            raise NotFound("That quarantined record is no longer held.")
        try:
            text = json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
        except ValueError:
            text = raw
        return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "\n…"
