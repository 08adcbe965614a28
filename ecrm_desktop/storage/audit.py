"""The append-only, hash-chained audit trail.

Each row's hash is SHA-256 over the previous row's hash and the row's own canonical content, so changing,
inserting or deleting any row breaks the chain from that row on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.storage.tables import AuditEntry, utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, at: datetime, user: str | None, action: str, *, entity_type: str | None,
            entity_id: int | None, detail_json: str) -> str:
    canonical = json.dumps([prev_hash, at.strftime("%Y-%m-%dT%H:%M:%SZ"), user, action, entity_type,
                            entity_id, detail_json], separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def append(session: Session, user: str | None, action: str, entity_type: str | None = None,
           entity_id: int | None = None, **detail: Any) -> AuditEntry:
    """Add one entry in the caller's transaction (so the audit row commits or rolls back with the change)."""
    prev = session.execute(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).scalar()
    prev_hash = prev or GENESIS
    at = utcnow()
    detail_json = json.dumps(detail, sort_keys=True, default=str)
    entry = AuditEntry(at=at, user_name=user, action=action, entity_type=entity_type, entity_id=entity_id,
                       detail_json=detail_json, prev_hash=prev_hash,
                       hash=_digest(prev_hash, at, user, action, entity_type=entity_type, entity_id=entity_id,
                                            detail_json=detail_json))
    session.add(entry)
    session.flush()
    return entry


def first_broken(entries: Iterable[AuditEntry]) -> AuditEntry | None:
    """The first entry whose chain link or content hash does not verify, or None when the trail is intact."""
    prev_hash = GENESIS
    for e in entries:
        expected = _digest(prev_hash, e.at, e.user_name, e.action, entity_type=e.entity_type,
                           entity_id=e.entity_id, detail_json=e.detail_json)
        if e.prev_hash != prev_hash or e.hash != expected:
            return e
        prev_hash = e.hash
    return None
