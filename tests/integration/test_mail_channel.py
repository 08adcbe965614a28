"""The email channel against a real Dovecot (IMAP) and SMTP server on loopback (tests/mail_support.py)."""

from __future__ import annotations

import email
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from ecrm_desktop.domain.enums import MessageKind, Role, TicketChannel, TicketStatus
from ecrm_desktop.domain.errors import PermissionDenied, UsageError
from ecrm_desktop.domain.mail import MailboxAuthFailed, MailboxError, MailSecurity, mailbox_settings
from ecrm_desktop.services.mail_channel import Attachments, MailboxService, MailChannel
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import MailAttachment, Ticket, TicketMessage
from tests.factories import customer, make_store
from tests.mail_support import CUSTOMER, OTHER, SUPPORT, MailServers

pytestmark = pytest.mark.slow  # real mail servers


@pytest.fixture
def channel(mail_servers: MailServers, user_session: UserSession, secrets: SecretStore) -> Iterator[MailChannel]:
    """A workspace whose support mailbox is connected to the loopback servers, every mailbox empty."""
    for user in mail_servers.users:
        mail_servers.empty_mailbox(user)
    settings = mailbox_settings(SUPPORT, SUPPORT, imap_host=mail_servers.host, imap_port=mail_servers.imaps_port,
                                smtp_host=mail_servers.host, smtp_port=mail_servers.smtp_port,
                                security=MailSecurity.SSL, smtp_security=MailSecurity.STARTTLS,
                                display_name="Northwind Support")
    MailboxService(user_session, secrets, mail_servers.ssl_context).connect(settings, mail_servers.users[SUPPORT])
    with user_session.workspace.sessions() as s, s.begin():
        StoreWriter(s, make_store(s, "Northwind")).upsert_customers([customer("1", CUSTOMER, "Ada", "Lovelace")])
    yield MailChannel(user_session, secrets, mail_servers.ssl_context)


def _tickets(session: UserSession) -> list[Ticket]:
    with session.workspace.sessions() as s:
        return list(s.execute(select(Ticket).order_by(Ticket.id)).scalars())


def _messages(session: UserSession, ticket_id: int) -> list[TicketMessage]:
    with session.workspace.sessions() as s:
        return list(s.execute(select(TicketMessage).where(TicketMessage.ticket_id == ticket_id)
                              .order_by(TicketMessage.id)).scalars())


def test_new_mail_becomes_a_ticket_beside_the_customer(channel: MailChannel, mail_servers: MailServers) -> None:
    mid = mail_servers.send_to_support("Where is my order #1001?", "Hello, it has not arrived. Ada")
    mail_servers.wait_for(SUPPORT, 1)
    report = channel.fetch()
    assert (report.fetched, report.created, report.threaded) == (1, 1, 0)
    [ticket] = _tickets(channel.session)
    assert ticket.subject == "Where is my order #1001?" and ticket.channel is TicketChannel.EMAIL
    assert ticket.requester_email == CUSTOMER and ticket.customer_id is not None
    [message] = _messages(channel.session, ticket.id)
    assert message.kind is MessageKind.INBOUND and message.message_id == mid and message.delivery_state is None
    assert "it has not arrived" in message.body_text and "Message-ID" in (message.raw_headers or "")
    assert channel.fetch().fetched == 0  # UIDs are remembered


