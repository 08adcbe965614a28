"""The retention policy: what happens to customers inactive for a number of years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ecrm_desktop.domain.errors import UsageError


class RetentionAction(StrEnum):
    ANONYMISE = "anonymise"  # keep a blank record for the statistics, tombstoned
    DELETE = "delete"  # remove the record too; the orders stay, anonymised, with no customer


@dataclass(frozen=True)
class RetentionPolicy:
    """Customers with no order, store update or ticket for `years` years are anonymised or deleted; with
    `scheduled`, after each sync at most once a day."""

    years: int
    action: RetentionAction = RetentionAction.ANONYMISE
    scheduled: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.years <= 100:
            raise UsageError("The retention period must be between 1 and 100 years.")

    def cutoff(self, now: datetime) -> datetime:
        """The moment before which a customer's last activity makes them inactive."""
        return now - timedelta(days=round(365.25 * self.years))

    def to_json(self) -> dict[str, Any]:
        return {"years": self.years, "action": self.action.value, "scheduled": self.scheduled}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RetentionPolicy:
        return cls(int(data["years"]), RetentionAction(data["action"]), bool(data.get("scheduled", False)))


@dataclass(frozen=True)
class RetentionPreview:
    """The customers a policy applies to at `cutoff`: exactly those that applying this preview then treats
    (less any that became active in between)."""

    policy: RetentionPolicy
    cutoff: datetime
    customer_ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.customer_ids)
