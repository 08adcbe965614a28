"""The support inbox's use cases: list and count views, read a conversation, create, reply, note, assign, tag,
prioritise, snooze, solve and merge tickets. Each write is one audited transaction.

Support agents and administrators handle tickets; sales may read them; marketing may do neither. `clock` (UTC
now) is replaceable for tests. After a reply is stored, `on_reply_queued()` lets the mail channel send it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import MessageKind, Role, TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.domain.errors import NotFound, PermissionDenied, UsageError
from ecrm_desktop.domain.helpdesk.inbox import Agent, Conversation, TicketQuery, TicketRow, ViewCount
from ecrm_desktop.domain.mail import DeliveryState
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.ticket_automation import (
    AGENT_ROLES,
    Automation,
    add_tag,
    apply_sla,
    refresh_due,
    sla_targets,
)
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit, ticket_queries
from ecrm_desktop.storage.tables import AgentStatus, Tag, Ticket, TicketMessage, TicketTag, User
from ecrm_desktop.storage.ticket_matching import match_customer

Clock = Callable[[], datetime]
HANDLING_ROLES = frozenset(AGENT_ROLES)
READING_ROLES = HANDLING_ROLES | {Role.SALES}
MAX_TAG = 100
MAX_SUBJECT = 500


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class TicketService:
    def __init__(self, session: UserSession, clock: Clock = utc_now,
                 on_reply_queued: Callable[[], None] = lambda: None) -> None:
        self.session, self.clock, self.on_reply_queued = session, clock, on_reply_queued
        self.automation = Automation(SegmentService(session, clock).includes)

    # reading
    def count(self, query: TicketQuery) -> int:
        self.require(READING_ROLES)
        with self.session.workspace.sessions() as s:
            return ticket_queries.count(s, ticket_queries.condition(query, self.session.user_id))

    def page(self, query: TicketQuery, offset: int, limit: int) -> list[TicketRow]:
        self.require(READING_ROLES)
        with self.session.workspace.sessions() as s:
            ids = ticket_queries.page_ids(s, query, ticket_queries.condition(query, self.session.user_id),
                                          offset, limit)
            return ticket_queries.rows(s, ids)

    def view_counts(self) -> list[ViewCount]:
        """Each fixed view and priority with its count; snoozed tickets whose time has come wake up first."""
        self.require(READING_ROLES)
        self.wake_snoozed()
        with self.session.workspace.sessions() as s:
            return ticket_queries.view_counts(s, self.session.user_id)

    def tag_counts(self) -> list[ViewCount]:
        """A view for each tag on unsolved tickets, with its count."""
        self.require(READING_ROLES)
        with self.session.workspace.sessions() as s:
            return ticket_queries.tag_counts(s)

    def conversation(self, ticket_id: int) -> Conversation:
        self.require(READING_ROLES)
        with self.session.workspace.sessions() as s:
            found = ticket_queries.conversation(s, ticket_id)
        if found is None:
            raise NotFound(f"There is no ticket {ticket_id}.")
        return found

    def agents(self) -> list[Agent]:
        """The people tickets can be assigned to, with availability and load."""
        self.require(READING_ROLES)
        with self.session.workspace.sessions() as s:
            load = ticket_queries.unsolved_load(s)
            found = s.execute(select(User.id, User.name, AgentStatus.available)
                              .outerjoin(AgentStatus, AgentStatus.user_id == User.id)
                              .where(User.disabled.is_(False), User.role.in_(AGENT_ROLES)).order_by(User.name)).all()
        return [Agent(uid, name, available is not False, load.get(uid, 0)) for uid, name, available in found]

    def breach_count(self) -> int:
        """Unsolved tickets past their next SLA deadline (the dashboard's "SLA breaches")."""
        self.require(READING_ROLES)
        with self.session.workspace.sessions() as s:
            return ticket_queries.breaches(s, self.clock())

    def now(self) -> datetime:
        return self.clock()

    # creating
    def create(self, subject: str, body: str, *, requester_email: str | None = None,
               requester_name: str | None = None, channel: TicketChannel = TicketChannel.MANUAL,
               priority: TicketPriority = TicketPriority.NORMAL) -> int:
        """A ticket taken by hand (phone call, chat transcript): the customer's words as its first message;
        the sender is matched to a customer by email, and the rules run on it."""
        self.require(HANDLING_ROLES)
        subject, body = _subject(subject), body.strip()
        if not body:
            raise UsageError("Write what the customer said (the first message cannot be empty).")
        email = (requester_email or "").strip().lower() or None
        now = self.clock()
        with self.session.workspace.sessions() as s, s.begin():
            ticket = Ticket(subject=subject, status=TicketStatus.OPEN, priority=priority, channel=channel,
                            requester_email=email, requester_name=(requester_name or "").strip() or None,
                            customer_id=match_customer(s, email), created_at=now, updated_at=now)
            s.add(ticket)
            s.flush()
            s.add(TicketMessage(ticket_id=ticket.id, kind=MessageKind.INBOUND, author=email, body_text=body,
                                sent_at=now))
            s.flush()
            done = self.automation.process(s, [ticket.id], now, new=True)
            audit.append(s, self.session.user_name, "ticket.create", "ticket", ticket.id, channel=channel.value,
                         rules=done)
            return ticket.id

    def process_new(self, ticket_ids: Sequence[int]) -> list[str]:
        """Give tickets made elsewhere (the mail channel) their SLA deadlines and run the rules for new tickets;
        returns what the rules did."""
        return self._process(ticket_ids, new=True)

    def process_updated(self, ticket_ids: Sequence[int]) -> list[str]:
        """Run the rules for updated tickets (a customer wrote again)."""
        return self._process(ticket_ids, new=False)

    def _process(self, ticket_ids: Sequence[int], new: bool) -> list[str]:
        self.require(HANDLING_ROLES)
        if not ticket_ids:
            return []
        with self.session.workspace.sessions() as s, s.begin():
            return self._apply_rules(s, list(ticket_ids), new)

    def on_mail(self, s: Session, created: list[int], updated: list[int]) -> None:
        """The mail channel's hook: deadlines and rules for the tickets a batch of mail made or touched, in that
        batch's transaction."""
        self.require(HANDLING_ROLES)
        self._apply_rules(s, created, True)
        self._apply_rules(s, updated, False)

    def _apply_rules(self, s: Session, ticket_ids: list[int], new: bool) -> list[str]:
        if not ticket_ids:
            return []
        done = self.automation.process(s, ticket_ids, self.clock(), new=new)
        if done:
            audit.append(s, self.session.user_name, "ticket.rules", "ticket", None, actions=done)
        return done

    # conversation
    def reply(self, ticket_id: int, text: str, status: TicketStatus | None = None) -> int:
        """Store a reply to the customer (queued for sending) and, optionally, set the status in the same step."""
        return self._message(ticket_id, text, MessageKind.REPLY, status)

    def add_note(self, ticket_id: int, text: str) -> int:
        """An internal note: agents see it, the customer never does."""
        return self._message(ticket_id, text, MessageKind.NOTE, None)

    def _message(self, ticket_id: int, text: str, kind: MessageKind, status: TicketStatus | None) -> int:
        self.require(HANDLING_ROLES)
        text = text.strip()
        if not text:
            raise UsageError("A reply cannot be empty." if kind is MessageKind.REPLY else "A note cannot be empty.")
        now = self.clock()
        with self.session.workspace.sessions() as s, s.begin():
            ticket = self._ticket(s, ticket_id)
            if ticket.merged_into_id is not None:
                raise UsageError(f"Ticket {ticket_id} was merged into ticket {ticket.merged_into_id}; "
                                 "write there instead.")
            message = TicketMessage(ticket_id=ticket_id, kind=kind, author_user_id=self.session.user_id,
                                    body_text=text, sent_at=now)
            s.add(message)
            if kind is MessageKind.REPLY and ticket.first_response_at is None:
                ticket.first_response_at = now
            if status is not None:
                _set_status(ticket, status, now)
            refresh_due(ticket)
            ticket.updated_at = now
            s.flush()
            audit.append(s, self.session.user_name, f"ticket.{kind.value.lower()}", "ticket", ticket_id,
                         message_id=message.id)
            message_id = message.id
        if kind is MessageKind.REPLY:
            self.on_reply_queued()
        return message_id

    def retry_reply(self, message_id: int) -> None:
        """Queue a reply that failed to send again (after the agent read why), and let the mail channel send it."""
        self.require(HANDLING_ROLES)
        with self.session.workspace.sessions() as s, s.begin():
            queued = s.execute(update(TicketMessage).where(
                TicketMessage.id == message_id, TicketMessage.kind == MessageKind.REPLY,
                TicketMessage.delivery_state == DeliveryState.FAILED)
                .values(delivery_state=DeliveryState.QUEUED, delivery_error=None)
                .returning(TicketMessage.ticket_id)).scalar()
            if queued is None:
                raise UsageError(f"Message {message_id} is not a reply that failed to send.")
            audit.append(s, self.session.user_name, "ticket.reply_retry", "ticket", queued, message_id=message_id)
        self.on_reply_queued()

    # fields, one ticket or many
    def set_status(self, ticket_ids: Iterable[int], status: TicketStatus) -> None:
        if status is TicketStatus.SNOOZED:
            raise UsageError("Snooze a ticket with a time to wake it (use snooze).")
        self._change(ticket_ids, "ticket.status", lambda _s, t, now: _set_status(t, status, now), status=status.value)

    def solve(self, ticket_ids: Iterable[int]) -> None:
        self.set_status(ticket_ids, TicketStatus.SOLVED)

    def snooze(self, ticket_ids: Iterable[int], until: datetime) -> None:
        """Hide tickets until `until`; they come back open then."""
        if until <= self.clock():
            raise UsageError("Snooze until a time in the future.")

        def snooze(_s: Session, t: Ticket, now: datetime) -> None:
            _set_status(t, TicketStatus.SNOOZED, now)
            t.snoozed_until = until

        self._change(ticket_ids, "ticket.snooze", snooze, until=until.isoformat())

    def set_priority(self, ticket_ids: Iterable[int], priority: TicketPriority) -> None:
        """A new priority moves the SLA deadlines to that priority's targets."""
        def prioritise(s: Session, t: Ticket, _now: datetime) -> None:
            t.priority = priority
            apply_sla(t, sla_targets(s))

        self._change(ticket_ids, "ticket.priority", prioritise, priority=priority.value)

    def assign(self, ticket_ids: Iterable[int], user_name: str | None) -> None:
        """Give tickets to an agent (None: unassign)."""
        with self.session.workspace.sessions() as s:
            user_id = None if user_name is None else s.execute(select(User.id).where(
                User.name == user_name, User.disabled.is_(False), User.role.in_(AGENT_ROLES))).scalar()
        if user_name is not None and user_id is None:
            raise UsageError(f"{user_name} is not a support agent or administrator of this workspace.")

        def give(_s: Session, t: Ticket, _now: datetime) -> None:
            t.assignee_id = user_id

        self._change(ticket_ids, "ticket.assign", give, assignee=user_name)

    def add_tag(self, ticket_ids: Iterable[int], name: str) -> None:
        name = _tag(name)
        self._change(ticket_ids, "ticket.tag", lambda s, t, _n: add_tag(s, t.id, name), tag=name)

    def remove_tag(self, ticket_ids: Iterable[int], name: str) -> None:
        def untag(s: Session, t: Ticket, _now: datetime) -> None:
            s.execute(delete(TicketTag).where(TicketTag.ticket_id == t.id, TicketTag.tag_id.in_(
                select(Tag.id).where(Tag.name == name))))

        self._change(ticket_ids, "ticket.untag", untag, tag=name)

    def set_available(self, user_name: str, available: bool) -> None:
        """Whether the agent takes tickets from auto-assignment (agents set their own; administrators anyone's)."""
        self.require(HANDLING_ROLES)
        if user_name != self.session.user_name and self.session.role is not Role.ADMINISTRATOR:
            raise PermissionDenied("Only an administrator can change another agent's availability.")
        with self.session.workspace.sessions() as s, s.begin():
            user_id = s.execute(select(User.id).where(User.name == user_name)).scalar()
            if user_id is None:
                raise NotFound(f"There is no user {user_name}.")
            status = s.get(AgentStatus, user_id) or AgentStatus(user_id=user_id)
            status.available = available
            s.add(status)
            audit.append(s, self.session.user_name, "agent.available", "user", user_id, available=available)

    def merge(self, target_id: int, source_ids: Iterable[int]) -> None:
        """Fold tickets into `target_id`: their messages and tags move there, and each is solved with a pointer
        to the target; a note in the target says what was merged."""
        self.require(HANDLING_ROLES)
        sources = sorted(set(source_ids) - {target_id})
        if not sources:
            raise UsageError("Choose at least one other ticket to merge into this one.")
        now = self.clock()
        with self.session.workspace.sessions() as s, s.begin():
            target = self._ticket(s, target_id)
            if target.merged_into_id is not None:
                raise UsageError(f"Ticket {target_id} was itself merged into ticket {target.merged_into_id}.")
            for source in (self._ticket(s, i) for i in sources):
                if source.merged_into_id is not None:
                    raise UsageError(f"Ticket {source.id} was already merged into ticket {source.merged_into_id}.")
                for message in s.execute(select(TicketMessage).where(TicketMessage.ticket_id == source.id)).scalars():
                    message.ticket_id = target_id
                for (name,) in s.execute(select(Tag.name).join(TicketTag, TicketTag.tag_id == Tag.id)
                                         .where(TicketTag.ticket_id == source.id)).all():
                    add_tag(s, target_id, name)
                source.merged_into_id, source.updated_at = target_id, now
                _set_status(source, TicketStatus.SOLVED, now)
                if target.first_response_at is None and source.first_response_at is not None:
                    target.first_response_at = source.first_response_at
            s.add(TicketMessage(ticket_id=target_id, kind=MessageKind.NOTE, author_user_id=self.session.user_id,
                                body_text="Merged " + ", ".join(f"#{i}" for i in sources) + " into this ticket.",
                                sent_at=now))
            refresh_due(target)
            target.updated_at = now
            s.flush()
            audit.append(s, self.session.user_name, "ticket.merge", "ticket", target_id, merged=sources)

    def wake_snoozed(self) -> int:
        """Open again the snoozed tickets whose time has come; returns how many. Housekeeping any reader of the
        inbox triggers: the time has come whoever looks."""
        self.require(READING_ROLES)
        with self.session.workspace.sessions() as s, s.begin():
            return ticket_queries.wake_snoozed(s, self.clock())

    def _change(self, ticket_ids: Iterable[int], action: str, change: Callable[[Session, Ticket, datetime], object],
                **detail: object) -> None:
        self.require(HANDLING_ROLES)
        ids = sorted(set(ticket_ids))
        if not ids:
            raise UsageError("Choose at least one ticket.")
        now = self.clock()
        with self.session.workspace.sessions() as s, s.begin():
            for ticket_id in ids:
                ticket = self._ticket(s, ticket_id)
                change(s, ticket, now)
                ticket.updated_at = now
            s.flush()
            audit.append(s, self.session.user_name, action, "ticket", ids[0] if len(ids) == 1 else None,
                         tickets=ids, **detail)

    def require(self, roles: frozenset[Role]) -> None:
        """The role's grant (editable by an administrator) to handle, or only read, tickets."""
        require(self.session, Operation.HANDLE_TICKETS if roles is HANDLING_ROLES else Operation.VIEW_TICKETS)

    @staticmethod
    def _ticket(s: Session, ticket_id: int) -> Ticket:
        ticket = s.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound(f"There is no ticket {ticket_id}.")
        return ticket


def _set_status(ticket: Ticket, status: TicketStatus, now: datetime) -> None:
    ticket.status = status
    ticket.solved_at = now if status is TicketStatus.SOLVED else None
    if status is not TicketStatus.SNOOZED:
        ticket.snoozed_until = None
    refresh_due(ticket)


def _subject(subject: str) -> str:
    subject = " ".join(subject.split())
    if not subject:
        raise UsageError("A ticket needs a subject.")
    if len(subject) > MAX_SUBJECT:
        raise UsageError(f"A subject may have at most {MAX_SUBJECT} characters.")
    return subject


def _tag(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_TAG or any(c.isspace() for c in name):
        raise UsageError(f"A tag is one word of 1 to {MAX_TAG} characters.")
    return name
