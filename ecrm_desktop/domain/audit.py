"""The audit trail as the viewer and exports read it: its rows, and what they are filtered by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AuditFilter:
    """Every field given must match; `since` is inclusive, `until` exclusive (UTC)."""

    user: str | None = None
    action: str | None = None
    customer_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def describe(self) -> dict[str, Any]:
        """The filters in use, for the audit entry of an export."""
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.__dict__.items()
                if v is not None and v != ""}


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user: str | None
    action: str
    entity_type: str | None
    entity_id: int | None
    detail_json: str
