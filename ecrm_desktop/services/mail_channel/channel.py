"""The email channel: inbound mail becomes tickets, queued replies go out over SMTP (docs/inbox-email.md)."""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import MessageKind, TicketChannel, TicketStatus
from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.mail import (
    DeliveryState,
    MailboxAuthFailed,
    MailboxError,
    MailboxSettings,
    message_ids,
    reply_subject,
)
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.mail_channel.mailbox import MailboxService
from ecrm_desktop.services.mail_channel.parsing import InboundMail, parse_mail
from ecrm_desktop.services.mail_channel.threads import customer_for, known_message, ticket_by_headers, ticket_by_subject
from ecrm_desktop.services.mail_channel.transport import ContextFactory, ImapSession, smtp_connection
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import MailAttachment, MailboxFolder, Ticket, TicketMessage, utcnow

log = logging.getLogger(__name__)

BATCH = 25  # messages per transaction (and per IMAP fetch)
FIRST_READ_DAYS = 30  # a newly connected mailbox brings in this many days of mail, not its whole history
MAX_REFERENCES = 20
IDLE_SECONDS = 5 * 60  # an IDLE is renewed this often (servers end one after 29 minutes; NATs drop quiet ones)
UNCERTAIN = ("Sending was interrupted, so this reply may or may not have reached the customer; check, then send it "
             "again.")
_SENDS_FOR = (TicketChannel.EMAIL, TicketChannel.MANUAL)  # imported tickets' replies are history, never sent
# Called in each batch's transaction with the ids of tickets created and of tickets that got a new message, so
# routing rules and SLA clocks (the inbox's ticket service) apply atomically with the mail that caused them.
TicketHook = Callable[[Session, list[int], list[int]], None]


@dataclass
class FetchReport:
    fetched: int = 0
    created: int = 0
    threaded: int = 0
    skipped: int = 0  # copies of mail already stored (same Message-ID)
    created_ids: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, int]:
        return {"fetched": self.fetched, "created": self.created, "threaded": self.threaded, "skipped": self.skipped}


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"sent": self.sent, "failed": self.failed, "errors": self.errors}


