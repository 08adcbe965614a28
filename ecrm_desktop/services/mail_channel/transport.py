"""Talking to the mail servers: an IMAP session (imapclient) and SMTP submission (smtplib), with every failure
turned into one sentence that names the server and says what to do."""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import socket
import ssl
from collections.abc import Callable, Iterator
from types import TracebackType

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ecrm_desktop.domain.mail import MailboxAuthFailed, MailboxError, MailboxSettings, MailSecurity

TIMEOUT = 30.0
SENT_NAMES = ("Sent", "Sent Items", "Sent Messages", "Sent Mail", "[Gmail]/Sent Mail", "INBOX.Sent")
ContextFactory = Callable[[], ssl.SSLContext]


def _network_problem(what: str, host: str, port: int, exc: BaseException) -> MailboxError:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return MailboxError(f"The {what} server {host}'s certificate is not trusted ({exc.verify_message}); check "
                            "the host name, or install the certificate of your mail provider.")
    if isinstance(exc, ssl.SSLError):
        return MailboxError(f"No secure connection to the {what} server {host}:{port} ({exc.reason}); check the "
                            "port and the security setting (ssl or starttls).")
    if isinstance(exc, socket.gaierror):
        return MailboxError(f"The {what} server name {host} cannot be found; check the host name.")
    if isinstance(exc, TimeoutError | socket.timeout):
        return MailboxError(f"The {what} server {host}:{port} did not answer in time; check the host, the port and "
                            "the network.")
    if isinstance(exc, ConnectionRefusedError):
        return MailboxError(f"The {what} server {host}:{port} refused the connection; check the port, or whether "
                            "the server is running.")
    return MailboxError(f"The connection to the {what} server {host}:{port} failed ({exc.__class__.__name__}); "
                        "try again, and check the settings if it keeps failing.")


class ImapSession:
    """One signed-in IMAP connection to the support mailbox (use as a context manager)."""

    def __init__(self, settings: MailboxSettings, password: str, tls: ContextFactory,
                 timeout: float = TIMEOUT) -> None:
        self.settings = settings
        host, port = settings.imap_host, settings.imap_port
        try:
            self.client = IMAPClient(host, port=port, ssl=settings.security is MailSecurity.SSL,
                                     ssl_context=tls(), timeout=timeout)
            if settings.security is MailSecurity.STARTTLS:
                self.client.starttls(tls())
        except (OSError, IMAPClientError) as exc:
            raise _network_problem("IMAP", host, port, exc) from None
        try:
            self.client.login(settings.user, password)
        except LoginError:
            self._close()
            raise MailboxAuthFailed(f"The IMAP server {host} refused the user name or password of the support "
                                    "mailbox; connect the mailbox again with the right password.") from None
        except (OSError, IMAPClientError) as exc:
            self._close()
            raise _network_problem("IMAP", host, port, exc) from None

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._close()

    def _close(self) -> None:
        with contextlib.suppress(OSError, IMAPClientError):
            self.client.logout()
        with contextlib.suppress(OSError):
            self.client.shutdown()

    @contextlib.contextmanager
    def _talking(self) -> Iterator[None]:
        try:
            yield
        except (OSError, IMAPClientError) as exc:
            raise _network_problem("IMAP", self.settings.imap_host, self.settings.imap_port, exc) from None

    def select(self, folder: str) -> tuple[int, int]:
        """Open a folder for reading; returns its UIDVALIDITY and UIDNEXT (the UID the next mail will get)."""
        with self._talking():
            info = self.client.select_folder(folder, readonly=True)
        return int(info.get(b"UIDVALIDITY", 0)), int(info.get(b"UIDNEXT", 1))

    def uids_after(self, last_uid: int, since_days: int | None = None) -> list[int]:
        """UIDs above `last_uid` in the selected folder, ascending (limited to recent days on a first read)."""
        criteria: list[object] = ["UID", f"{last_uid + 1}:*"]
        if since_days is not None:
            criteria += ["SINCE", dt.date.today() - dt.timedelta(days=since_days)]
        with self._talking():
            found = self.client.search(criteria)
        return sorted(int(u) for u in found if int(u) > last_uid)  # "n:*" always matches the last message

    def count(self) -> int:
        """How many messages the selected folder holds."""
        with self._talking():
            return len(self.client.search("ALL"))

    def fetch(self, uids: list[int]) -> dict[int, bytes]:
        """The raw messages (not marked as read)."""
        with self._talking():
            data = self.client.fetch(uids, [b"BODY.PEEK[]"])
        return {int(uid): bytes(item[b"BODY[]"]) for uid, item in data.items() if b"BODY[]" in item}

    def sent_folder(self) -> str | None:
        """The folder the server marks as Sent (special-use), else one named like it, else None."""
        with self._talking():
            folders = self.client.list_folders()
        for flags, _delim, name in folders:
            if b"\\Sent" in flags:
                return str(name)
        names = {str(name).lower(): str(name) for _flags, _delim, name in folders}
        return next((names[n.lower()] for n in SENT_NAMES if n.lower() in names), None)

    def holds(self, folder: str, message_id: str) -> bool:
        """Whether a message with this Message-ID is in the folder."""
        with self._talking():
            self.client.select_folder(folder, readonly=True)
            return bool(self.client.search(["HEADER", "Message-ID", message_id]))

    def append(self, folder: str, raw: bytes) -> None:
        with self._talking():
            self.client.append(folder, raw, flags=(b"\\Seen",))

    def supports_idle(self) -> bool:
        with self._talking():
            return bool(self.client.has_capability("IDLE"))

    def wait_for_mail(self, seconds: float, interrupted: Callable[[], bool]) -> bool:
        """IDLE on the selected folder until new mail, `interrupted()`, or `seconds`; True when mail arrived."""
        arrived = False
        with self._talking():
            self.client.idle()
            try:
                remaining = seconds
                while remaining > 0 and not interrupted() and not arrived:
                    responses = self.client.idle_check(timeout=min(1.0, remaining))
                    arrived = any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses)
                    remaining -= 1.0
            finally:
                self.client.idle_done()
        return arrived


@contextlib.contextmanager
def smtp_connection(settings: MailboxSettings, password: str, tls: ContextFactory,
                    timeout: float = TIMEOUT) -> Iterator[smtplib.SMTP]:
    """A signed-in SMTP submission connection. `MailboxError` (or `MailboxAuthFailed`) when it cannot be had, in
    which case nothing was sent; errors of the caller's own commands pass through for it to judge."""
    host, port, security = settings.smtp_host, settings.smtp_port, settings.outgoing_security
    try:
        smtp: smtplib.SMTP = (smtplib.SMTP_SSL(host, port, timeout=timeout, context=tls())
                              if security is MailSecurity.SSL else smtplib.SMTP(host, port, timeout=timeout))
    except (OSError, smtplib.SMTPException) as exc:
        raise _network_problem("SMTP", host, port, exc) from None
    with smtp:
        try:
            if security is MailSecurity.STARTTLS:
                smtp.starttls(context=tls())
            if smtp.has_extn("auth") or security is not MailSecurity.NONE:
                smtp.login(settings.user, password)
        except smtplib.SMTPAuthenticationError:
            raise MailboxAuthFailed(f"The SMTP server {host} refused the user name or password of the support "
                                    "mailbox; connect the mailbox again with the right password.") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise _network_problem("SMTP", host, port, exc) from None
        yield smtp
