"""The "Connect the support mailbox" dialog: fill in the servers, test both, then save.

Testing and saving talk to the mail servers, so they run on a worker; a refusal (wrong password, a server that
does not answer, an untrusted certificate) is shown in the dialog itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.mail import MailboxSettings, MailSecurity, mailbox_settings
from ecrm_desktop.presenters.tasks import Runner, TaskState


@dataclass(frozen=True)
class MailboxForm:
    """What the person typed; empty ports mean the default of the security chosen."""

    address: str
    user: str
    password: str
    imap_host: str
    imap_port: int | None
    smtp_host: str
    smtp_port: int | None
    security: MailSecurity
    smtp_security: MailSecurity
    display_name: str = ""

    def settings(self) -> MailboxSettings:
        return mailbox_settings(self.address, self.user, imap_host=self.imap_host, imap_port=self.imap_port,
                                smtp_host=self.smtp_host, smtp_port=self.smtp_port, security=self.security,
                                smtp_security=self.smtp_security, display_name=self.display_name)


class TestResult(Protocol):
    def summary(self) -> str: ...


class MailboxConnector(Protocol):
    """What the dialog needs of `services.mail_channel.MailboxService`."""

    def settings(self) -> MailboxSettings | None: ...

    def test(self, settings: MailboxSettings, password: str) -> TestResult: ...

    def connect(self, settings: MailboxSettings, password: str) -> tuple[TestResult, str]: ...


class MailboxDialogView(Protocol):
    def show_settings(self, settings: MailboxSettings) -> None: ...

    def show_busy(self, busy: bool) -> None: ...

    def show_outcome(self, message: str, ok: bool) -> None: ...

    def close_connected(self, message: str) -> None: ...


class MailboxPresenter:
    def __init__(self, view: MailboxDialogView, mailbox: MailboxConnector, runner: Runner,
                 connected: Callable[[str], None]) -> None:
        self.view, self.mailbox, self.runner, self.connected = view, mailbox, runner, connected

    def load(self) -> None:
        """Fill the form with the connected mailbox's settings (never its password)."""
        self.runner.submit(lambda _s: self.mailbox.settings(), self._loaded, "Reading the mailbox settings")

    def test(self, form: MailboxForm) -> None:
        """Sign in to both servers; nothing is saved."""
        def job(_s: TaskState) -> tuple[str, bool]:
            try:
                return self.mailbox.test(form.settings(), form.password).summary(), True
            except EcrmError as exc:
                return str(exc), False

        self._submit(job, self._tested, "Testing the mailbox")

    def save(self, form: MailboxForm) -> None:
        """Test again, then save the settings and put the password in the keyring."""
        def job(_s: TaskState) -> tuple[str, bool]:
            try:
                result, location = self.mailbox.connect(form.settings(), form.password)
            except EcrmError as exc:
                return str(exc), False
            where = "the system keyring" if location == "keyring" else "the encrypted workspace (no keyring here)"
            return f"{result.summary()} The password is in {where}.", True

        self._submit(job, self._saved, "Connecting the mailbox")

    def _submit(self, job: Callable[[TaskState], tuple[str, bool]], done: Callable[[tuple[str, bool]], None],
                label: str) -> None:
        self.view.show_busy(True)
        self.runner.submit(job, done, label)

    def _loaded(self, settings: MailboxSettings | None) -> None:
        if settings is not None:
            self.view.show_settings(settings)

    def _tested(self, outcome: tuple[str, bool]) -> None:
        self.view.show_busy(False)
        self.view.show_outcome(*outcome)

    def _saved(self, outcome: tuple[str, bool]) -> None:
        self.view.show_busy(False)
        message, ok = outcome
        if ok:
            self.connected(message)
            self.view.close_connected(message)
        else:
            self.view.show_outcome(message, False)
