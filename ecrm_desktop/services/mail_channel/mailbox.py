"""Connecting the support mailbox: settings in the workspace, the password in the OS keyring (or, where there is
none, in the encrypted workspace database), and a connection test of both servers before anything is saved."""

from __future__ import annotations

import ssl
from dataclasses import dataclass

from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.mail import MailboxError, MailboxSettings
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.mail_channel.transport import ContextFactory, ImapSession, smtp_connection
from ecrm_desktop.services.permissions import require, require_any
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.settings import read_setting, write_setting

SETTINGS_KEY = "mailbox"
DATABASE_PASSWORD_KEY = "mailbox_password"  # noqa: S105 (a setting's name) only where no keyring exists; the database itself is encrypted
KEYRING, DATABASE = "keyring", "database"


@dataclass(frozen=True)
class ConnectionTest:
    """What a successful test found out."""

    messages: int
    idle: bool
    sent_folder: str | None

    def summary(self) -> str:
        sent = f"replies are copied to '{self.sent_folder}'" if self.sent_folder else "no Sent folder was found"
        how = "new mail arrives at once (IDLE)" if self.idle else "the server has no IDLE, so ecrm polls it"
        return f"Both servers accepted the mailbox: {self.messages:,} messages in the inbox, {how}, {sent}."


class MailboxService:
    def __init__(self, session: UserSession, secrets: SecretStore | None = None,
                 tls: ContextFactory = ssl.create_default_context) -> None:
        self.session = session
        self.secrets = secrets or SecretStore()
        self.tls = tls

    def settings(self) -> MailboxSettings | None:
        """The connected mailbox's settings, or None when none is connected."""
        require_any(self.session, Operation.VIEW_TICKETS, Operation.MANAGE_SETTINGS)
        with self.session.workspace.sessions() as s:
            value = read_setting(s, SETTINGS_KEY)
        return MailboxSettings.from_json(value) if isinstance(value, dict) else None

    def password(self) -> str:
        """The mailbox password from wherever `connect` put it (for those who fetch and send support mail)."""
        require(self.session, Operation.HANDLE_TICKETS)
        settings = self.settings()
        if settings is None:
            raise UsageError("No support mailbox is connected; connect one with 'ecrm inbox connect' or "
                             "Settings → Support mailbox….")
        with self.session.workspace.sessions() as s:
            stored = read_setting(s, DATABASE_PASSWORD_KEY)
        secret = str(stored) if stored else self.secrets.get(self._keyring_name())
        if not secret:
            raise MailboxError("The support mailbox's password is not in the keyring any more; connect the mailbox "
                               "again.")
        return secret

    def test(self, settings: MailboxSettings, password: str) -> ConnectionTest:
        """Sign in to the IMAP and SMTP servers with these settings; `MailboxError` says what failed."""
        require(self.session, Operation.MANAGE_SETTINGS)
        if not password:
            raise UsageError("The mailbox password is empty; set ECRM_MAIL_PASSWORD or type it at the prompt.")
        with ImapSession(settings, password, self.tls) as imap:
            imap.select(settings.inbox_folder)
            messages = imap.count()
            idle, sent = imap.supports_idle(), imap.sent_folder()
        with smtp_connection(settings, password, self.tls):
            pass
        return ConnectionTest(messages, idle, sent)

    def connect(self, settings: MailboxSettings, password: str) -> tuple[ConnectionTest, str]:
        """Test, then save the settings and the password; returns the test and where the password went."""
        require(self.session, Operation.MANAGE_SETTINGS)
        result = self.test(settings, password)
        problem = self.secrets.set(self._keyring_name(), password)
        with self.session.workspace.sessions() as s, s.begin():
            write_setting(s, SETTINGS_KEY, settings.to_json())
            write_setting(s, DATABASE_PASSWORD_KEY, None if problem is None else password)
            audit.append(s, self.session.user_name, "mailbox.connect", None, None, address=settings.address,
                         imap_host=settings.imap_host, smtp_host=settings.smtp_host,
                         password_in=KEYRING if problem is None else DATABASE)
        return result, KEYRING if problem is None else DATABASE

    def _keyring_name(self) -> str:
        return f"mailbox-password:{self.session.workspace.workspace_id}"