def test_threading_by_headers_of_common_clients(channel: MailChannel, mail_servers: MailServers) -> None:
    root = mail_servers.send_to_support("Refund for order 1002", "I returned the parcel.")
    mail_servers.wait_for(SUPPORT, 1)
    channel.fetch()
    # Gmail: In-Reply-To and References, "Re:"
    mail_servers.send_to_support("Re: Refund for order 1002", "Any news?",
                                 headers={"In-Reply-To": root, "References": root})
    # Apple Mail: long References (folded over lines when sent) holding ids we never saw
    mail_servers.send_to_support("Re: Refund for order 1002", "Still waiting.", headers={
        "In-Reply-To": root, "References": f"<A1B2C3D4-E5F6-7788-99AA-BBCCDDEEFF00@customer.test> {root} "
                                          "<5F0E2D1C-0B9A-8877-6655-443322110000@elsewhere.test>"})
    # Thunderbird: a References chain whose nearest ids are unknown to us, no In-Reply-To
    mail_servers.send_to_support("Re: Refund for order 1002", "Third time.",
                                 headers={"References": f"{root} <lost-1@customer.test> <lost-2@customer.test>"})
    # Outlook: "RE:", a Thread-Index and no In-Reply-To or References at all (subject fallback, same requester)
    mail_servers.send_to_support("RE: Refund for order 1002", "Hello??",
                                 headers={"Thread-Index": "AQHZ1234567890abcdef=="})
    # German Outlook and Nordic clients' prefixes, stacked
    mail_servers.send_to_support("AW: SV: Re: Refund for order 1002", "Danke.")
    # the same subject from someone else, and a fresh mail with no prefix: new tickets
    mail_servers.send_to_support("Re: Refund for order 1002", "Me too!", sender=OTHER)
    mail_servers.send_to_support("Refund for order 1002", "A new question about the same order.")
    mail_servers.wait_for(SUPPORT, 8)
    report = channel.fetch()
    assert (report.fetched, report.created, report.threaded) == (7, 2, 5)
    first, other, fresh = _tickets(channel.session)
    assert [m.body_text for m in _messages(channel.session, first.id)] == [
        "I returned the parcel.", "Any news?", "Still waiting.", "Third time.", "Hello??", "Danke."]
    assert other.requester_email == OTHER and other.customer_id is None
    assert fresh.requester_email == CUSTOMER and len(_messages(channel.session, fresh.id)) == 1


def test_a_reply_to_a_solved_ticket_reopens_it(channel: MailChannel, mail_servers: MailServers) -> None:
    root = mail_servers.send_to_support("Size exchange", "Can I swap for an M?")
    mail_servers.wait_for(SUPPORT, 1)
    channel.fetch()
    with channel.session.workspace.sessions() as s, s.begin():
        s.execute(update(Ticket).values(status=TicketStatus.SOLVED))
    mail_servers.send_to_support("Re: Size exchange", "Actually an L.", headers={"In-Reply-To": root})
    mail_servers.wait_for(SUPPORT, 2)
    channel.fetch()
    [ticket] = _tickets(channel.session)
    assert ticket.status is TicketStatus.OPEN


def test_hostile_html_is_sanitised_and_text_kept(channel: MailChannel, mail_servers: MailServers) -> None:
    hostile = ('<html><head><style>body{background:url(https://t.evil/x)}</style><script>steal()</script></head>'
               '<body><p onclick="steal()">Hi <b>team</b></p><img src="https://t.evil/pixel.gif" onerror="steal()">'
               '<a href="javascript:steal()">click</a><a href="https://shop.test/o/1">order</a>'
               '<div style="width:expression(steal())">css</div><svg onload="steal()"><script>x()</script></svg>'
               '<iframe src="https://t.evil"></iframe><img src="data:image/png;base64,AAAA"></body></html>')
    mail_servers.send_to_support("Hostile", "Hi team", html=hostile)
    mail_servers.wait_for(SUPPORT, 1)
    channel.fetch()
    [ticket] = _tickets(channel.session)
    [message] = _messages(channel.session, ticket.id)
    html = message.body_html or ""
    for bad in ("script", "steal", "onclick", "onerror", "javascript:", "t.evil", "style", "expression", "svg",
                "iframe", "data:"):
        assert bad not in html.lower(), bad
    assert "<b>team</b>" in html and 'href="https://shop.test/o/1"' in html


def test_attachments_are_kept_encrypted_at_rest(channel: MailChannel, mail_servers: MailServers,
                                                tmp_path: Path) -> None:
    secret = b"PLAINTEXT-MARKER-" + b"invoice-7731 " * 200
    mail_servers.send_to_support("Invoice", "See attached.", attachments=[("invoice.txt", "text/plain", secret),
                                                                          ("photo.png", "image/png", b"\x89PNG..")])
    mail_servers.wait_for(SUPPORT, 1)
    channel.fetch()
    with channel.session.workspace.sessions() as s:
        files = {a.filename: (a.content_type, a.content, a.size)
                 for a in s.execute(select(MailAttachment)).scalars()}
    assert files["invoice.txt"] == ("text/plain", secret, len(secret))
    assert files["photo.png"][0] == "image/png"
    files_seen = 0
    for path in (tmp_path / "ws").rglob("*"):  # the database, its WAL and the key slots, while open
        files_seen += path.is_file()
        if path.is_file():
            assert b"PLAINTEXT-MARKER" not in path.read_bytes(), path
    assert files_seen >= 2


