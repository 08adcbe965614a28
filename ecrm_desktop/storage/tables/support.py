"""Support tickets, their messages and tags."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.domain.enums import MessageKind, TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.storage.tables.base import Base, Email, Name, UtcDateTime, enum_type, utcnow


class Ticket(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    status: Mapped[TicketStatus] = mapped_column(enum_type(TicketStatus), default=TicketStatus.OPEN)
    priority: Mapped[TicketPriority] = mapped_column(enum_type(TicketPriority), default=TicketPriority.NORMAL)
    channel: Mapped[TicketChannel] = mapped_column(enum_type(TicketChannel))
    requester_email: Mapped[str | None] = mapped_column(Email, index=True)
    requester_name: Mapped[str | None] = mapped_column(Name)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_response_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    solved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The next SLA deadline: first response while unanswered, then resolution; NULL once solved.
    sla_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    __table_args__ = (
        Index("ix_tickets_status_updated", "status", "updated_at"),
        # The inbox's views list by SLA due time within a status, an assignee or a priority.
        Index("ix_tickets_status_sla", "status", "sla_due_at"),
        Index("ix_tickets_assignee_status_sla", "assignee_id", "status", "sla_due_at"),
        Index("ix_tickets_priority_status_sla", "priority", "status", "sla_due_at"),
        Index("ix_tickets_status_snoozed", "status", "snoozed_until"),
    )


def _initial_delivery_state(context: DefaultExecutionContext) -> str | None:
    """'queued' for a reply (it waits for the mail channel), NULL for inbound messages and notes."""
    kind = context.get_current_parameters().get("kind")  # type: ignore[no-untyped-call]
    return "queued" if kind in (MessageKind.REPLY, MessageKind.REPLY.value) else None


class TicketMessage(Base):
    """An inbound message, a reply sent to the customer, or an internal note (never sent)."""

    __tablename__ = "ticket_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(enum_type(MessageKind))
    author: Mapped[str | None] = mapped_column(Email)
    author_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(500))
    references: Mapped[str | None] = mapped_column(Text)
    # email channel (docs/inbox-email.md): a new reply starts 'queued' (ORM default by kind; raw SQL inserts get the
    # server default), the mail channel sends it and records how it went; inbound messages and notes hold NULL.
    # raw_headers keeps an inbound mail's header block as received.
    delivery_state: Mapped[str | None] = mapped_column(String(16), default=_initial_delivery_state,
                                                       server_default="queued", index=True)
    delivery_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    raw_headers: Mapped[str | None] = mapped_column(Text)


class TicketTag(Base):
    __tablename__ = "ticket_tags"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    __table_args__ = (Index("ix_ticket_tags_tag", "tag_id", "ticket_id"),)
