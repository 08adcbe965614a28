"""A saved dynamic segment as screens and commands see it, and what its evaluations record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SavedSegment:
    """A name for a query; its members are re-evaluated after every sync (`members`: the latest count, if any)."""

    id: int
    name: str
    query: str
    description: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    members: int | None = None


@dataclass(frozen=True)
class Evaluation:
    """One re-evaluation of a saved segment: its size at `at`, and how many entered and left since the last."""

    segment_id: int
    at: datetime
    members: int
    entered: int
    left: int


@dataclass(frozen=True)
class MembershipChange:
    """A customer entered (or left) a saved segment at `at`."""

    customer_id: int
    at: datetime
    entered: bool
