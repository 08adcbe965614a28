"""The one way screens run database work: a serial worker thread, progress, cancel, and one error signal.

A job is a plain function `job(state) -> result` that never touches widgets; it may report
`state.progress(done, total)` and should stop early when `state.cancelled()`. Its result is handed to `done`
on the GUI thread; an exception goes to `TaskRunner.failed`, the single place errors reach the user.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.services.log_files import redact

log = logging.getLogger(__name__)
R = TypeVar("R")


class TaskState:
    """What a running job sees: its cancel flag and a progress callback."""

    def __init__(self, on_progress: Callable[[int, int], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_progress = on_progress

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int) -> None:
        if self._on_progress is not None:
            self._on_progress(done, total)


class Runner(Protocol):
    """What presenters need of a task runner (the real one below, or an inline one in tests)."""

    def submit(self, job: Callable[[TaskState], R], done: Callable[[R], None], label: str = "",
               progress: Callable[[int, int], None] | None = None) -> TaskState: ...


def user_message(exc: BaseException) -> str:
    """The sentence a person sees for a failed job."""
    if isinstance(exc, EcrmError):
        return str(exc)
    return f"Something went wrong ({type(exc).__name__}: {redact(str(exc))}). The details are in the log."


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from the worker arrive there queued."""

    finished = Signal(object, object, object)  # state, done callback, result
    errored = Signal(object, object)  # state, exception
    progressed = Signal(object, str, int, int)  # progress callback or None, label, done, total


class _Job(QRunnable):
    def __init__(self, relay: _Relay, job: Callable[[TaskState], Any], done: Callable[[Any], None],
                 state: TaskState) -> None:
        super().__init__()
        self.relay, self.job, self.done, self.state = relay, job, done, state

    def run(self) -> None:
        if self.state.cancelled():  # dropped before it started: settle without running
            self.relay.finished.emit(self.state, self.done, None)
            return
        try:
            result = self.job(self.state)
        except Exception as exc:  # every failure goes to the one error signal
            log.exception("background job failed")
            self.relay.errored.emit(self.state, exc)
        else:
            self.relay.finished.emit(self.state, self.done, result)


class TaskRunner(QObject):
    """Runs jobs one at a time off the GUI thread (SQLite likes one writer; pages arrive in order)."""

    failed = Signal(str)
    busy_changed = Signal(bool)
    progressed = Signal(str, int, int)  # label, done, total

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)
        self._relay.errored.connect(self._errored)
        self._relay.progressed.connect(self._progressed)
        self._pending = 0

    def submit(self, job: Callable[[TaskState], R], done: Callable[[R], None], label: str = "",
               progress: Callable[[int, int], None] | None = None) -> TaskState:
        """Queue `job`; `done(result)` and `progress(done, total)` are called on the GUI thread."""
        state = TaskState(lambda d, t: self._relay.progressed.emit(progress, label, d, t))
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        runnable = _Job(self._relay, job, done, state)
        runnable.setAutoDelete(True)
        self._pool.start(runnable)
        return state

    @property
    def busy(self) -> bool:
        """Whether a job is queued or running."""
        return self._pending > 0

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (shutdown and tests)."""
        return self._pool.waitForDone(msecs)

    def _finished(self, state: TaskState, done: Callable[[Any], None], result: Any) -> None:
        self._settle()
        if not state.cancelled():
            done(result)

    def _errored(self, state: TaskState, exc: BaseException) -> None:
        self._settle()
        if not state.cancelled():
            self.failed.emit(user_message(exc))

    def _progressed(self, callback: Callable[[int, int], None] | None, label: str, done: int, total: int) -> None:
        if callback is not None:
            callback(done, total)
        self.progressed.emit(label, done, total)

    def _settle(self) -> None:
        self._pending = max(0, self._pending - 1)
        if self._pending == 0:
            self.busy_changed.emit(False)
