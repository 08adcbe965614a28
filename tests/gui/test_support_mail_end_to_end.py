"""Issue #8's "done when" as one chain, driven like a person against real mail servers on loopback.

The administrator has set the workspace up (a second agent, a saved segment, a rule that gives that segment's
tickets to the agent, a macro) and connects the support mailbox through Settings → Support mailbox…. The agent
signs in; two customers write to the support address over SMTP; the watcher (IMAP IDLE) makes tickets that appear
in the open inbox; the repeat buyer's ticket is the agent's by the rule and sits beside the right customer. The
agent moves to it with j, presses r, picks the macro with Ctrl+M and the keyboard, checks the filled-in text and
sends with Ctrl+Enter. The reply reaches the customer's mailbox (read over IMAP) threaded to her mail, and her
answer to it threads into the same ticket.
"""

from __future__ import annotations

import email
import json
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ecrm_desktop.domain.enums import MessageKind, Role, ShipmentStatus, TicketStatus
from ecrm_desktop.domain.helpdesk.macros import MacroDef
from ecrm_desktop.domain.helpdesk.rules import RuleDef
from ecrm_desktop.domain.mail import DeliveryState, MailSecurity
from ecrm_desktop.domain.records import FulfillmentRecord, LineRecord
from ecrm_desktop.presenters.navigation import Screen
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.macros import MacroService
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.ticket_rules import RuleService
from ecrm_desktop.services.users import UserService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import AuditEntry, Ticket, TicketMessage
from ecrm_desktop.views.inbox_screen import InboxScreen
from ecrm_desktop.views.mailbox_dialog import MailboxDialog
from ecrm_desktop.views.main_window import MainWindow
from tests.conftest import MemoryKeyring
from tests.factories import customer, make_store, order
from tests.gui.test_roles_and_audit import open_window
from tests.mail_support import CUSTOMER, OTHER, SUPPORT, MailServers

pytestmark = pytest.mark.gui

AGENT, AGENT_PASSWORD = "Bob", "bobs-own-long-password"
SEGMENT, RULE = "Repeat buyers", "Repeat buyers go to Bob"
TRACKING = "https://track.example/DHL-778899"
MACRO = ("Hi {customer.first_name},\n\nyour order {order.last.number} is {order.last.status}; you can follow it "
         "here: {order.last.tracking_url}\n\n{agent.name}, Northwind support")
HOSTILE_HTML = ("<p onclick=\"steal()\">Thank you <b>Bob</b>, I will keep an eye on it.</p>"
                "<img src=\"https://tracker.example/open.gif?u=ada\"><script>alert('x')</script>")
RECEIPT = b"%PDF-1.4 receipt #1503 ..."
REPLY = ("Hi Ada,\n\nyour order #1503 is in transit; you can follow it here: " + TRACKING + "\n\n"
         "Bob, Northwind support")


def fill_store(admin: UserSession) -> None:
    """Ada (the mail sender) with three orders, the last in transit; a few other customers with one each.
    Grace, the other sender, is no customer."""
    with admin.workspace.sessions() as s, s.begin():
        writer = StoreWriter(s, make_store(s, "Northwind"))
        writer.upsert_customers([customer("c-ada", CUSTOMER, "Ada", "Lovelace"),
                                 *(customer(f"c-{i}", f"person{i}@example.com", f"Name{i}", "Hopper")
                                   for i in range(5))])
        shipped = FulfillmentRecord("f-503", ShipmentStatus.IN_TRANSIT, "DHL", "DHL-778899", TRACKING)
        writer.upsert_orders([
            order("o-501", "c-ada", 10, (LineRecord("l-501", "Teapot", 1, 4_500),)),
            order("o-502", "c-ada", 40, (LineRecord("l-502", "Cups", 4, 1_250),)),
            order("o-503", "c-ada", 70, (LineRecord("l-503", "Kettle", 1, 8_900),), fulfillments=(shipped,)),
            *(order(f"o-{600 + i}", f"c-{i}", 20 + i, (LineRecord(f"l-{600 + i}", "Mug", 1, 900),))
              for i in range(5))])


def set_up_helpdesk(admin: UserSession) -> None:
    """What the administrator did earlier: an agent, a segment, a routing rule and macros."""
    UserService(admin).add(AGENT, Role.SUPPORT, AGENT_PASSWORD)
    SegmentService(admin).save(SEGMENT, "number_of_orders >= 2")
    RuleService(admin).save_rule(RuleDef(RULE, segment=SEGMENT, assign=AGENT, add_tag="repeat-buyer"))
    macros = MacroService(admin)
    macros.save(MacroDef(0, "Refund issued", "Hi {customer.first_name}, your refund is on its way."))
    macros.save(MacroDef(0, "Shipping update", MACRO, TicketStatus.PENDING))


