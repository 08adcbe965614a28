"""Locking the window after idle minutes: the screens stay as they were behind the lock, and the password with the
second factor, for a user who has one (checked like a sign-in, with the same lock-out), opens them again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

from ecrm_desktop.domain.errors import EcrmError, SecondFactorRequired
from ecrm_desktop.presenters.tasks import Runner, TaskState


class LockView(Protocol):
    def show_locked(self) -> None: ...

    def show_unlocked(self) -> None: ...

    def show_lock_error(self, message: str) -> None: ...

    def ask_lock_code(self, message: str) -> None:
        """Show the field for the second factor's code, with `message` saying what to type."""


CODE_PROMPT = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."


class _CodeNeeded(str):
    """A job's answer: the second factor is needed (the text says what to type)."""


class IdleLockPresenter:
    """`activity()` on each input restarts the countdown; `minutes` of none locks. 0 minutes: never."""

    def __init__(self, view: LockView, runner: Runner, reauthenticate: Callable[[str, str | None], None],
                 minutes: int, second_factor: bool = False) -> None:
        self.view, self.runner, self.reauthenticate = view, runner, reauthenticate
        self.second_factor = second_factor
        self.locked = False
        self._timer = QTimer(view if isinstance(view, QObject) else None)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.lock)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        self._timer.stop()
        if minutes > 0 and not self.locked:
            self._timer.start(minutes * 60_000)

    def activity(self) -> None:
        if not self.locked and self.minutes > 0:
            self._timer.start(self.minutes * 60_000)

    def lock(self) -> None:
        """Hide everything behind the lock now (also the "Lock" command)."""
        self._timer.stop()
        self.locked = True
        self.view.show_locked()
        if self.second_factor:
            self.view.ask_lock_code(CODE_PROMPT)

    def unlock(self, password: str, code: str = "") -> None:
        """Check `password` and, for a user with a second factor, `code` on the worker."""
        if not password:
            self.view.show_lock_error("Enter your password.")
            return
        if self.second_factor and not code.strip():
            self.view.show_lock_error("Enter the code from your authenticator app as well.")
            return

        def job(_s: TaskState) -> str | None:
            try:
                self.reauthenticate(password, code.strip() or None)
            except SecondFactorRequired as exc:
                return _CodeNeeded(exc)
            except EcrmError as exc:
                return str(exc)
            return None

        self.runner.submit(job, self._checked, "Unlocking")

    def _checked(self, problem: str | None) -> None:
        if isinstance(problem, _CodeNeeded):  # enrolled since the lock was built: ask from now on
            self.second_factor = True
            self.view.ask_lock_code(problem)
            return
        if problem is not None:
            self.view.show_lock_error(problem)
            return
        self.locked = False
        self.view.show_unlocked()
        self.activity()
