"""A saved dynamic segment as screens and commands see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SavedSegment:
    """A name for a query; its members are computed whenever it is used, never stored."""

    id: int
    name: str
    query: str
    description: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime
