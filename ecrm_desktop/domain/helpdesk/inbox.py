"""What the inbox lists: its views, a listing query, list rows and a whole conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.domain.enums import MessageKind, TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.domain.profile import CustomerProfile


class InboxView(StrEnum):
    """The inbox's left-hand views. TAG and PRIORITY take an argument (`TicketQuery.tag`, `.priority`)."""

    UNASSIGNED = "Unassigned"
    MINE = "Mine"
    OPEN = "All open"
    PENDING = "Pending"
    SNOOZED = "Snoozed"
    SOLVED = "Solved"
    TAG = "Tag"
    PRIORITY = "Priority"
    ALL = "All"


# Views that are a fixed list (the ones that need no argument), in the order the inbox shows them.
FIXED_VIEWS = (InboxView.UNASSIGNED, InboxView.MINE, InboxView.OPEN, InboxView.PENDING, InboxView.SNOOZED,
               InboxView.SOLVED)
# Statuses that still need work: the SLA clock runs and the ticket counts in its agent's load.
UNSOLVED = (TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SNOOZED)


class TicketSort(StrEnum):
    SLA_DUE = "sla_due"
    UPDATED = "updated"
    CREATED = "created"


@dataclass(frozen=True)
class TicketQuery:
    """One view of the inbox, optionally searched (subject, requester's email or name, or `#id`)."""

    view: InboxView = InboxView.OPEN
    tag: str | None = None
    priority: TicketPriority | None = None
    search: str = ""
    sort: TicketSort = TicketSort.SLA_DUE
    descending: bool = False


@dataclass(frozen=True)
class ViewCount:
    view: InboxView
    label: str
    count: int
    tag: str | None = None
    priority: TicketPriority | None = None


@dataclass(frozen=True)
class TicketRow:
    id: int
    subject: str
    status: TicketStatus
    priority: TicketPriority
    channel: TicketChannel
    requester_email: str | None
    requester_name: str | None
    customer_id: int | None
    assignee: str | None
    tags: tuple[str, ...]
    message_count: int
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    sla_due_at: datetime | None
    snoozed_until: datetime | None

    @property
    def requester(self) -> str:
        return self.requester_name or self.requester_email or "Unknown sender"

    def export_fields(self) -> dict[str, object]:
        """The ticket object of CLI.md ("Ticket fields")."""
        def iso(moment: datetime | None) -> str | None:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None

        return {"id": self.id, "subject": self.subject, "status": self.status.value,
                "priority": self.priority.value, "channel": self.channel.value,
                "requester_email": self.requester_email, "customer_id": self.customer_id,
                "assignee": self.assignee, "tags": list(self.tags), "message_count": self.message_count,
                "created_at": iso(self.created_at), "updated_at": iso(self.updated_at),
                "first_response_due_at": iso(self.first_response_due_at),
                "resolution_due_at": iso(self.resolution_due_at)}


@dataclass(frozen=True)
class TicketDraft:
    """A ticket taken by hand, as typed: empty email and name mean unknown."""

    subject: str
    body: str
    email: str = ""
    name: str = ""
    priority: TicketPriority = TicketPriority.NORMAL


@dataclass(frozen=True)
class AttachmentView:
    """A file that came with a message (its bytes stay in the database until an agent saves a copy)."""

    id: int
    filename: str
    size: int


@dataclass(frozen=True)
class MessageView:
    """One message of a conversation. `delivery` is the sending state of a reply (None for other messages) and
    `delivery_error` why it failed; `body_html` is an HTML mail's body, sanitised when it arrived."""

    id: int
    kind: MessageKind
    author: str | None
    body_text: str
    sent_at: datetime
    delivery: str | None = None
    attachments: tuple[AttachmentView, ...] = ()
    body_html: str | None = None
    delivery_error: str | None = None


@dataclass(frozen=True)
class Conversation:
    ticket: TicketRow
    messages: tuple[MessageView, ...]
    merged_into_id: int | None = None


@dataclass(frozen=True)
class Agent:
    id: int
    name: str
    available: bool
    open_tickets: int


@dataclass(frozen=True)
class SenderCard:
    """The inbox sidebar: who wrote the ticket. `profile` is their 360° view once matched to a customer;
    otherwise `candidates` are customers the agent may link the sender to."""

    ticket_id: int
    email: str | None
    name: str | None
    profile: CustomerProfile | None
    segments: tuple[str, ...] = ()
    candidates: tuple[CustomerSummary, ...] = ()