def _queue_reply(session: UserSession, ticket_id: int, text: str) -> int:
    """What the inbox's reply action does: insert a REPLY row (delivery_state defaults to 'queued')."""
    with session.workspace.sessions() as s, s.begin():
        row = TicketMessage(ticket_id=ticket_id, kind=MessageKind.REPLY, body_text=text,
                            author_user_id=session.user_id)
        s.add(row)
        s.flush()
        return row.id


def test_a_reply_arrives_threaded_in_the_customers_mailbox(channel: MailChannel, mail_servers: MailServers) -> None:
    root = mail_servers.send_to_support("Where is my parcel?", "Order 1003 please.")
    mail_servers.wait_for(SUPPORT, 1)
    channel.fetch()
    [ticket] = _tickets(channel.session)
    row_id = _queue_reply(channel.session, ticket.id, "Hi Ada, it ships today. Lin")
    report = channel.send_pending()
    assert (report.sent, report.failed) == (1, 0)
    [raw] = mail_servers.wait_for(CUSTOMER, 1)
    got = email.message_from_bytes(raw, policy=policy.default)
    assert got["Subject"] == "Re: Where is my parcel?"
    assert got["In-Reply-To"] == root and root in got["References"]
    assert "Northwind Support" in got["From"] and SUPPORT in got["From"] and CUSTOMER in got["To"]
    [reply] = [m for m in _messages(channel.session, ticket.id) if m.id == row_id]
    sent_id = str(got["Message-ID"])
    assert reply.delivery_state == "sent" and reply.delivered_at is not None and reply.message_id == sent_id
    assert mail_servers.read_mailbox(SUPPORT, "Sent")[0].count(sent_id.encode()) == 1
    assert channel.send_pending().sent == 0  # never sent twice
    # the customer answers the reply: it threads into the same ticket by In-Reply-To
    mail_servers.send_to_support("Re: Where is my parcel?", "Thanks!",
                                 headers={"In-Reply-To": sent_id, "References": f"{root} {sent_id}"})
    mail_servers.wait_for(SUPPORT, 2)
    assert channel.fetch().threaded == 1
    assert len(mail_servers.read_mailbox(CUSTOMER)) == 1


def test_a_reply_interrupted_mid_send_is_never_sent_blindly_again(channel: MailChannel,
                                                                  mail_servers: MailServers) -> None:
    mail_servers.send_to_support("Gift wrap", "Can you wrap it?")
    mail_servers.wait_for(SUPPORT, 1)
    channel.fetch()
    [ticket] = _tickets(channel.session)
    row_id = _queue_reply(channel.session, ticket.id, "Yes we can.")
    with channel.session.workspace.sessions() as s, s.begin():  # as a crash between 'sending' and 'sent' leaves it
        s.execute(update(TicketMessage).where(TicketMessage.id == row_id)
                  .values(delivery_state="sending", message_id="<never-sent@shop.test>"))
    assert channel.send_pending().sent == 0
    [reply] = [m for m in _messages(channel.session, ticket.id) if m.id == row_id]
    assert reply.delivery_state == "failed" and "may or may not" in (reply.delivery_error or "")
    assert mail_servers.read_mailbox(CUSTOMER) == []
    TicketService(channel.session).retry_reply(row_id)  # what 'Send again' in the conversation does
    assert channel.send_pending().sent == 1
    assert len(mail_servers.wait_for(CUSTOMER, 1)) == 1


def test_a_refused_recipient_fails_with_a_clear_error(channel: MailChannel, mail_servers: MailServers) -> None:
    mail_servers.send_to_support("Hello", "Hi")
    mail_servers.wait_for(SUPPORT, 1)
    channel.fetch()
    [ticket] = _tickets(channel.session)
    with channel.session.workspace.sessions() as s, s.begin():
        s.execute(update(Ticket).values(requester_email="nobody@nowhere.test"))
    row_id = _queue_reply(channel.session, ticket.id, "Hi")
    report = channel.send_pending()
    assert report.failed == 1 and report.errors
    [reply] = [m for m in _messages(channel.session, ticket.id) if m.id == row_id]
    assert reply.delivery_state == "failed" and "refused" in (reply.delivery_error or "")


