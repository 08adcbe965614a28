"""Locking the window after idle minutes: the screens stay as they were behind the lock, and the password (checked
like a sign-in, with the same lock-out) opens them again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.presenters.tasks import Runner, TaskState


class LockView(Protocol):
    def show_locked(self) -> None: ...

    def show_unlocked(self) -> None: ...

    def show_lock_error(self, message: str) -> None: ...


class IdleLockPresenter:
    """`activity()` on each input restarts the countdown; `minutes` of none locks. 0 minutes: never."""

    def __init__(self, view: LockView, runner: Runner, reauthenticate: Callable[[str], None], minutes: int) -> None:
        self.view, self.runner, self.reauthenticate = view, runner, reauthenticate
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

    def unlock(self, password: str) -> None:
        if not password:
            self.view.show_lock_error("Enter your password.")
            return

        def job(_s: TaskState) -> str | None:
            try:
                self.reauthenticate(password)
            except EcrmError as exc:
                return str(exc)
            return None

        self.runner.submit(job, self._checked, "Unlocking")

    def _checked(self, problem: str | None) -> None:
        if problem is not None:
            self.view.show_lock_error(problem)
            return
        self.locked = False
        self.view.show_unlocked()
        self.activity()