def connect_mailbox(qtbot: QtBot, window: MainWindow, servers: MailServers) -> None:
    """Settings → Support mailbox…, filled in and connected as the administrator would."""
    window.mailbox_action.trigger()
    [dialog] = window.findChildren(MailboxDialog)
    dialog.address.setText(SUPPORT)
    dialog.display_name.setText("Northwind Support")
    dialog.user.setText(SUPPORT)
    dialog.password.setText(servers.users[SUPPORT])
    dialog.imap.set(servers.host, servers.imaps_port, MailSecurity.SSL)
    dialog.smtp.set(servers.host, servers.smtp_port, MailSecurity.STARTTLS)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)
    dialog.deleteLater()


def ticket_of(session: UserSession, sender: str) -> Ticket | None:
    with session.workspace.sessions() as s:
        return s.execute(select(Ticket).where(Ticket.requester_email == sender)).scalar_one_or_none()


def messages_of(session: UserSession, ticket_id: int) -> list[TicketMessage]:
    with session.workspace.sessions() as s:
        return list(s.execute(select(TicketMessage).where(TicketMessage.ticket_id == ticket_id)
                              .order_by(TicketMessage.id)).scalars())


def answer_to(reply: EmailMessage) -> dict[str, str]:
    """The threading headers a mail client puts on an answer to `reply`."""
    references = f"{reply['References']} {reply['Message-ID']}".strip()
    return {"In-Reply-To": str(reply["Message-ID"]), "References": references}


