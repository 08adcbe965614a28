"""Macro placeholders with missing data, SLA wording, rule matching and reading help desk CSV rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ecrm_desktop.domain.enums import TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.helpdesk.macros import MacroFacts, check_body, render
from ecrm_desktop.domain.helpdesk.rules import RuleDef, TicketFacts, matches
from ecrm_desktop.domain.helpdesk.sla import SlaState, describe_due, next_due, sla_state
from ecrm_desktop.domain.helpdesk.ticket_csv import ImportedTicket, RejectedRow, column_map, read_row

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
BODY = ("Hi {customer.first_name}, order {order.last.number} is {order.last.status}: {order.last.tracking_url}\n"
        "{agent.name}")


def test_macro_renders_values_and_readable_fallbacks() -> None:
    full = MacroFacts({"customer.first_name": "Ada", "order.last.number": "#1001", "order.last.status": "in transit",
                       "order.last.tracking_url": "https://track.example/1", "agent.name": "Sam"})
    assert render(BODY, full) == "Hi Ada, order #1001 is in transit: https://track.example/1\nSam"
    empty = render(BODY, MacroFacts({"customer.first_name": None, "order.last.tracking_url": ""}))
    assert empty == ("Hi there, order (no order on file) is (no order on file): (no tracking link yet)\n"
                     "the support team")
    assert "None" not in empty
    assert render("Dear {customer.last_name}, thanks", MacroFacts({})) == "Dear, thanks"


def test_macro_bodies_with_unknown_placeholders_are_refused() -> None:
    assert check_body("  Hi {customer.first_name}  ") == "Hi {customer.first_name}"
    with pytest.raises(UsageError, match=r"\{customer\.shoe_size\}"):
        check_body("Hi {customer.shoe_size}")
    with pytest.raises(UsageError):
        check_body("   ")


def test_sla_state_and_wording() -> None:
    due = NOW + timedelta(minutes=30)
    assert sla_state(due, NOW) is SlaState.DUE_SOON
    assert sla_state(NOW + timedelta(hours=5), NOW) is SlaState.ON_TRACK
    assert sla_state(NOW, NOW) is SlaState.BREACHED
    assert sla_state(None, NOW) is SlaState.NONE
    assert describe_due(NOW - timedelta(hours=3), NOW, answered=False) == "Reply overdue by 3 h"
    assert describe_due(NOW + timedelta(days=3), NOW, answered=True) == "Resolve in 3 d"
    assert next_due(TicketStatus.OPEN, None, NOW, due) == NOW
    assert next_due(TicketStatus.OPEN, NOW, NOW, due) == due
    assert next_due(TicketStatus.SOLVED, None, NOW, due) is None


def test_rules_match_on_every_condition_they_set() -> None:
    facts = TicketFacts("Where is my order", "It is late", TicketChannel.EMAIL, 12_000, frozenset({"VIP"}))
    assert matches(RuleDef("a", keywords=("late",), add_tag="x"), facts)
    assert not matches(RuleDef("a", keywords=("lat",), add_tag="x"), facts)  # whole words only
    assert matches(RuleDef("a", segment="VIP", min_order_cents=10_000, channel=TicketChannel.EMAIL,
                           add_tag="x"), facts)
    assert not matches(RuleDef("a", min_order_cents=20_000, add_tag="x"), facts)
    assert not matches(RuleDef("a", channel=TicketChannel.MANUAL, add_tag="x"), facts)
    assert not matches(RuleDef("a", segment="Lapsed", add_tag="x"), facts)


def test_help_desk_csv_rows_read_or_are_rejected_with_a_reason() -> None:
    columns = column_map(["Id", "Subject", "Requester", "Status", "Priority", "Tags", "Created at", "Description"])
    good = read_row(2, {"Id": "77", "Subject": "Late", "Requester": "Ada L <ADA@example.com>", "Status": "closed",
                        "Priority": "urgent", "Tags": "late shipping late", "Created at": "2025-05-01 10:00:00",
                        "Description": "Where?"}, columns)
    assert isinstance(good, ImportedTicket)
    assert (good.requester_email, good.requester_name, good.status, good.priority, good.tags) == (
        "ada@example.com", "Ada L", TicketStatus.SOLVED, TicketPriority.URGENT, ("late", "shipping"))
    assert good.created_at == datetime(2025, 5, 1, 10, tzinfo=UTC)
    assert read_row(3, {"Subject": ""}, columns) == RejectedRow(3, "the subject is empty")
    bad_status = read_row(4, {"Subject": "x", "Status": "frozen"}, columns)
    assert isinstance(bad_status, RejectedRow) and "status 'frozen'" in bad_status.reason
    bad_date = read_row(5, {"Subject": "x", "Created at": "yesterday"}, columns)
    assert isinstance(bad_date, RejectedRow) and "date" in bad_date.reason
    with pytest.raises(UsageError, match="Subject column"):
        column_map(["Name", "Email"])
