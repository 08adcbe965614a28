"""What happens to a ticket without anyone clicking: SLA deadlines from the priority's policy, routing rules on
new and updated tickets, and auto-assignment (round-robin or least-loaded) among available agents.

Everything here works inside the caller's transaction, so a ticket and what the rules did to it commit together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import MessageKind, Role, TicketPriority
from ecrm_desktop.domain.helpdesk.rules import LEAST_LOADED, ROUND_ROBIN, STRATEGIES, RuleDef, TicketFacts, matches
from ecrm_desktop.domain.helpdesk.sla import DEFAULT_TARGETS, SlaTargets, deadlines, next_due
from ecrm_desktop.storage import ticket_queries
from ecrm_desktop.storage.lookups import StoreLookups
from ecrm_desktop.storage.tables import (
    AgentStatus,
    Order,
    SlaPolicy,
    Ticket,
    TicketMessage,
    TicketRule,
    TicketTag,
    User,
)

# Who may hold tickets: the roles that handle them.
AGENT_ROLES = (Role.ADMINISTRATOR, Role.SUPPORT)
InSegment = Callable[[str, int], bool]


def sla_targets(s: Session) -> dict[TicketPriority, SlaTargets]:
    """The workspace's policy for each priority (the defaults where it has set none)."""
    targets = dict(DEFAULT_TARGETS)
    for p in s.execute(select(SlaPolicy)).scalars():
        targets[p.priority] = SlaTargets(p.first_response_minutes, p.resolution_minutes)
    return targets


def apply_sla(ticket: Ticket, targets: dict[TicketPriority, SlaTargets]) -> None:
    """Deadlines from the ticket's creation and priority, and the one it races now."""
    due = deadlines(ticket.created_at, targets[ticket.priority])
    ticket.first_response_due_at, ticket.resolution_due_at = due.first_response_due_at, due.resolution_due_at
    refresh_due(ticket)


def refresh_due(ticket: Ticket) -> None:
    ticket.sla_due_at = next_due(ticket.status, ticket.first_response_at, ticket.first_response_due_at,
                                 ticket.resolution_due_at)


def rule_defs(s: Session) -> list[RuleDef]:
    return [_rule_def(r) for r in s.execute(select(TicketRule).order_by(TicketRule.position, TicketRule.id)).scalars()]


def _rule_def(r: TicketRule) -> RuleDef:
    keywords = tuple(k for k in (r.keywords or "").split(",") if k)
    return RuleDef(r.name, r.segment, keywords, r.channel, r.min_order_cents, r.assign, r.add_tag, r.set_priority,
                   r.on_new, r.on_update, r.enabled, r.id, r.position)


class Automation:
    """Runs the rules over tickets in a session; `in_segment(name, customer_id)` checks saved segments."""

    def __init__(self, in_segment: InSegment) -> None:
        self.in_segment = in_segment

    def process(self, s: Session, ticket_ids: Sequence[int], now: datetime, new: bool) -> list[str]:
        """Run the enabled rules for new (or updated) tickets; new tickets also get their SLA deadlines.
        Returns what was done, one line per action, for the audit trail."""
        rules = [r for r in rule_defs(s) if r.enabled and (r.on_new if new else r.on_update)]
        targets = sla_targets(s)
        done: list[str] = []
        for ticket in s.execute(select(Ticket).where(Ticket.id.in_(ticket_ids)).order_by(Ticket.id)).scalars():
            if new and ticket.first_response_due_at is None:
                apply_sla(ticket, targets)
            facts = self._facts(s, ticket, rules)
            for rule in rules:
                if matches(rule, facts):
                    done += self._act(s, ticket, rule, now, targets)
        return done

    def _facts(self, s: Session, ticket: Ticket, rules: list[RuleDef]) -> TicketFacts:
        body = s.execute(select(TicketMessage.body_text).where(
            TicketMessage.ticket_id == ticket.id, TicketMessage.kind == MessageKind.INBOUND)
            .order_by(TicketMessage.sent_at.desc(), TicketMessage.id.desc()).limit(1)).scalar() or ""
        last_order: int | None = None
        segments: set[str] = set()
        if ticket.customer_id is not None:
            last_order = s.execute(select(Order.total_reporting_cents).where(Order.customer_id == ticket.customer_id)
                                   .order_by(Order.created_at.desc()).limit(1)).scalar()
            segments = {r.segment for r in rules if r.segment and self.in_segment(r.segment, ticket.customer_id)}
        return TicketFacts(ticket.subject, body, ticket.channel, last_order, frozenset(segments))

    def _act(self, s: Session, ticket: Ticket, rule: RuleDef, now: datetime,
             targets: dict[TicketPriority, SlaTargets]) -> list[str]:
        done = []
        if rule.set_priority is not None and ticket.priority is not rule.set_priority:
            ticket.priority = rule.set_priority
            apply_sla(ticket, targets)
            done.append(f"#{ticket.id} priority {rule.set_priority.value} ({rule.name})")
        if rule.add_tag and add_tag(s, ticket.id, rule.add_tag):
            done.append(f"#{ticket.id} tag {rule.add_tag} ({rule.name})")
        if rule.assign:
            agent = self._agent(s, ticket, rule.assign, now)
            if agent is not None and agent != ticket.assignee_id:
                ticket.assignee_id = agent
                name = s.execute(select(User.name).where(User.id == agent)).scalar_one()
                done.append(f"#{ticket.id} assigned to {name} ({rule.name})")
        if done:
            ticket.updated_at = now
        return done

    @staticmethod
    def _agent(s: Session, ticket: Ticket, assign: str, now: datetime) -> int | None:
        if assign not in STRATEGIES:
            return s.execute(select(User.id).where(User.name == assign, User.disabled.is_(False),
                                                   User.role.in_(AGENT_ROLES))).scalar()
        if ticket.assignee_id is not None:  # strategies hand out unassigned tickets only
            return None
        chosen = pick_agent(s, assign)
        if chosen is not None:
            status = s.get(AgentStatus, chosen) or AgentStatus(user_id=chosen, available=True)
            status.last_assigned_at = now
            s.add(status)
            s.flush()
        return chosen


def pick_agent(s: Session, strategy: str) -> int | None:
    """The available agent a strategy picks: round-robin takes whoever got a ticket longest ago; least-loaded
    whoever holds the fewest unsolved tickets (ties: longest ago)."""
    agents = s.execute(select(User.id, AgentStatus.available, AgentStatus.last_assigned_at)
                       .outerjoin(AgentStatus, AgentStatus.user_id == User.id)
                       .where(User.disabled.is_(False), User.role.in_(AGENT_ROLES)).order_by(User.id)).all()
    ready = [(uid, last) for uid, available, last in agents if available is not False]
    if not ready:
        return None
    never = datetime.min.replace(tzinfo=None)

    def waited(last: datetime | None) -> datetime:
        return last.replace(tzinfo=None) if last else never

    if strategy == ROUND_ROBIN:
        return min(ready, key=lambda a: (waited(a[1]), a[0]))[0]
    assert strategy == LEAST_LOADED
    load = ticket_queries.unsolved_load(s)
    return min(ready, key=lambda a: (load.get(a[0], 0), waited(a[1]), a[0]))[0]


def add_tag(s: Session, ticket_id: int, name: str) -> bool:
    """Tag the ticket (creating the tag); False when it already had it."""
    s.flush()
    tag_id = StoreLookups(s, 0).tags([name])[name]
    if s.get(TicketTag, (ticket_id, tag_id)) is not None:
        return False
    s.add(TicketTag(ticket_id=ticket_id, tag_id=tag_id))
    s.flush()
    return True
