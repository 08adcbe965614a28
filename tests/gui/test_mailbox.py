"""Settings → Support mailbox… driven as a person would, then the watcher at work: mail sent to the support
address becomes a ticket while the window is open, and a queued reply reaches the customer's mailbox."""

from __future__ import annotations

import email
from email import policy

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from ecrm_desktop.domain.enums import MessageKind
from ecrm_desktop.domain.mail import MailSecurity
from ecrm_desktop.presenters.mail_watch import MailWatchPresenter
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import Ticket, TicketMessage
from ecrm_desktop.views.mailbox_dialog import MailboxDialog
from ecrm_desktop.views.main_window import MainWindow
from tests.mail_support import CUSTOMER, SUPPORT, MailServers

pytestmark = pytest.mark.gui


def _tickets(session: UserSession) -> list[Ticket]:
    with session.workspace.sessions() as s:
        return list(s.execute(select(Ticket).where(Ticket.requester_email == CUSTOMER)).scalars())


def test_connect_the_mailbox_then_mail_becomes_tickets_and_replies_go_out(
        qtbot: QtBot, window: MainWindow, user_session: UserSession, mail_servers: MailServers,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(mail_servers.cafile))  # trust the loopback servers' certificate
    for user in mail_servers.users:
        mail_servers.empty_mailbox(user)
    window.mailbox_action.trigger()
    [dialog] = window.findChildren(MailboxDialog)
    dialog.address.setText(SUPPORT)
    dialog.display_name.setText("Northwind Support")
    dialog.user.setText(SUPPORT)
    dialog.password.setText("wrong-password")
    dialog.imap.set(mail_servers.host, mail_servers.imaps_port, MailSecurity.SSL)
    dialog.smtp.set(mail_servers.host, mail_servers.smtp_port, MailSecurity.STARTTLS)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "refused the user name or password" in dialog.outcome.text(), timeout=15_000)
    dialog.password.setText(mail_servers.users[SUPPORT])
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Both servers accepted" in dialog.outcome.text(), timeout=15_000)
    assert "IDLE" in dialog.outcome.text()
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)

    root = mail_servers.send_to_support("Parcel damaged", "The box arrived crushed.")
    qtbot.waitUntil(lambda: len(_tickets(user_session)) == 1, timeout=20_000)  # IDLE wakes the watcher
    [ticket] = _tickets(user_session)
    with user_session.workspace.sessions() as s, s.begin():  # what the inbox's reply action does
        s.add(TicketMessage(ticket_id=ticket.id, kind=MessageKind.REPLY, author_user_id=user_session.user_id,
                            body_text="Sorry about that, a new one is on its way."))
    [watch] = window.findChildren(MailWatchPresenter)
    watch.poke()
    qtbot.waitUntil(lambda: len(mail_servers.read_mailbox(CUSTOMER)) == 1, timeout=20_000)
    got = email.message_from_bytes(mail_servers.read_mailbox(CUSTOMER)[0], policy=policy.default)
    assert got["In-Reply-To"] == root and got["Subject"] == "Re: Parcel damaged"
    dialog.deleteLater()
