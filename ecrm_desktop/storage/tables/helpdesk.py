"""How the help desk works: macros (canned replies), routing rules, SLA targets and agents' availability."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.domain.enums import TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.storage.tables.base import Base, Name, UtcDateTime, enum_type, utcnow


class Macro(Base):
    """A canned reply with placeholders, and what applying it also does to the ticket."""

    __tablename__ = "macros"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Name, unique=True)
    body: Mapped[str] = mapped_column(Text)
    set_status: Mapped[TicketStatus | None] = mapped_column(enum_type(TicketStatus))
    add_tag: Mapped[str | None] = mapped_column(String(100))
    assign_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TicketRule(Base):
    """A routing rule: every condition set must hold; then its actions apply. Rules run in `position` order."""

    __tablename__ = "ticket_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Name, unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    on_new: Mapped[bool] = mapped_column(Boolean, default=True)
    on_update: Mapped[bool] = mapped_column(Boolean, default=False)
    segment: Mapped[str | None] = mapped_column(Name)
    keywords: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[TicketChannel | None] = mapped_column(enum_type(TicketChannel))
    min_order_cents: Mapped[int | None] = mapped_column(BigInteger)
    assign: Mapped[str | None] = mapped_column(String(64))
    add_tag: Mapped[str | None] = mapped_column(String(100))
    set_priority: Mapped[TicketPriority | None] = mapped_column(enum_type(TicketPriority))


class SlaPolicy(Base):
    """Targets for tickets of one priority, in minutes from the ticket's creation."""

    __tablename__ = "sla_policies"
    priority: Mapped[TicketPriority] = mapped_column(enum_type(TicketPriority), primary_key=True)
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)


class AgentStatus(Base):
    """Whether an agent takes new tickets from auto-assignment, and when they last got one."""

    __tablename__ = "agent_status"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
