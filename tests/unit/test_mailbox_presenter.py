"""The mailbox dialog's presenter with a fake view and a fake mailbox service: what the person sees for each outcome,
and the watcher's status sentences."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.mail import MailboxAuthFailed, MailboxSettings, MailSecurity
from ecrm_desktop.presenters.mail_watch import MailWatchPresenter, PollOutcome, SendOutcome
from ecrm_desktop.presenters.mailbox import MailboxForm, MailboxPresenter
from tests.screen_fixtures import InlineRunner


class Summary:
    def summary(self) -> str:
        return "Both servers accepted the mailbox."


@dataclass
class FakeMailbox:
    saved: MailboxSettings | None = None
    refuse: bool = False
    calls: list[str] = field(default_factory=list)

    def settings(self) -> MailboxSettings | None:
        return self.saved

    def test(self, settings: MailboxSettings, password: str) -> Summary:
        self.calls.append(f"test {settings.imap_host}")
        if self.refuse:
            raise MailboxAuthFailed("The IMAP server refused the user name or password.")
        return Summary()

    def connect(self, settings: MailboxSettings, password: str) -> tuple[Summary, str]:
        result = self.test(settings, password)
        self.saved = settings
        return result, "keyring"


@dataclass
class FakeView:
    shown: list[tuple[str, bool]] = field(default_factory=list)
    busy: list[bool] = field(default_factory=list)
    filled: MailboxSettings | None = None
    closed: str | None = None

    def show_settings(self, settings: MailboxSettings) -> None:
        self.filled = settings

    def show_busy(self, busy: bool) -> None:
        self.busy.append(busy)

    def show_outcome(self, message: str, ok: bool) -> None:
        self.shown.append((message, ok))

    def close_connected(self, message: str) -> None:
        self.closed = message


FORM = MailboxForm("help@shop.test", "", "secret", "imap.shop.test", None, "smtp.shop.test", None,
                   MailSecurity.SSL, MailSecurity.STARTTLS, "Shop Support")


def test_a_refused_test_is_shown_in_the_dialog_and_nothing_saved() -> None:
    view, mailbox, connected = FakeView(), FakeMailbox(refuse=True), list[str]()
    presenter = MailboxPresenter(view, mailbox, InlineRunner(), connected.append)
    presenter.save(FORM)
    assert view.shown == [("The IMAP server refused the user name or password.", False)]
    assert view.busy == [True, False] and mailbox.saved is None and connected == [] and view.closed is None


def test_invalid_input_is_a_sentence_not_a_crash() -> None:
    view = FakeView()
    presenter = MailboxPresenter(view, FakeMailbox(), InlineRunner(), lambda _m: None)
    presenter.test(MailboxForm("not-an-address", "", "x", "imap.shop.test", None, "smtp.shop.test", None,
                               MailSecurity.SSL, MailSecurity.SSL))
    [(message, ok)] = view.shown
    assert not ok and "not an email address" in message


def test_connecting_saves_closes_and_tells_the_window() -> None:
    view, mailbox, connected = FakeView(), FakeMailbox(), list[str]()
    presenter = MailboxPresenter(view, mailbox, InlineRunner(), connected.append)
    presenter.save(FORM)
    assert mailbox.saved is not None and (mailbox.saved.imap_port, mailbox.saved.smtp_port) == (993, 587)
    assert view.closed == connected[0] and "system keyring" in connected[0]
    presenter.load()
    assert view.filled == mailbox.saved


@dataclass
class Fetched:
    created: int = 0
    threaded: int = 0


@dataclass
class Sent:
    sent: int = 0
    failed: int = 0


class FakeChannel:
    def __init__(self, rounds: list[tuple[Fetched, Sent]], error: EcrmError | None = None) -> None:
        self.rounds, self.error = rounds, error

    def watch(self, stop: threading.Event, on_poll: Callable[[PollOutcome, SendOutcome], None],
              on_error: Callable[[EcrmError], None], poll_seconds: float = 120.0,
              wake: threading.Event | None = None) -> None:
        for fetched, sent in self.rounds:
            on_poll(fetched, sent)
        if self.error is not None:
            on_error(self.error)


def test_the_watcher_reports_what_changed_and_problems() -> None:
    channel = FakeChannel([(Fetched(), Sent()), (Fetched(2, 1), Sent(1, 1)), (Fetched(), Sent(1))],
                          MailboxAuthFailed("Refused."))
    watch = MailWatchPresenter(channel, InlineRunner())
    said: list[str] = []
    problems: list[str] = []
    changed: list[bool] = []
    watch.polled.connect(said.append)
    watch.problem.connect(problems.append)
    watch.changed.connect(lambda: changed.append(True))
    watch.start()
    assert said == ["Support mailbox: 2 new tickets, 1 replies from customers, 1 replies sent, 1 failed.",
                    "Support mailbox: 0 new tickets, 0 replies from customers, 1 replies sent."]
    assert changed == [True, True] and problems == ["Refused."]  # a sent reply's delivery state shows too
