"""Routing rules on new and updated tickets, auto-assignment, and tickets made elsewhere (the mail channel)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ecrm_desktop.domain.enums import MessageKind, Role, TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.domain.errors import PermissionDenied, UsageError
from ecrm_desktop.domain.helpdesk.inbox import InboxView, TicketQuery
from ecrm_desktop.domain.helpdesk.rules import LEAST_LOADED, ROUND_ROBIN, RuleDef
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.ticket_rules import RuleService
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import AuditEntry, Ticket, TicketMessage
from tests.integration.helpdesk_support import START, FakeClock, colleague
from tests.screen_fixtures import fill_small_store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def row(tickets: TicketService, ticket_id: int):  # type: ignore[no-untyped-def]
    return tickets.conversation(ticket_id).ticket


def test_keyword_segment_and_order_value_rules(user_session: UserSession, clock: FakeClock) -> None:
    fill_small_store(user_session)
    SegmentService(user_session, clock).save("Loyal", "number_of_orders >= 4")
    rules = RuleService(user_session)
    rules.save_rule(RuleDef("Refunds", keywords=("refund", "money back"), add_tag="refund",
                            set_priority=TicketPriority.HIGH))
    rules.save_rule(RuleDef("Loyal first", segment="Loyal", add_tag="loyal", assign="admin"))
    rules.save_rule(RuleDef("Big buyers by phone", channel=TicketChannel.MANUAL, min_order_cents=3000,
                            set_priority=TicketPriority.URGENT))
    tickets = TicketService(user_session, clock)
    # person4: 4 orders of $5 (in the segment, small orders); person29: 4 orders of $30.
    loyal = tickets.create("Question", "I want my MONEY back please", requester_email="person4@example.com")
    big = tickets.create("Hello", "Just a question", requester_email="person29@example.com")
    other = tickets.create("Refunded?", "no keyword here: refunded is another word", requester_email="x@example.com")
    first = row(tickets, loyal)
    assert (first.tags, first.priority, first.assignee) == (("loyal", "refund"), TicketPriority.HIGH, "admin")
    assert first.first_response_due_at is not None
    assert (first.first_response_due_at - START).total_seconds() == 4 * 3600  # HIGH's target after the rule
    second = row(tickets, big)
    assert (second.tags, second.priority) == (("loyal",), TicketPriority.URGENT)
    assert (row(tickets, other).tags, row(tickets, other).priority) == ((), TicketPriority.NORMAL)

    with pytest.raises(UsageError, match="no saved segment"):
        rules.save_rule(RuleDef("Bad", segment="Nope", add_tag="x"))
    with pytest.raises(UsageError, match="at least one action"):
        rules.save_rule(RuleDef("Nothing"))
    with pytest.raises(PermissionDenied):
        RuleService(colleague(user_session, "sam", Role.SUPPORT)).save_rule(RuleDef("X", add_tag="x"))


def test_round_robin_skips_unavailable_agents_and_least_loaded_balances(user_session: UserSession,
                                                                       clock: FakeClock) -> None:
    for name in ("ann", "bob", "cat"):
        colleague(user_session, name, Role.SUPPORT)
    colleague(user_session, "mia", Role.MARKETING)  # never gets tickets
    tickets = TicketService(user_session, clock)
    tickets.set_available("admin", False)
    tickets.set_available("cat", False)
    rules = RuleService(user_session)
    rule_id = rules.save_rule(RuleDef("Share", assign=ROUND_ROBIN))
    got = []
    for i in range(4):
        clock.advance(minutes=1)
        got.append(row(tickets, tickets.create(f"Q{i}", "text")).assignee)
    assert got == ["ann", "bob", "ann", "bob"]

    tickets.set_available("cat", True)
    rules.save_rule(RuleDef("Share", id=rule_id, assign=LEAST_LOADED))
    clock.advance(minutes=1)
    assert row(tickets, tickets.create("Q5", "text")).assignee == "cat"  # 0 tickets against 2 each
    tickets.solve([t.id for t in tickets.page(TicketQuery(InboxView.OPEN), 0, 10) if t.assignee == "ann"])
    clock.advance(minutes=1)
    assert row(tickets, tickets.create("Q6", "text")).assignee == "ann"
    with pytest.raises(PermissionDenied):
        TicketService(colleague(user_session, "bob", Role.SUPPORT)).set_available("ann", False)


def test_mail_tickets_get_rules_and_deadlines_through_process_new(user_session: UserSession,
                                                                  clock: FakeClock) -> None:
    """What the mail channel does: insert the ticket and its message, then call process_new."""
    RuleService(user_session).save_rule(RuleDef("Damage", keywords=("broken",), add_tag="damage",
                                                on_new=True, on_update=True))
    tickets = TicketService(user_session, clock)
    with user_session.workspace.sessions() as s, s.begin():
        t = Ticket(subject="Parcel", status=TicketStatus.OPEN, channel=TicketChannel.EMAIL,
                   requester_email="a@example.com", created_at=START, updated_at=START)
        s.add(t)
        s.flush()
        s.add(TicketMessage(ticket_id=t.id, kind=MessageKind.INBOUND, body_text="it came", sent_at=START))
        ticket_id = t.id
    assert tickets.process_new([ticket_id]) == []
    assert row(tickets, ticket_id).sla_due_at is not None
    with user_session.workspace.sessions() as s, s.begin():
        s.add(TicketMessage(ticket_id=ticket_id, kind=MessageKind.INBOUND, body_text="and it is BROKEN",
                            sent_at=START))
    assert tickets.process_updated([ticket_id]) == [f"#{ticket_id} tag damage (Damage)"]
    assert row(tickets, ticket_id).tags == ("damage",)


def test_segment_rules_run_for_an_agent_and_a_deleted_segment_matches_no_one(user_session: UserSession,
                                                                               clock: FakeClock) -> None:
    """Rules run for whoever is signed in (mail fetched in an agent's window), though agents may not view
    segments; a rule whose segment was deleted since simply does not match."""
    fill_small_store(user_session)
    segments = SegmentService(user_session, clock)
    segments.save("Loyal", "number_of_orders >= 4")
    agent = TicketService(colleague(user_session, "sam", Role.SUPPORT), clock)
    RuleService(user_session).save_rule(RuleDef("Loyal to sam", segment="Loyal", assign="sam"))
    loyal = agent.create("Question", "Where is it?", requester_email="person4@example.com")
    assert row(agent, loyal).assignee == "sam"
    with user_session.workspace.sessions() as s:
        [entry] = [e for e in s.execute(select(AuditEntry).where(AuditEntry.action == "ticket.create")).scalars()]
        assert json.loads(entry.detail_json)["rules"] == [f"#{loyal} assigned to sam (Loyal to sam)"]
    segments.delete("Loyal")
    assert row(agent, agent.create("Again", "Hello", requester_email="person4@example.com")).assignee is None
