"""Macros filled from the customer's data (and fallbacks where it is missing), and importing a CSV export."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ecrm_desktop.domain.enums import Role, TicketChannel, TicketStatus
from ecrm_desktop.domain.errors import PermissionDenied, UsageError
from ecrm_desktop.domain.helpdesk.inbox import InboxView, TicketQuery
from ecrm_desktop.domain.helpdesk.macros import MacroDef
from ecrm_desktop.services.macros import MacroService
from ecrm_desktop.services.ticket_import import TicketImportService
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import Ticket
from tests.integration.helpdesk_support import FakeClock, colleague
from tests.screen_fixtures import fill_small_store

BODY = "Hi {customer.first_name}, {order.last.number} is {order.last.status} ({order.last.tracking_url}). {agent.name}"


def test_macro_fills_in_the_last_order_and_takes_its_actions(user_session: UserSession) -> None:
    fill_small_store(user_session)
    sent: list[int] = []
    tickets = TicketService(user_session, FakeClock(), on_reply_queued=lambda: sent.append(1))
    macros = MacroService(user_session, tickets)
    macro_id = macros.save(MacroDef(0, "Where is my order", BODY, TicketStatus.PENDING, "wismo", "admin"))
    known = tickets.create("Parcel?", "Where is it?", requester_email="person1@example.com")
    stranger = tickets.create("Parcel?", "Where is it?", requester_email="nobody@example.com",
                              requester_name="Zed Zulu")
    applied = macros.apply(macro_id, known)
    assert applied.text == "Hi Name1, #1001 is in transit ((no tracking link yet)). admin"
    assert macros.preview(BODY, stranger) == ("Hi Zed, (no order on file) is (no order on file) "
                                              "((no tracking link yet)). admin")
    macros.send(applied, known, applied.text + " Thanks!")
    row = tickets.conversation(known)
    assert (row.ticket.status, row.ticket.tags, row.ticket.assignee) == (TicketStatus.PENDING, ("wismo",), "admin")
    assert row.messages[-1].body_text.endswith("Thanks!") and sent == [1]
    with pytest.raises(UsageError, match="Unknown placeholder"):
        macros.save(MacroDef(0, "Bad", "Hi {customer.nickname}"))
    with pytest.raises(UsageError, match="already exists"):
        macros.save(MacroDef(0, "Where is my order", "Hi"))
    with pytest.raises(PermissionDenied):
        MacroService(colleague(user_session, "mia", Role.MARKETING)).save(MacroDef(0, "X", "Hi"))


CSV = """Id,Subject,Requester,Requester email,Status,Priority,Tags,Created at,Description
1,Late parcel,Ada Lovelace,person2@example.com,open,high,"late, shipping",2026-01-05T10:00:00Z,Where is it?
2,,Grace,grace@example.com,open,normal,,2026-01-05T10:00:00Z,No subject
3,Refund,Grace,grace@example.com,frozen,normal,,2026-01-05T10:00:00Z,Bad status
4,Thanks,Grace,grace@example.com,closed,low,,2026-01-06T10:00:00Z,All good
"""


def test_csv_import_reports_rows_dry_runs_and_writes_the_rest_in_one_go(user_session: UserSession,
                                                                        tmp_path: Path) -> None:
    fill_small_store(user_session)
    path = tmp_path / "zendesk.csv"
    path.write_text(CSV, encoding="utf-8")
    service = TicketImportService(user_session, FakeClock())
    dry = service.import_csv(path, dry_run=True)
    assert (dry.rows, dry.imported, [r.line for r in dry.rejected]) == (4, 0, [3, 4])
    with user_session.workspace.sessions() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar() == 0
    report = service.import_csv(path)
    assert report.imported == 2 and "status 'frozen'" in report.rejected[1].reason
    tickets = TicketService(user_session, FakeClock())
    late = tickets.page(TicketQuery(InboxView.OPEN), 0, 10)
    assert [(t.subject, t.channel, t.tags, t.customer_id is not None) for t in late] == [
        ("Late parcel", TicketChannel.IMPORT, ("late", "shipping"), True)]
    assert [t.subject for t in tickets.page(TicketQuery(InboxView.SOLVED), 0, 10)] == ["Thanks"]
    (tmp_path / "bad.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UsageError):
        service.import_csv(tmp_path / "bad.csv")
    with pytest.raises(PermissionDenied):
        TicketImportService(colleague(user_session, "mia", Role.MARKETING)).import_csv(path)
