"""Tickets in SQL: the inbox's views (count, pages, per-view counts), rows with tags and message counts, and a
whole conversation. Every view lists through an index on (status | assignee | priority, SLA due time)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, func, literal_column, select, table, update
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import TicketPriority, TicketStatus
from ecrm_desktop.domain.helpdesk.inbox import (
    FIXED_VIEWS,
    UNSOLVED,
    AttachmentView,
    Conversation,
    InboxView,
    MessageView,
    TicketQuery,
    TicketRow,
    TicketSort,
    ViewCount,
)
from ecrm_desktop.storage import search_index
from ecrm_desktop.storage.tables import MailAttachment, Tag, Ticket, TicketMessage, TicketTag, User

# Views where a ticket waits for an agent: open or pending, not snoozed, not solved.
WAITING = (TicketStatus.OPEN, TicketStatus.PENDING)
SEARCH_LIMIT = 200


def condition(query: TicketQuery, user_id: int) -> ColumnElement[bool]:
    """Which tickets `query` lists (merged tickets are solved, so they only appear under Solved). A search for
    `#123` finds that ticket whatever the view."""
    text = query.search.strip()
    if text.startswith("#") and text[1:].isdigit():
        return Ticket.id == int(text[1:])
    view = query.view
    match view:
        case InboxView.UNASSIGNED:
            where = and_(Ticket.assignee_id.is_(None), Ticket.status.in_(WAITING))
        case InboxView.MINE:
            where = and_(Ticket.assignee_id == user_id, Ticket.status.in_(UNSOLVED))
        case InboxView.OPEN:
            where = Ticket.status == TicketStatus.OPEN
        case InboxView.PENDING:
            where = Ticket.status == TicketStatus.PENDING
        case InboxView.SNOOZED:
            where = Ticket.status == TicketStatus.SNOOZED
        case InboxView.SOLVED:
            where = Ticket.status == TicketStatus.SOLVED
        case InboxView.TAG:
            where = and_(Ticket.status.in_(UNSOLVED), Ticket.id.in_(
                select(TicketTag.ticket_id).join(Tag, Tag.id == TicketTag.tag_id).where(Tag.name == query.tag)))
        case InboxView.PRIORITY:
            where = and_(Ticket.priority == query.priority, Ticket.status.in_(UNSOLVED))
        case InboxView.ALL:
            where = Ticket.id.is_not(None)
    if text:
        where = and_(where, _search(text))
    return where


def _search(text: str) -> ColumnElement[bool]:
    """An address is a prefix of the requester's (indexed); other text matches words of the
    subject and requester as prefixes, through the `ticket_search` index."""
    if "@" in text:
        email = text.lower()
        return and_(Ticket.requester_email >= email, Ticket.requester_email < email + "\uffff")
    expression = search_index.match_expression(text)
    if expression is None:
        return Ticket.id.is_(None)
    words: Select[Any] = select(column("rowid")).select_from(table("ticket_search")).where(
        literal_column("ticket_search").op("MATCH")(expression))
    return Ticket.id.in_(words)


def count(session: Session, where: ColumnElement[bool]) -> int:
    return int(session.execute(select(func.count()).select_from(Ticket).where(where)).scalar_one())


def page_ids(session: Session, query: TicketQuery, where: ColumnElement[bool], offset: int, limit: int) -> list[int]:
    column = {TicketSort.SLA_DUE: Ticket.sla_due_at, TicketSort.UPDATED: Ticket.updated_at,
              TicketSort.CREATED: Ticket.created_at}[query.sort]
    order = (column.desc(), Ticket.id.desc()) if query.descending else (column.asc(), Ticket.id.asc())
    stmt: Select[Any] = select(Ticket.id).where(where).order_by(*order).offset(offset).limit(limit)
    return list(session.execute(stmt).scalars())


def rows(session: Session, ids: Sequence[int]) -> list[TicketRow]:
    """The tickets `ids` as list rows, in that order."""
    if not ids:
        return []
    tickets = {t.id: t for t in session.execute(select(Ticket).where(Ticket.id.in_(ids))).scalars()}
    names = dict(session.execute(select(User.id, User.name).where(
        User.id.in_({t.assignee_id for t in tickets.values() if t.assignee_id is not None}))).all())
    tags: dict[int, list[str]] = defaultdict(list)
    for ticket_id, name in session.execute(select(TicketTag.ticket_id, Tag.name).join(Tag, Tag.id == TicketTag.tag_id)
                                           .where(TicketTag.ticket_id.in_(ids)).order_by(Tag.name)):
        tags[ticket_id].append(name)
    counts = dict(session.execute(select(TicketMessage.ticket_id, func.count()).where(
        TicketMessage.ticket_id.in_(ids)).group_by(TicketMessage.ticket_id)).all())
    return [_row(tickets[i], names, tuple(tags[i]), counts.get(i, 0)) for i in ids if i in tickets]


def _row(t: Ticket, names: dict[int, str], tags: tuple[str, ...], messages: int) -> TicketRow:
    return TicketRow(t.id, t.subject, t.status, t.priority, t.channel, t.requester_email, t.requester_name,
                     t.customer_id, names.get(t.assignee_id) if t.assignee_id is not None else None, tags, messages,
                     t.created_at, t.updated_at, t.first_response_at, t.first_response_due_at, t.resolution_due_at,
                     t.sla_due_at, t.snoozed_until)


def view_counts(session: Session, user_id: int) -> list[ViewCount]:
    """Every fixed view and each priority with how many tickets it lists (each an index range count)."""
    counts = [ViewCount(v, v.value, count(session, condition(TicketQuery(v), user_id))) for v in FIXED_VIEWS]
    return counts + [ViewCount(InboxView.PRIORITY, f"Priority: {p.value.title()}", count(session, condition(
        TicketQuery(InboxView.PRIORITY, priority=p), user_id)), priority=p) for p in reversed(TicketPriority)]


def tag_counts(session: Session) -> list[ViewCount]:
    """Each tag in use on unsolved tickets, with how many it tags (read after the other counts: it visits every
    unsolved ticket)."""
    by_tag = session.execute(select(Tag.name, func.count()).join(TicketTag, TicketTag.tag_id == Tag.id)
                             .join(Ticket, Ticket.id == TicketTag.ticket_id).where(Ticket.status.in_(UNSOLVED))
                             .group_by(Tag.name).order_by(Tag.name)).all()
    return [ViewCount(InboxView.TAG, f"Tag: {name}", n, tag=name) for name, n in by_tag]


def conversation(session: Session, ticket_id: int) -> Conversation | None:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return None
    row = rows(session, [ticket_id])[0]
    found = session.execute(select(TicketMessage.id, TicketMessage.kind, TicketMessage.author, User.name,
                                   TicketMessage.body_text, TicketMessage.sent_at, TicketMessage.body_html,
                                   TicketMessage.delivery_state, TicketMessage.delivery_error)
                            .outerjoin(User, User.id == TicketMessage.author_user_id)
                            .where(TicketMessage.ticket_id == ticket_id)
                            .order_by(TicketMessage.sent_at, TicketMessage.id)).all()
    files = attachments(session, [m[0] for m in found])
    messages = tuple(MessageView(m[0], m[1], m[3] or m[2], m[4], m[5], m[7], files.get(m[0], ()), m[6], m[8])
                     for m in found)
    return Conversation(row, messages, ticket.merged_into_id)


def attachments(session: Session, message_ids: Sequence[int]) -> dict[int, tuple[AttachmentView, ...]]:
    """The files of each of these messages (names and sizes, not the bytes)."""
    found: defaultdict[int, list[AttachmentView]] = defaultdict(list)
    for message_id, file_id, name, size in session.execute(
            select(MailAttachment.message_id, MailAttachment.id, MailAttachment.filename, MailAttachment.size)
            .where(MailAttachment.message_id.in_(message_ids)).order_by(MailAttachment.id)):
        found[message_id].append(AttachmentView(file_id, name, size))
    return {k: tuple(v) for k, v in found.items()}



def wake_snoozed(session: Session, now: datetime) -> int:
    """Snoozed tickets whose time has come are open again; returns how many woke."""
    result = session.execute(update(Ticket).where(Ticket.status == TicketStatus.SNOOZED,
                                                  Ticket.snoozed_until <= now)
                             .values(status=TicketStatus.OPEN, snoozed_until=None, updated_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def breaches(session: Session, now: datetime) -> int:
    """Unsolved tickets past their next SLA deadline."""
    return int(session.execute(select(func.count()).select_from(Ticket).where(
        Ticket.status.in_(UNSOLVED), Ticket.sla_due_at < now)).scalar_one())


def unsolved_load(session: Session) -> dict[int, int]:
    """Agent id → how many unsolved tickets they hold."""
    found = session.execute(select(Ticket.assignee_id, func.count()).where(
        Ticket.assignee_id.is_not(None), Ticket.status.in_(UNSOLVED)).group_by(Ticket.assignee_id)).all()
    return {agent: n for agent, n in found if agent is not None}

