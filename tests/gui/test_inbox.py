"""The inbox driven from the keyboard: move to a ticket with j, apply a macro, send the reply with Ctrl+Enter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from ecrm_desktop.app import build_inbox_screen
from ecrm_desktop.domain.enums import MessageKind, TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.domain.helpdesk.macros import MacroDef
from ecrm_desktop.domain.helpdesk.rules import RuleDef
from ecrm_desktop.domain.mail import DeliveryState
from ecrm_desktop.presenters.navigation import Place
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.macros import MacroService
from ecrm_desktop.services.ticket_rules import RuleService
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import Ticket, TicketMessage
from ecrm_desktop.views.inbox_screen import InboxScreen
from ecrm_desktop.views.new_ticket_dialog import NewTicketDialog
from ecrm_desktop.views.ticket_import_dialog import TicketImportDialog
from tests.screen_fixtures import fill_small_store


@pytest.fixture
def inbox(qtbot: QtBot, user_session: UserSession, runner: TaskRunner) -> Iterator[tuple[InboxScreen, list[str]]]:
    fill_small_store(user_session)
    tickets = TicketService(user_session)
    tickets.create("First question", "Hello?", requester_email="person2@example.com")
    tickets.create("Where is my parcel", "It is late.", requester_email="person1@example.com")
    MacroService(user_session).save(MacroDef(0, "Where is it", "Hi {customer.first_name}, {order.last.number} is "
                                             "{order.last.status}.", TicketStatus.PENDING, "wismo"))
    queued: list[str] = []
    places: list[Place] = []
    view, presenter = build_inbox_screen(user_session, runner, places.append, lambda: queued.append("sent"))
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    view.attach(presenter)
    yield view, queued
    view.close()
    runner.wait()


def test_open_with_j_apply_a_macro_and_reply_from_the_keyboard(qtbot: QtBot, inbox: tuple[InboxScreen, list[str]],
                                                              user_session: UserSession) -> None:
    view, queued = inbox
    presenter = view.presenter
    assert presenter is not None
    qtbot.waitUntil(lambda: presenter.open_id is not None and view.pane.title.text().startswith("#"))
    first = presenter.open_id
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: presenter.open_id != first and "Where is my parcel" in view.pane.title.text())
    qtbot.waitUntil(lambda: "Name1" in view.sidebar.toPlainText())
    ticket_id = presenter.open_id
    assert ticket_id is not None

    qtbot.keyClick(view.table, Qt.Key.Key_R)
    assert view.pane.editor.hasFocus() and view.pane.reply_mode.isChecked()
    view.pane.macro.setCurrentIndex(1)
    view.pane.macro.activated.emit(1)
    qtbot.waitUntil(lambda: view.pane.editor.toPlainText() == "Hi Name1, #1001 is in transit.")
    assert "set status pending" in view.pane.actions_label.text()
    qtbot.keyClicks(view.pane.editor, " Thanks!")
    qtbot.keyClick(view.pane.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: queued == ["sent"])
    qtbot.waitUntil(lambda: "Reply queued" in view.notice.text())
    with user_session.workspace.sessions() as s:
        reply = s.execute(select(TicketMessage).where(TicketMessage.ticket_id == ticket_id,
                                                      TicketMessage.kind == MessageKind.REPLY)).scalar_one()
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None
        assert (reply.body_text, reply.author_user_id) == ("Hi Name1, #1001 is in transit. Thanks!",
                                                           user_session.user_id)
        assert ticket.status is TicketStatus.PENDING and ticket.first_response_at is not None


def test_note_and_solve_keys(qtbot: QtBot, inbox: tuple[InboxScreen, list[str]], user_session: UserSession) -> None:
    view, queued = inbox
    presenter = view.presenter
    assert presenter is not None
    qtbot.waitUntil(lambda: presenter.open_id is not None and view.pane.title.text().startswith("#"))
    ticket_id = presenter.open_id
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_N)
    assert view.pane.note_mode.isChecked() and view.pane.send.text() == "Add note"
    qtbot.keyClicks(view.pane.editor, "Customer called twice")
    qtbot.keyClick(view.pane.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Note added" in view.notice.text())
    qtbot.waitUntil(lambda: "Internal note" in view.pane.conversation.toPlainText())
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: "Solved 1 ticket" in view.notice.text())
    assert queued == []  # a note is never sent
    with user_session.workspace.sessions() as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None and ticket.status is TicketStatus.SOLVED


def test_macro_editor_previews_on_the_open_ticket_and_saves(qtbot: QtBot, inbox: tuple[InboxScreen, list[str]]
                                                            ) -> None:
    view, _queued = inbox
    presenter = view.presenter
    assert presenter is not None
    qtbot.waitUntil(lambda: presenter.open_id is not None and view.pane.title.text().startswith("#"))
    dialog = view.edit_macros()
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 1)
    dialog.new.click()
    dialog.name.setText("Thanks")
    qtbot.keyClicks(dialog.body, "Thanks ")
    dialog.placeholder.setCurrentIndex(1)
    dialog.placeholder.activated.emit(1)  # {customer.first_name}
    qtbot.waitUntil(lambda: dialog.preview.toPlainText() == "Thanks Name2")
    dialog.body.setPlainText("Hi {customer.shoe_size}")
    dialog.save.click()
    qtbot.waitUntil(lambda: "Unknown placeholder" in dialog.problem.text())
    dialog.body.setPlainText("Thanks {customer.first_name}!")
    dialog.save.click()
    qtbot.waitUntil(lambda: dialog.list.count() == 2 and view.pane.macro.count() == 3)
    assert dialog.problem.text() == ""
    dialog.close()


def test_rules_dialog_saves_a_rule_and_sla_targets(qtbot: QtBot, inbox: tuple[InboxScreen, list[str]],
                                                   user_session: UserSession) -> None:
    view, _queued = inbox
    qtbot.waitUntil(lambda: bool(view.agents))
    view.edit_rules()
    qtbot.waitUntil(lambda: view.rules_dialog is not None and view.rules_dialog.isVisible())
    dialog = view.rules_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.sla[TicketPriority.URGENT][0].value() == 60)
    dialog.save.click()  # a rule with no name
    qtbot.waitUntil(lambda: "needs a name" in dialog.problem.text())
    dialog.name.setText("Refunds")
    dialog.keywords.setText("refund, money back")
    dialog.tag.setText("refund")
    dialog.assign.setCurrentIndex(dialog.assign.findData("least-loaded"))
    dialog.save.click()
    qtbot.waitUntil(lambda: dialog.list.count() == 1 and dialog.problem.text() == "")
    dialog.sla[TicketPriority.URGENT][0].setValue(15)
    dialog.save_sla.click()
    qtbot.waitUntil(lambda: RuleService(user_session).sla_targets()[TicketPriority.URGENT].first_response_minutes
                    == 15)
    (rule,) = RuleService(user_session).rules()
    assert (rule.keywords, rule.add_tag, rule.assign) == (("refund", "money back"), "refund", "least-loaded")
    dialog.close()


def test_priority_and_status_pickers_of_the_open_ticket(qtbot: QtBot, inbox: tuple[InboxScreen, list[str]],
                                                        user_session: UserSession) -> None:
    """The pickers hand the presenter real enums (Qt gives item data back as plain strings), and a re-sorted list
    keeps the open ticket open."""
    view, _queued = inbox
    presenter, pane = view.presenter, view.pane
    assert presenter is not None
    qtbot.waitUntil(lambda: presenter.open_id is not None and view.pane.title.text().startswith("#"))
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: "Where is my parcel" in pane.title.text())
    ticket_id = presenter.open_id
    pane.priority.setCurrentIndex(pane.priority.findData(TicketPriority.URGENT))
    pane.priority.activated.emit(pane.priority.currentIndex())
    qtbot.waitUntil(lambda: view.notice.text() == "Priority urgent: 1 ticket.")
    qtbot.waitUntil(lambda: view.table.model().index(0, 1).data() == "Where is my parcel")  # sorts first now
    assert presenter.open_id == ticket_id and presenter.current == 0
    pane.status.setCurrentIndex(pane.status.findData(TicketStatus.PENDING))
    pane.status.activated.emit(pane.status.currentIndex())
    qtbot.waitUntil(lambda: view.notice.text() == "Set to pending: 1 ticket.")
    with user_session.workspace.sessions() as s:
        ticket = s.get(Ticket, ticket_id)
        assert ticket is not None and (ticket.priority, ticket.status) == (TicketPriority.URGENT,
                                                                          TicketStatus.PENDING)


def test_a_phone_call_becomes_a_ticket_from_the_keyboard(qtbot: QtBot, inbox: tuple[InboxScreen, list[str]],
                                                          user_session: UserSession) -> None:
    view, _queued = inbox
    presenter = view.presenter
    assert presenter is not None
    qtbot.waitUntil(lambda: presenter.open_id is not None and view.pane.title.text().startswith("#"))
    RuleService(user_session).save_rule(RuleDef("Phone calls", channel=TicketChannel.MANUAL, add_tag="phone"))
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_C)
    [dialog] = view.findChildren(NewTicketDialog)
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.subject, "Phone: change the delivery address")
    dialog.email.setText("person3@example.com")
    dialog.create_button.click()  # nothing said yet
    qtbot.waitUntil(lambda: "first message cannot be empty" in dialog.problem.text())
    assert dialog.isVisible()
    dialog.body.setPlainText("Wants order #1005 sent to her office instead.")
    dialog.priority.setCurrentIndex(dialog.priority.findData(TicketPriority.HIGH.value))
    dialog.create_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: view.pane.title.text().endswith("Phone: change the delivery address"))
    qtbot.waitUntil(lambda: "Name3" in view.sidebar.toPlainText())  # matched by the email given
    assert view.notice.text().startswith("Created ticket #") and "Manual" in view.pane.meta.text()
    assert "phone" in view.pane.tags.text()  # the rules ran on it
    with user_session.workspace.sessions() as s:
        ticket = s.get(Ticket, presenter.open_id)
        assert ticket is not None and (ticket.channel, ticket.priority) == (TicketChannel.MANUAL,
                                                                            TicketPriority.HIGH)
    dialog.deleteLater()


EXPORT = """Id,Subject,Requester,Requester email,Status,Priority,Tags,Created at,Description
1,Late parcel,Name2 Lovelace,person2@example.com,open,high,"late, shipping",2026-01-05T10:00:00Z,Where is it?
2,Refund,Grace,grace@example.com,frozen,normal,,2026-01-05T10:00:00Z,Bad status
"""


def test_a_help_desk_export_is_checked_then_imported(qtbot: QtBot, inbox: tuple[InboxScreen, list[str]],
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    view, _queued = inbox
    qtbot.waitUntil(lambda: view.count.text() == "2 tickets")
    (tmp_path / "zendesk.csv").write_text(EXPORT, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(tmp_path / "zendesk.csv"), ""))
    view.bulk["Import…"].click()
    [dialog] = view.findChildren(TicketImportDialog)
    dialog.choose.click()
    qtbot.waitUntil(dialog.import_button.isEnabled)
    assert dialog.summary.text() == "2 rows: 1 can be imported, 1 cannot (listed below; they are left out)."
    assert dialog.left_out.count() == 1 and dialog.left_out.item(0).text().startswith("Line 3: ")
    assert view.count.text() == "2 tickets"  # a dry run so far
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: view.notice.text() == "Imported 1 ticket." and view.count.text() == "3 tickets")
    dialog.deleteLater()


def test_a_failed_reply_says_why_and_is_sent_again_from_the_conversation(
        qtbot: QtBot, inbox: tuple[InboxScreen, list[str]], user_session: UserSession) -> None:
    view, queued = inbox
    presenter = view.presenter
    assert presenter is not None
    qtbot.waitUntil(lambda: presenter.open_id is not None)
    ticket_id = presenter.open_id
    assert ticket_id is not None
    reply_id = TicketService(user_session).reply(ticket_id, "On its way.")
    with user_session.workspace.sessions() as s, s.begin():  # what the mail channel records when SMTP refuses it
        s.execute(update(TicketMessage).where(TicketMessage.id == reply_id).values(
            delivery_state=DeliveryState.FAILED, delivery_error="The SMTP server refused the customer's address."))
    presenter.open_ticket(ticket_id)
    qtbot.waitUntil(lambda: "Not sent: The SMTP server refused" in view.pane.conversation.toPlainText())
    assert f"retry:{reply_id}" in view.pane.conversation.toHtml()

    view.pane.conversation.anchorClicked.emit(QUrl(f"retry:{reply_id}"))  # the "Send again" link
    qtbot.waitUntil(lambda: "queued to be sent again" in view.notice.text())
    with user_session.workspace.sessions() as s:
        message = s.get(TicketMessage, reply_id)
        assert message is not None and message.delivery_state == DeliveryState.QUEUED
        assert message.delivery_error is None
    assert queued == ["sent"]  # the retry woke the mailbox watch
    qtbot.waitUntil(lambda: "Not sent" not in view.pane.conversation.toPlainText())
