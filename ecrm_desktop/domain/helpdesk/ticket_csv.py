"""Reading a ticket export of another help desk (Zendesk- or Gorgias-style CSV) into tickets, row by row.

Headers are matched case-insensitively against the names those tools export; a row that cannot become a ticket
is rejected with its line number and one sentence, and the others still import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from ecrm_desktop.domain.enums import TicketPriority, TicketStatus
from ecrm_desktop.domain.errors import UsageError

# Our field: the header names other help desks use for it (compared lower-case, spaces and "_" alike).
HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "ticket id", "ticket_id"),
    "subject": ("subject", "title"),
    "requester_email": ("requester email", "customer email", "email", "from", "requester"),
    "requester_name": ("requester name", "customer name", "name"),
    "status": ("status",),
    "priority": ("priority",),
    "tags": ("tags",),
    "assignee": ("assignee", "assignee name", "assignee email"),
    "created_at": ("created at", "created", "created_datetime", "date"),
    "body": ("description", "body", "message", "first message", "first_message", "comment"),
}
STATUSES = {"new": TicketStatus.OPEN, "open": TicketStatus.OPEN, "pending": TicketStatus.PENDING,
            "hold": TicketStatus.PENDING, "on-hold": TicketStatus.PENDING, "on hold": TicketStatus.PENDING,
            "snoozed": TicketStatus.SNOOZED, "solved": TicketStatus.SOLVED, "closed": TicketStatus.SOLVED}
PRIORITIES = {"low": TicketPriority.LOW, "normal": TicketPriority.NORMAL, "medium": TicketPriority.NORMAL,
              "high": TicketPriority.HIGH, "urgent": TicketPriority.URGENT}
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
MAX_SUBJECT = 500
T = TypeVar("T")


@dataclass(frozen=True)
class ImportedTicket:
    line: int
    subject: str
    requester_email: str | None
    requester_name: str | None
    status: TicketStatus
    priority: TicketPriority
    tags: tuple[str, ...]
    assignee: str | None
    created_at: datetime | None
    body: str
    external_id: str | None


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


def column_map(header: Iterable[str]) -> dict[str, str]:
    """Our field → the file's header for it; `UsageError` when the file has no subject column."""
    by_key = {_key(h): h for h in header}
    mapping: dict[str, str] = {}
    for field, names in HEADERS.items():
        for name in names:
            if _key(name) in by_key and by_key[_key(name)] not in mapping.values():
                mapping[field] = by_key[_key(name)]
                break
    if "subject" not in mapping:
        raise UsageError("The file has no Subject column; is it a ticket export with a header row?")
    return mapping


class _Rejected(Exception):
    """A row that cannot become a ticket, with the reason."""


def read_row(line: int, row: Mapping[str, str | None], columns: Mapping[str, str]) -> ImportedTicket | RejectedRow:
    def cell(field: str) -> str:
        header = columns.get(field)
        return (row.get(header) or "").strip() if header else ""

    try:
        return _ticket(line, cell)
    except _Rejected as reason:
        return RejectedRow(line, str(reason))


def _ticket(line: int, cell: Callable[[str], str]) -> ImportedTicket:
    subject = cell("subject")
    if not subject:
        raise _Rejected("the subject is empty")
    if len(subject) > MAX_SUBJECT:
        raise _Rejected(f"the subject is longer than {MAX_SUBJECT} characters")
    email, name = _requester(cell("requester_email"), cell("requester_name"))
    if email and not EMAIL.match(email):
        raise _Rejected(f"the requester email {email!r} is not an email address")
    status = _one_of(cell("status") or "open", STATUSES, "status")
    priority = _one_of(cell("priority") or "normal", PRIORITIES, "priority")
    created: datetime | None = None
    if cell("created_at"):
        created = _moment(cell("created_at"))
        if created is None:
            raise _Rejected(f"the date {cell('created_at')!r} is not a date like 2026-01-31T09:30:00Z")
    tags = tuple(dict.fromkeys(t for t in re.split(r"[,;\s]+", cell("tags")) if t))
    return ImportedTicket(line, subject, email or None, name or None, status, priority, tags,
                          cell("assignee") or None, created, cell("body"), cell("external_id") or None)


def _one_of(text: str, known: Mapping[str, T], what: str) -> T:
    value = known.get(text.lower())
    if value is None:
        raise _Rejected(f"the {what} {text!r} is not one of {', '.join(known)}")
    return value


def _requester(email: str, name: str) -> tuple[str, str]:
    """"Ada <ada@example.com>" in one column splits into name and address."""
    found = re.match(r"^\s*\"?([^\"<]*?)\"?\s*<([^>]+)>\s*$", email)
    if found:
        return found.group(2).strip().lower(), name or found.group(1).strip()
    return email.lower(), name


def _moment(text: str) -> datetime | None:
    text = text.replace(" UTC", "Z").strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _key(header: str) -> str:
    return re.sub(r"[\s_]+", " ", header.strip().lower())