def test_wrong_password_and_server_down_are_clear(channel: MailChannel, mail_servers: MailServers,
                                                  user_session: UserSession, secrets: SecretStore) -> None:
    service = MailboxService(user_session, secrets, mail_servers.ssl_context)
    settings = service.settings()
    assert settings is not None
    with pytest.raises(MailboxAuthFailed, match="refused the user name or password"):
        service.test(settings, "wrong-password")
    down = mailbox_settings(SUPPORT, SUPPORT, imap_host="127.0.0.1", imap_port=1, smtp_host="127.0.0.1",
                            smtp_port=1, security=MailSecurity.SSL)
    with pytest.raises(MailboxError, match="refused the connection"):
        service.test(down, "x")
    untrusted = MailboxService(user_session, secrets)  # the system's CAs do not know the test certificate
    with pytest.raises(MailboxError, match="not trusted"):
        untrusted.test(settings, mail_servers.users[SUPPORT])
    with user_session.workspace.sessions() as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar() == 0


def test_unencrypted_connections_only_to_this_computer() -> None:
    with pytest.raises(Exception, match="only to this computer"):
        mailbox_settings(SUPPORT, SUPPORT, imap_host="imap.example.com", imap_port=None,
                         smtp_host="smtp.example.com", smtp_port=None, security=MailSecurity.NONE)


def test_a_new_mailbox_brings_in_recent_mail_only(channel: MailChannel, mail_servers: MailServers) -> None:
    old = (b"From: ada@customer.test\r\nTo: support@shop.test\r\nSubject: Old question\r\n"
           b"Message-ID: <old-1@customer.test>\r\n\r\nFrom last year.\r\n")
    with mail_servers.imap(SUPPORT) as client:
        client.append("INBOX", old, msg_time=datetime.now(UTC) - timedelta(days=90))
    assert channel.fetch().fetched == 0  # a first read finds nothing recent and marks the old mail as read past
    mail_servers.send_to_support("New question", "Hello again.")
    mail_servers.wait_for(SUPPORT, 2)
    report = channel.fetch()
    assert (report.fetched, report.created) == (1, 1)
    assert [t.subject for t in _tickets(channel.session)] == ["New question"]


def test_attachments_open_and_go_out_with_a_reply(channel: MailChannel, mail_servers: MailServers,
                                                   tmp_path: Path) -> None:
    mail_servers.send_to_support("Wrong size", "Photo attached.", attachments=[("label.pdf", "application/pdf",
                                                                                  b"%PDF-1.4 label")])
    mail_servers.wait_for(SUPPORT, 1)
    channel.fetch()
    [ticket] = _tickets(channel.session)
    files = Attachments(channel.session)
    [inbound] = _messages(channel.session, ticket.id)
    [info] = files.of_message(inbound.id)
    assert (info.filename, info.content_type, info.size) == ("label.pdf", "application/pdf", 14)
    saved = files.save_to(info.id, tmp_path / "label.pdf")
    assert saved.read_bytes() == b"%PDF-1.4 label" and saved.stat().st_mode & 0o077 == 0
    marketer = replace(channel.session, role=Role.MARKETING)  # may not read tickets, so not their files
    with pytest.raises(PermissionDenied):
        Attachments(marketer).save_to(info.id, tmp_path / "copy.pdf")
    assert not (tmp_path / "copy.pdf").exists()
    row_id = _queue_reply(channel.session, ticket.id, "Here is the return label.")
    files.attach(row_id, "return-label.pdf", b"%PDF-1.4 return")
    with pytest.raises(UsageError, match="still waiting"):
        files.attach(inbound.id, "x.txt", b"x")
    assert channel.send_pending().sent == 1
    [raw] = mail_servers.wait_for(CUSTOMER, 1)
    got = email.message_from_bytes(raw, policy=policy.default)
    [part] = list(got.iter_attachments())
    assert part.get_filename() == "return-label.pdf" and part.get_content() == b"%PDF-1.4 return"
    with pytest.raises(UsageError, match="still waiting"):  # sent: no more files
        files.attach(row_id, "late.txt", b"x")