def test_mail_becomes_a_ticket_beside_its_customer_is_routed_answered_with_a_macro_and_threads(
        qtbot: QtBot, user_session: UserSession, workspace_service: WorkspaceService, memory_keyring: MemoryKeyring,
        mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(mail_servers.cafile))  # trust the loopback servers' certificate
    for user in mail_servers.users:
        mail_servers.empty_mailbox(user)
    fill_store(user_session)
    set_up_helpdesk(user_session)
    admin_runner, agent_runner = TaskRunner(), TaskRunner()
    admin_window = open_window(qtbot, user_session, admin_runner, memory_keyring)
    connect_mailbox(qtbot, admin_window, mail_servers)
    admin_window.close()  # the administrator signs out; the agent takes over
    admin_runner.wait()

    agent = workspace_service.unlock(user_session.workspace.paths.folder, AGENT, AGENT_PASSWORD)
    window = open_window(qtbot, agent, agent_runner, memory_keyring)
    try:
        inbox = window.screens[Screen.INBOX]
        assert isinstance(inbox, InboxScreen) and window.stack.currentWidget() is inbox  # an agent's day starts here
        presenter = inbox.presenter
        assert presenter is not None
        qtbot.waitUntil(lambda: inbox.count.text() == "0 tickets", timeout=10_000)

        # 1. mail arrives while the inbox is open: the watcher's IDLE wakes, and the list shows it
        mail_servers.send_to_support("Sizes?", "Do the cups come in a larger size?", sender=OTHER)
        root = mail_servers.send_to_support("Where is my parcel?", "Hello, my kettle has not arrived yet.\nAda",
                                            attachments=[("receipt.pdf", "application/pdf", RECEIPT)])
        qtbot.waitUntil(lambda: inbox.count.text() == "2 tickets", timeout=20_000)
        qtbot.waitUntil(lambda: "Sizes?" in inbox.pane.title.text(), timeout=10_000)  # the first is opened
        ada, grace = ticket_of(agent, CUSTOMER), ticket_of(agent, OTHER)
        assert ada is not None and grace is not None

        # 2. the rule assigned the repeat buyer's ticket (and only hers) to Bob, and the audit trail says so
        assert inbox.pane.assignee.currentData() is None  # Grace's: no order, not in the segment
        inbox.table.setFocus()
        qtbot.keyClick(inbox.table, Qt.Key.Key_J)
        qtbot.waitUntil(lambda: inbox.pane.title.text() == f"#{ada.id}  Where is my parcel?", timeout=10_000)
        assert inbox.pane.assignee.currentData() == AGENT and "repeat-buyer" in inbox.pane.tags.text()
        model = inbox.table.model()
        assignees = {model.index(r, 1).data(): model.index(r, 5).data() for r in range(model.rowCount())}
        assert assignees == {"Sizes?": "—", "Where is my parcel?": AGENT}
        with agent.workspace.sessions() as s:
            routed = [json.loads(e.detail_json) for e in s.execute(
                select(AuditEntry).where(AuditEntry.action == "ticket.rules")).scalars()]
        assert any(f"#{ada.id} assigned to {AGENT} ({RULE})" in d["actions"] for d in routed)

        # 3. the sidebar shows the right customer: name, lifetime stats, latest order with its tracking
        qtbot.waitUntil(lambda: "Ada Lovelace" in inbox.sidebar.toPlainText(), timeout=10_000)
        card = inbox.sidebar.toPlainText()
        for expected in ("Orders\n3", "Spent\n$184.00", "#1503", "In transit", "DHL-778899", SEGMENT):
            assert expected in card, expected
        assert card.index("#1503") < card.index("#1502") < card.index("#1501")  # newest first

        # her attachment is listed with her message and saved where Bob chooses
        assert f"📎 receipt.pdf ({len(RECEIPT)} bytes)" in inbox.pane.conversation.toPlainText()
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(tmp_path / "receipt.pdf"), ""))
        [link] = re.findall(r'href="(attachment:\d+)"', inbox.pane.conversation.toHtml())
        inbox.pane.conversation.anchorClicked.emit(QUrl(link))
        qtbot.waitUntil(lambda: inbox.notice.text() == f"Saved receipt.pdf in {tmp_path}.", timeout=10_000)
        assert (tmp_path / "receipt.pdf").read_bytes() == RECEIPT
        inbox.table.setFocus()

        # 4. reply from the keyboard: r, Ctrl+M, type the macro's name, Enter; check the text; Ctrl+Enter
        qtbot.keyClick(inbox.table, Qt.Key.Key_R)
        editor = inbox.pane.editor
        assert editor.hasFocus() and inbox.pane.reply_mode.isChecked()
        qtbot.keyClick(editor, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
        picker = inbox.pane.macro.view()
        qtbot.waitUntil(picker.isVisible)
        qtbot.keyClicks(picker, "Ship")
        qtbot.keyClick(picker, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: editor.toPlainText() == REPLY, timeout=10_000)  # the preview is the draft
        assert not picker.isVisible()
        window.activateWindow()  # (a window manager does this when a popup closes; the offscreen platform not)
        qtbot.waitUntil(editor.hasFocus)  # the draft took the focus back
        assert inbox.pane.actions_label.text() == "Sending also will set status pending."
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "Reply queued" in inbox.notice.text(), timeout=10_000)
        # pending now, so out of "All open": the next ticket takes its place
        qtbot.waitUntil(lambda: inbox.pane.title.text() == f"#{grace.id}  Sizes?", timeout=10_000)

        # 5. the reply arrives in Ada's mailbox, threaded to her mail, with the placeholders filled in
        qtbot.waitUntil(lambda: len(mail_servers.read_mailbox(CUSTOMER)) == 1, timeout=20_000)
        got = email.message_from_bytes(mail_servers.read_mailbox(CUSTOMER)[0], policy=policy.default)
        assert got["Subject"] == "Re: Where is my parcel?"
        assert got["In-Reply-To"] == root and got["References"] == root
        assert got["From"] == f"Northwind Support <{SUPPORT}>" and CUSTOMER in got["To"]
        body = got.get_body(("plain",))
        assert body is not None and body.get_content().replace("\r\n", "\n").strip() == REPLY
        assert [m for m in mail_servers.read_mailbox(SUPPORT, "Sent") if got["Message-ID"].encode() in m]
        mine = next(i for i in range(inbox.views.count()) if inbox.views.item(i).text().startswith("Mine"))
        inbox.views.setCurrentRow(mine)  # Bob looks at his own tickets
        qtbot.waitUntil(lambda: inbox.pane.title.text() == f"#{ada.id}  Where is my parcel?", timeout=10_000)
        qtbot.waitUntil(lambda: f"{AGENT} · Reply · " in inbox.pane.conversation.toPlainText()
                        and " · Sent" in inbox.pane.conversation.toPlainText(), timeout=10_000)
        assert inbox.pane.status.currentData() == TicketStatus.PENDING  # the macro's action

        # 6. Ada answers the reply; it threads into the same ticket, which is open again
        mail_servers.send_to_support("Re: Where is my parcel?", "Thank you Bob, I will keep an eye on it.",
                                     headers=answer_to(got), html=HOSTILE_HTML)
        qtbot.waitUntil(lambda: "I will keep an eye on it" in inbox.pane.conversation.toPlainText(),
                        timeout=20_000)
        shown = inbox.pane.conversation.toHtml()  # her HTML, formatted, with nothing active or remote left
        assert re.search(r"Thank you <span [^>]*font-weight:700[^>]*>Bob</span>", shown), shown
        assert "tracker.example" not in shown and "alert" not in shown and "onclick" not in shown
        assert inbox.pane.title.text() == f"#{ada.id}  Where is my parcel?" and inbox.count.text() == "1 ticket"
        assert inbox.pane.status.currentData() == TicketStatus.OPEN
        qtbot.waitUntil(lambda: inbox.views.item(2).text() == "All open   2")  # no third ticket
        kinds = [(m.kind, m.delivery_state) for m in messages_of(agent, ada.id)]
        assert kinds == [(MessageKind.INBOUND, None), (MessageKind.REPLY, DeliveryState.SENT),
                         (MessageKind.INBOUND, None)]
        [_first, ours, theirs] = messages_of(agent, ada.id)
        assert ours.message_id == got["Message-ID"] and theirs.in_reply_to == ours.message_id
        assert not window.banner.isVisible(), window.error.text()  # no job failed on the way
    finally:
        window.close()
        agent_runner.wait()
        agent.close()
        QApplication.processEvents()
