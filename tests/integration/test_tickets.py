"""The ticket service: views, search, SLA clocks with a controllable clock, replies and notes, merge, roles."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ecrm_desktop.domain.enums import MessageKind, Role, TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.domain.errors import PermissionDenied, UsageError
from ecrm_desktop.domain.helpdesk.inbox import InboxView, TicketQuery, TicketSort
from ecrm_desktop.domain.helpdesk.sla import SlaTargets
from ecrm_desktop.domain.kpis import Period
from ecrm_desktop.services.dashboard import DashboardService
from ecrm_desktop.services.ticket_rules import RuleService
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import AuditEntry, TicketMessage
from ecrm_desktop.views.dashboard_tables import tiles
from tests.integration.helpdesk_support import START, FakeClock, colleague
from tests.screen_fixtures import fill_small_store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tickets(user_session: UserSession, clock: FakeClock) -> TicketService:
    return TicketService(user_session, clock)


def ids(service: TicketService, query: TicketQuery) -> list[int]:
    return [r.id for r in service.page(query, 0, 100)]


def test_a_ticket_taken_by_phone_matches_its_customer_and_gets_sla_deadlines(
        user_session: UserSession, tickets: TicketService) -> None:
    fill_small_store(user_session)
    ticket_id = tickets.create("Where is my parcel?", "Caller says the parcel is late.",
                               requester_email=" Person3@Example.com ", requester_name="Name3 Noether")
    row = tickets.page(TicketQuery(InboxView.OPEN), 0, 10)[0]
    assert (row.id, row.channel, row.requester_email, row.message_count) == (
        ticket_id, TicketChannel.MANUAL, "person3@example.com", 1)
    assert row.customer_id is not None
    assert row.first_response_due_at == START + timedelta(hours=8)
    assert row.resolution_due_at == START + timedelta(hours=48)
    assert row.sla_due_at == row.first_response_due_at
    with pytest.raises(UsageError, match="subject"):
        tickets.create("   ", "text")


def test_sla_clock_breaches_then_the_reply_moves_it_to_resolution(
        user_session: UserSession, tickets: TicketService, clock: FakeClock) -> None:
    calls: list[int] = []
    tickets.on_reply_queued = lambda: calls.append(1)
    ticket_id = tickets.create("Refund please", "I want my money back.", priority=TicketPriority.URGENT)
    clock.advance(minutes=59)
    assert tickets.breach_count() == 0
    clock.advance(minutes=2)
    assert tickets.breach_count() == 1
    tickets.add_note(ticket_id, "Checking with the warehouse.")
    assert tickets.breach_count() == 1 and calls == []  # a note is not a response
    tickets.reply(ticket_id, "We are on it.")
    assert calls == [1]
    row = tickets.page(TicketQuery(InboxView.OPEN), 0, 1)[0]
    assert row.first_response_at == START + timedelta(minutes=61)
    assert row.sla_due_at == START + timedelta(hours=4)
    assert tickets.breach_count() == 0
    clock.advance(hours=4)
    assert tickets.breach_count() == 1
    dashboard = DashboardService(user_session, clock).load(Period(date(2026, 3, 1), date(2026, 3, 31)))
    assert dashboard.sla_breaches == 1
    assert next(t for t in tiles(dashboard) if t.label.startswith("SLA")).value == "1"
    tickets.solve([ticket_id])
    assert tickets.breach_count() == 0
    kinds = [m.kind for m in tickets.conversation(ticket_id).messages]
    assert kinds == [MessageKind.INBOUND, MessageKind.NOTE, MessageKind.REPLY]


def test_priority_change_and_policies_move_deadlines(user_session: UserSession, tickets: TicketService) -> None:
    RuleService(user_session).set_sla(TicketPriority.HIGH, SlaTargets(30, 120))
    ticket_id = tickets.create("Broken item", "It arrived broken.")
    tickets.set_priority([ticket_id], TicketPriority.HIGH)
    row = tickets.page(TicketQuery(InboxView.PRIORITY, priority=TicketPriority.HIGH), 0, 1)[0]
    assert (row.id, row.first_response_due_at, row.resolution_due_at) == (
        ticket_id, START + timedelta(minutes=30), START + timedelta(minutes=120))
    with pytest.raises(UsageError, match="first-response target"):
        RuleService(user_session).set_sla(TicketPriority.LOW, SlaTargets(100, 50))


def test_views_counts_search_and_sla_order(user_session: UserSession, tickets: TicketService,
                                           clock: FakeClock) -> None:
    agent = colleague(user_session, "sam", Role.SUPPORT)
    low = tickets.create("Question about sizes", "Do you have XL?", priority=TicketPriority.LOW,
                         requester_email="zoe@example.com")
    urgent = tickets.create("Charged twice", "Two charges on my card", priority=TicketPriority.URGENT,
                            requester_email="max@example.com", requester_name="Max Planck")
    pending = tickets.create("Exchange", "Can I exchange?")
    snoozed = tickets.create("Later", "Call me next week")
    solved = tickets.create("Thanks", "All good")
    tickets.assign([urgent], "admin")
    tickets.assign([pending], "sam")
    tickets.set_status([pending], TicketStatus.PENDING)
    tickets.snooze([snoozed], START + timedelta(days=2))
    tickets.solve([solved])
    tickets.add_tag([low, urgent], "billing")

    assert ids(tickets, TicketQuery(InboxView.OPEN)) == [urgent, low]  # soonest SLA deadline first
    assert ids(tickets, TicketQuery(InboxView.OPEN, sort=TicketSort.SLA_DUE, descending=True)) == [low, urgent]
    assert ids(tickets, TicketQuery(InboxView.UNASSIGNED)) == [low]
    assert ids(tickets, TicketQuery(InboxView.MINE)) == [urgent]
    assert ids(TicketService(agent, clock), TicketQuery(InboxView.MINE)) == [pending]
    assert ids(tickets, TicketQuery(InboxView.PENDING)) == [pending]
    assert ids(tickets, TicketQuery(InboxView.SNOOZED)) == [snoozed]
    assert ids(tickets, TicketQuery(InboxView.SOLVED)) == [solved]
    assert ids(tickets, TicketQuery(InboxView.TAG, tag="billing")) == [urgent, low]
    assert ids(tickets, TicketQuery(InboxView.OPEN, search="planck")) == [urgent]
    assert ids(tickets, TicketQuery(InboxView.OPEN, search="zoe@ex")) == [low]
    assert ids(tickets, TicketQuery(InboxView.OPEN, search="sizes")) == [low]
    assert ids(tickets, TicketQuery(InboxView.OPEN, search=f"#{urgent}")) == [urgent]
    assert ids(tickets, TicketQuery(InboxView.OPEN, search="100%")) == []
    counts = {(c.view, c.tag, c.priority): c.count for c in tickets.view_counts() + tickets.tag_counts()}
    assert counts[(InboxView.OPEN, None, None)] == 2
    assert counts[(InboxView.SNOOZED, None, None)] == 1
    assert counts[(InboxView.TAG, "billing", None)] == 2
    assert counts[(InboxView.PRIORITY, None, TicketPriority.URGENT)] == 1
    assert tickets.count(TicketQuery(InboxView.OPEN)) == 2

    clock.advance(days=3)  # the snooze ends: the ticket is open again
    assert {c.view: c.count for c in tickets.view_counts() if c.tag is None and c.priority is None}[
        InboxView.SNOOZED] == 0
    assert snoozed in ids(tickets, TicketQuery(InboxView.OPEN))


def test_merge_moves_messages_and_tags_and_solves_the_others(tickets: TicketService) -> None:
    target = tickets.create("Order late", "Where is it?", requester_email="a@example.com")
    other = tickets.create("Order still late", "Any news?", requester_email="a@example.com")
    tickets.add_tag([other], "late")
    tickets.merge(target, [other, target])
    conversation = tickets.conversation(target)
    assert [m.body_text for m in conversation.messages][:2] == ["Where is it?", "Any news?"]
    assert conversation.messages[-1].kind is MessageKind.NOTE
    assert conversation.ticket.tags == ("late",)
    merged = tickets.conversation(other)
    assert (merged.ticket.status, merged.merged_into_id, merged.messages) == (TicketStatus.SOLVED, target, ())
    with pytest.raises(UsageError, match="merged into"):
        tickets.reply(other, "hello")
    with pytest.raises(UsageError, match="already merged"):
        tickets.merge(target, [other])


def test_roles_marketing_cannot_touch_tickets_sales_may_read(user_session: UserSession,
                                                            tickets: TicketService) -> None:
    ticket_id = tickets.create("Hello", "Hi there")
    marketing = TicketService(colleague(user_session, "mia", Role.MARKETING))
    with pytest.raises(PermissionDenied):
        marketing.page(TicketQuery(), 0, 10)
    with pytest.raises(PermissionDenied):
        marketing.reply(ticket_id, "hi")
    sales = TicketService(colleague(user_session, "sol", Role.SALES))
    assert sales.count(TicketQuery()) == 1
    with pytest.raises(PermissionDenied):
        sales.solve([ticket_id])
    with pytest.raises(PermissionDenied):
        RuleService(colleague(user_session, "sam", Role.SUPPORT)).set_sla(TicketPriority.LOW, SlaTargets(1, 2))


def test_every_change_is_audited_and_bad_input_changes_nothing(user_session: UserSession,
                                                                tickets: TicketService) -> None:
    ticket_id = tickets.create("Hello", "Hi there")
    with pytest.raises(UsageError):
        tickets.reply(ticket_id, "   ")
    with pytest.raises(UsageError, match="not a support agent"):
        tickets.assign([ticket_id], "nobody")
    with pytest.raises(UsageError, match="future"):
        tickets.snooze([ticket_id], START)
    tickets.add_tag([ticket_id], "vip")
    tickets.reply(ticket_id, "Hello!")
    with user_session.workspace.sessions() as s:
        actions = list(s.execute(select(AuditEntry.action).where(AuditEntry.action.like("ticket.%"))
                                 .order_by(AuditEntry.id)).scalars())
        replies = s.execute(select(TicketMessage).where(TicketMessage.kind == MessageKind.REPLY)).scalars().all()
    assert actions == ["ticket.create", "ticket.tag", "ticket.reply"]
    assert [(r.body_text, r.author_user_id) for r in replies] == [("Hello!", user_session.user_id)]
