"""Keeps the support mailbox read while the window is open: IDLE where the server has it, else polling.

The watch runs on its own worker (it waits on the network for minutes at a time); each poll's outcome reaches
the GUI thread through a signal, so the inbox can refresh and the status bar can say what arrived.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.presenters.tasks import Runner, TaskState


class PollOutcome(Protocol):
    created: int
    threaded: int


class SendOutcome(Protocol):
    sent: int
    failed: int


class Watchable(Protocol):
    """What the watcher needs of `services.mail_channel.MailChannel`."""

    def watch(self, stop: threading.Event, on_poll: Callable[[PollOutcome, SendOutcome], None],
              on_error: Callable[[EcrmError], None], poll_seconds: float = ...,
              wake: threading.Event | None = ...) -> None: ...


class MailWatchPresenter(QObject):
    polled = Signal(str)  # a sentence for the status bar, after a poll that changed something
    changed = Signal()  # tickets were created, got new mail or had replies sent: the inbox should refresh
    problem = Signal(str)  # a server refused or could not be reached

    def __init__(self, channel: Watchable, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.channel, self.runner = channel, runner
        self._stop, self._wake = threading.Event(), threading.Event()
        self._state: TaskState | None = None

    def start(self) -> None:
        """Start watching (again); does nothing while a watch is running."""
        if self._state is not None:
            return
        self._stop.clear()
        self._state = self.runner.submit(self._watch, self._ended, "Watching the support mailbox")

    def poke(self) -> None:
        """Poll now rather than at the next mail or timeout: a reply was queued and should go out."""
        self._wake.set()

    def stop(self) -> None:
        """Ask the watch to end; it does within about a second."""
        self._stop.set()

    def _watch(self, _state: TaskState) -> None:
        self.channel.watch(self._stop, self._polled, lambda exc: self.problem.emit(str(exc)), wake=self._wake)

    def _polled(self, fetched: PollOutcome, sent: SendOutcome) -> None:
        if fetched.created or fetched.threaded or sent.sent or sent.failed:
            self.changed.emit()
        if fetched.created or fetched.threaded or sent.sent or sent.failed:
            self.polled.emit(f"Support mailbox: {fetched.created} new tickets, {fetched.threaded} replies from "
                             f"customers, {sent.sent} replies sent" + (f", {sent.failed} failed" if sent.failed
                                                                       else "") + ".")

    def _ended(self, _result: None) -> None:
        self._state = None