class MailChannel:
    def __init__(self, session: UserSession, secrets: SecretStore | None = None,
                 tls: ContextFactory = ssl.create_default_context, on_tickets: TicketHook | None = None) -> None:
        self.session = session
        self.mailbox = MailboxService(session, secrets, tls)
        self.tls = tls
        self.on_tickets = on_tickets

    # ---- inbound -------------------------------------------------------------------------------------------------
    def fetch(self, should_cancel: Callable[[], bool] = lambda: False) -> FetchReport:
        """Read new mail of the inbox folder once. Each batch of messages and the folder's last UID commit together,
        so a crash at any instant neither loses nor duplicates mail."""
        self._require_support_role()
        settings, password = self._connection()
        report = FetchReport()
        folder = settings.inbox_folder
        with ImapSession(settings, password, self.tls) as imap:
            uidvalidity, uidnext = imap.select(folder)
            with self.session.workspace.sessions() as s:
                state = s.get(MailboxFolder, folder)
                first_read = state is None
                last_uid = state.last_uid if state is not None and state.uidvalidity == uidvalidity else 0
            uids = imap.uids_after(last_uid, FIRST_READ_DAYS if first_read else None)
            if not uids:  # nothing recent on a first read: older mail stays behind the mark
                self._save_folder(folder, uidvalidity, uidnext - 1 if first_read else last_uid)
            for start in range(0, len(uids), BATCH):
                if should_cancel():
                    break
                chunk = uids[start:start + BATCH]
                raw = imap.fetch(chunk)
                self._store_batch(settings, folder, uidvalidity, uids=chunk, raw=raw, report=report)
        return report

    def _store_batch(self, settings: MailboxSettings, folder: str, uidvalidity: int, *, uids: list[int],
                     raw: dict[int, bytes], report: FetchReport) -> None:
        created: list[int] = []
        touched: list[int] = []
        with self.session.workspace.sessions() as s, s.begin():
            for uid in uids:
                if uid not in raw:
                    continue
                report.fetched += 1
                mail = parse_mail(raw[uid])
                if known_message(s, mail.message_id) or mail.sender == settings.address.lower():
                    report.skipped += 1
                    continue
                ticket_id, new = self._thread(s, mail)
                (created if new else touched).append(ticket_id)
            state = s.get(MailboxFolder, folder) or MailboxFolder(folder=folder)
            state.uidvalidity, state.last_uid = uidvalidity, max(uids)
            s.add(state)
            if self.on_tickets is not None and (created or touched):
                self.on_tickets(s, created, touched)
            if created or touched:
                audit.append(s, self.session.user_name, "inbox.fetch", None, None, created=len(created),
                             threaded=len(touched))
        report.created += len(created)
        report.threaded += len(touched)
        report.created_ids += created

    def _thread(self, s: Session, mail: InboundMail) -> tuple[int, bool]:
        now = utcnow()
        ticket_id = ticket_by_headers(s, mail.thread_ids) or \
            (ticket_by_subject(s, mail.subject, mail.sender, now) if mail.sender else None)
        ticket = s.get(Ticket, ticket_id) if ticket_id is not None else None
        new = ticket is None
        if ticket is None:
            ticket = Ticket(subject=(mail.subject or "(no subject)")[:500], channel=TicketChannel.EMAIL,
                            status=TicketStatus.OPEN, requester_email=mail.sender[:320] or None,
                            requester_name=(mail.sender_name or None) and mail.sender_name[:200],
                            customer_id=customer_for(s, mail.sender) if mail.sender else None,
                            created_at=now, updated_at=now)
            s.add(ticket)
            s.flush()
        else:
            ticket.updated_at = now
            if ticket.status is not TicketStatus.OPEN:  # the customer wrote again: back to the agents' queue
                ticket.status, ticket.snoozed_until, ticket.solved_at = TicketStatus.OPEN, None, None
        message = TicketMessage(ticket_id=ticket.id, kind=MessageKind.INBOUND, author=mail.sender[:320] or None,
                                body_text=mail.text, body_html=mail.html, sent_at=min(mail.sent_at, now),
                                message_id=mail.message_id and mail.message_id[:500],
                                in_reply_to=mail.in_reply_to[0][:500] if mail.in_reply_to else None,
                                references=" ".join(mail.references) or None, raw_headers=mail.raw_headers)
        s.add(message)
        s.flush()
        for a in mail.attachments:
            s.add(MailAttachment(message_id=message.id, filename=a.filename, content_type=a.content_type,
                                 size=len(a.content), content_id=a.content_id, sha256=a.sha256, content=a.content))
        return ticket.id, new

    def _save_folder(self, folder: str, uidvalidity: int, last_uid: int) -> None:
        with self.session.workspace.sessions() as s, s.begin():
            state = s.get(MailboxFolder, folder) or MailboxFolder(folder=folder)
            state.uidvalidity, state.last_uid = uidvalidity, last_uid
            s.add(state)

    # ---- outbound ------------------------------------------------------------------------------------------------
    def send_pending(self) -> SendReport:
        """Send every queued reply. A reply is marked `sending` (with its Message-ID) and committed before SMTP,
        `sent` after; one left `sending` by a crash is looked up in the Sent folder, never sent blindly again."""
        self._require_support_role()
        settings, password = self._connection()
        report = SendReport()
        with self.session.workspace.sessions() as s:
            interrupted = list(s.execute(select(TicketMessage.id, TicketMessage.message_id).where(
                TicketMessage.kind == MessageKind.REPLY, TicketMessage.delivery_state == DeliveryState.SENDING)))
            queued = list(s.execute(
                select(TicketMessage.id).join(Ticket, Ticket.id == TicketMessage.ticket_id)
                .where(TicketMessage.kind == MessageKind.REPLY, TicketMessage.delivery_state == DeliveryState.QUEUED,
                       Ticket.channel.in_(_SENDS_FOR)).order_by(TicketMessage.id)).scalars())
        if not interrupted and not queued:
            return report
        with ImapSession(settings, password, self.tls) as imap:
            sent_folder = imap.sent_folder()
            for row_id, mid in interrupted:
                self._settle_interrupted(imap, sent_folder, row_id, mid)
            if queued:
                with smtp_connection(settings, password, self.tls) as smtp:
                    for row_id in queued:
                        self._send_one(settings, smtp, imap, sent_folder=sent_folder, row_id=row_id, report=report)
        return report

    def _send_one(self, settings: MailboxSettings, smtp: smtplib.SMTP, imap: ImapSession, *,
                  sent_folder: str | None, row_id: int, report: SendReport) -> None:
        with self.session.workspace.sessions() as s, s.begin():
            row = s.get(TicketMessage, row_id)
            if row is None or row.delivery_state != DeliveryState.QUEUED:
                return  # another pass took it
            ticket = s.get(Ticket, row.ticket_id)
            assert ticket is not None
            if not ticket.requester_email:
                row.delivery_state, row.delivery_error = DeliveryState.FAILED, "The ticket has no requester address."
                report.failed += 1
                report.errors.append(f"Reply {row_id}: the ticket has no requester address.")
                return
            message = self._outgoing(s, settings, ticket, row)
            row.message_id = str(message["Message-ID"])
            row.in_reply_to = message.get("In-Reply-To")
            row.references = message.get("References")
            row.delivery_state = DeliveryState.SENDING
        try:
            smtp.send_message(message)
        except smtplib.SMTPResponseException as exc:
            permanent = exc.smtp_code >= 500
            self._mark(row_id, DeliveryState.FAILED if permanent else DeliveryState.QUEUED,
                       f"The SMTP server refused the reply ({exc.smtp_code}: {_text(exc.smtp_error)}).")
            report.failed += int(permanent)
            report.errors.append(f"Reply {row_id}: refused by the SMTP server ({exc.smtp_code}).")
            return
        except smtplib.SMTPRecipientsRefused:
            self._mark(row_id, DeliveryState.FAILED, "The SMTP server refused the customer's address.")
            report.failed += 1
            report.errors.append(f"Reply {row_id}: the customer's address was refused.")
            return
        except (OSError, smtplib.SMTPException):
            self._mark(row_id, DeliveryState.FAILED, UNCERTAIN)
            raise MailboxError(f"The connection to the SMTP server {settings.smtp_host} broke while a reply was "
                               "being sent; the other replies stay queued for the next pass.") from None
        self._mark(row_id, DeliveryState.SENT, None)
        report.sent += 1
        if sent_folder is not None:
            try:
                if not imap.holds(sent_folder, str(message["Message-ID"])):  # Gmail files sent mail itself
                    imap.append(sent_folder, bytes(message))
            except MailboxError as exc:
                log.warning("copy to the Sent folder failed: %s", exc)

    def _settle_interrupted(self, imap: ImapSession, sent_folder: str | None, row_id: int, mid: str | None) -> None:
        if sent_folder is not None and mid and imap.holds(sent_folder, mid):
            self._mark(row_id, DeliveryState.SENT, None)
        else:
            self._mark(row_id, DeliveryState.FAILED, UNCERTAIN)

    def _mark(self, row_id: int, state: DeliveryState, error: str | None) -> None:
        with self.session.workspace.sessions() as s, s.begin():
            s.execute(update(TicketMessage).where(TicketMessage.id == row_id).values(
                delivery_state=state, delivery_error=error,
                delivered_at=utcnow() if state is DeliveryState.SENT else None))

    def _outgoing(self, s: Session, settings: MailboxSettings, ticket: Ticket, row: TicketMessage) -> EmailMessage:
        """The reply as a mail: threading headers point at the latest message of the conversation before it."""
        parent = s.execute(select(TicketMessage).where(
            TicketMessage.ticket_id == ticket.id, TicketMessage.message_id.is_not(None),
            TicketMessage.kind != MessageKind.NOTE, TicketMessage.id != row.id,
            TicketMessage.sent_at <= row.sent_at).order_by(TicketMessage.sent_at.desc(), TicketMessage.id.desc())
            .limit(1)).scalar()
        msg = EmailMessage()
        msg["From"] = formataddr((settings.display_name, settings.address)) if settings.display_name \
            else settings.address
        msg["To"] = formataddr((ticket.requester_name or "", ticket.requester_email or ""))
        msg["Subject"] = reply_subject(ticket.subject)
        msg["Date"] = format_datetime(datetime.now(UTC))
        msg["Message-ID"] = row.message_id or make_msgid(domain=settings.address.rsplit("@", 1)[1])
        if parent is not None and parent.message_id:
            chain = [*message_ids(parent.references), parent.message_id]
            if len(chain) > MAX_REFERENCES:  # keep the first (the thread's root) and the newest ones
                chain = [chain[0], *chain[-(MAX_REFERENCES - 1):]]
            msg["In-Reply-To"] = parent.message_id
            msg["References"] = " ".join(chain)
        msg.set_content(row.body_text)
        for a in s.execute(select(MailAttachment).where(MailAttachment.message_id == row.id)).scalars():
            maintype, _, subtype = a.content_type.partition("/")
            msg.add_attachment(a.content, maintype=maintype or "application", subtype=subtype or "octet-stream",
                               filename=a.filename)
        return msg

    # ---- both ----------------------------------------------------------------------------------------------------
    def poll(self, should_cancel: Callable[[], bool] = lambda: False) -> tuple[FetchReport, SendReport]:
        """Fetch new mail, then send what is queued: what `ecrm inbox fetch` and each watcher wake-up do."""
        return self.fetch(should_cancel), self.send_pending()

    def watch(self, stop: threading.Event, on_poll: Callable[[FetchReport, SendReport], None],
              on_error: Callable[[EcrmError], None], poll_seconds: float = 120.0,
              wake: threading.Event | None = None) -> None:
        """Until `stop`: poll, then wait for new mail with IDLE where the server has it (else up to `poll_seconds`)
        or for `wake` (a reply was queued), and poll again. Reports each poll and each failure; connection failures
        back off up to ten minutes; a refused password ends the watch (retrying could lock the account)."""
        require(self.session, Operation.HANDLE_TICKETS)
        wake = wake or threading.Event()
        backoff = 0.0
        while not stop.is_set():
            try:
                wake.clear()
                on_poll(*self.poll(stop.is_set))
                backoff = 0.0
                self._wait(poll_seconds, lambda: stop.is_set() or wake.is_set())
            except MailboxAuthFailed as exc:
                on_error(exc)
                return
            except EcrmError as exc:
                on_error(exc)
                backoff = min(600.0, max(5.0, backoff * 2))
                stop.wait(backoff)

    def _wait(self, seconds: float, interrupted: Callable[[], bool]) -> None:
        settings, password = self._connection()
        with ImapSession(settings, password, self.tls) as imap:
            if imap.supports_idle():
                uidvalidity, uidnext = imap.select(settings.inbox_folder)
                with self.session.workspace.sessions() as s:
                    state = s.get(MailboxFolder, settings.inbox_folder)
                if state is None or state.uidvalidity != uidvalidity or uidnext - 1 > state.last_uid:
                    return  # mail arrived since the poll: IDLE would not announce it, so poll again now
                imap.wait_for_mail(IDLE_SECONDS, interrupted)
                return
        waited = 0.0
        while waited < seconds and not interrupted():
            threading.Event().wait(0.5)
            waited += 0.5

    def _connection(self) -> tuple[MailboxSettings, str]:
        settings = self.mailbox.settings()
        if settings is None:
            raise MailboxError("No support mailbox is connected; connect one with 'ecrm inbox connect' or "
                               "Settings → Support mailbox….")
        return settings, self.mailbox.password()

    def _require_support_role(self) -> None:
        require(self.session, Operation.HANDLE_TICKETS)


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return " ".join(text.split())[:200]
