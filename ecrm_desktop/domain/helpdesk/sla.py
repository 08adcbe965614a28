"""SLA targets by priority, the deadlines they give a ticket, and how a deadline reads against the clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from ecrm_desktop.domain.enums import TicketPriority, TicketStatus


@dataclass(frozen=True)
class SlaTargets:
    """Minutes from a ticket's creation to its first reply and to its resolution."""

    first_response_minutes: int
    resolution_minutes: int


# Used for a priority the workspace has set no policy for (calendar time, like Gorgias' defaults).
DEFAULT_TARGETS: Mapping[TicketPriority, SlaTargets] = {
    TicketPriority.URGENT: SlaTargets(60, 4 * 60),
    TicketPriority.HIGH: SlaTargets(4 * 60, 24 * 60),
    TicketPriority.NORMAL: SlaTargets(8 * 60, 48 * 60),
    TicketPriority.LOW: SlaTargets(24 * 60, 96 * 60),
}
# A deadline this close reads as "due soon".
SOON = timedelta(hours=1)


@dataclass(frozen=True)
class Deadlines:
    first_response_due_at: datetime
    resolution_due_at: datetime


class SlaState(StrEnum):
    NONE = "none"
    ON_TRACK = "on track"
    DUE_SOON = "due soon"
    BREACHED = "breached"


def deadlines(created_at: datetime, targets: SlaTargets) -> Deadlines:
    return Deadlines(created_at + timedelta(minutes=targets.first_response_minutes),
                     created_at + timedelta(minutes=targets.resolution_minutes))


def next_due(status: TicketStatus, first_response_at: datetime | None, first_response_due_at: datetime | None,
             resolution_due_at: datetime | None) -> datetime | None:
    """The deadline the ticket races now: first response while unanswered, then resolution; none once solved."""
    if status is TicketStatus.SOLVED:
        return None
    return first_response_due_at if first_response_at is None else resolution_due_at


def sla_state(due: datetime | None, now: datetime) -> SlaState:
    if due is None:
        return SlaState.NONE
    if due <= now:
        return SlaState.BREACHED
    return SlaState.DUE_SOON if due - now <= SOON else SlaState.ON_TRACK


def describe_due(due: datetime | None, now: datetime, answered: bool) -> str:
    """"Reply overdue by 2 h", "Resolve in 3 d" …: what the list's SLA column says."""
    if due is None:
        return ""
    what = "Resolve" if answered else "Reply"
    left = due - now
    if left.total_seconds() <= 0:
        return f"{what} overdue by {_span(-left)}"
    return f"{what} in {_span(left)}"


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"
