"""Signing in: the unlock dialog (password, or a key remembered on this computer) and the first-run wizard.

Both run the slow key derivation on the worker. The services arrive as plain callables from the composition
root, so nothing heavy (SQLAlchemy, argon2, keyring) is imported before the dialog has painted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ecrm_desktop.domain.errors import EcrmError, SecondFactorRequired
from ecrm_desktop.presenters.tasks import Runner, TaskState

if TYPE_CHECKING:
    from ecrm_desktop.services.workspace import UserSession


class SignInView(Protocol):
    def show_busy(self, message: str | None) -> None: ...

    def show_error(self, message: str) -> None: ...


class UnlockView(SignInView, Protocol):
    def ask_code(self, message: str) -> None:
        """Show the field for the second factor's code, with `message` saying what to type."""


@dataclass(frozen=True)
class _CodeNeeded:
    message: str


def _attempt(open_session: Callable[[TaskState], UserSession | None]) -> Callable[[TaskState], object]:
    """A job that answers the session, None, a request for the second factor, or the message of an error the
    person can act on."""

    def job(state: TaskState) -> object:
        try:
            return open_session(state)
        except SecondFactorRequired as exc:
            return _CodeNeeded(str(exc))
        except EcrmError as exc:
            return str(exc)

    return job


class UnlockPresenter:
    def __init__(self, view: UnlockView, runner: Runner,
                 unlock: Callable[[str, str, bool, str | None], UserSession],
                 unlock_remembered: Callable[[str], UserSession | None],
                 unlocked: Callable[[UserSession], None]) -> None:
        self.view, self.runner = view, runner
        self._unlock, self._remembered, self._unlocked = unlock, unlock_remembered, unlocked

    def try_remembered(self, user: str) -> None:
        """Open with a key the keyring remembers for `user`, if there is one; the form stays usable meanwhile."""
        self.runner.submit(_attempt(lambda _s: self._remembered(user)), self._remembered_done, "Unlocking")

    def unlock(self, user: str, password: str, remember: bool, code: str = "") -> None:
        """Sign in; `code` is the second factor's, once the dialog has asked for it."""
        if not user.strip() or not password:
            self.view.show_error("Enter your user name and password.")
            return
        self.view.show_busy("Unlocking…")
        self.runner.submit(_attempt(lambda _s: self._unlock(user.strip(), password, remember, code.strip() or None)),
                           self._done, "Unlocking")

    def _remembered_done(self, result: object) -> None:
        if result is not None and not isinstance(result, str):  # no key remembered: the password it is
            self._done(result)

    def _done(self, result: object) -> None:
        if isinstance(result, _CodeNeeded):
            self.view.show_busy(None)
            self.view.ask_code(result.message)
        elif isinstance(result, str):
            self.view.show_busy(None)
            self.view.show_error(result)
        elif result is not None:
            self._unlocked(result)  # type: ignore[arg-type]


class FirstRunView(SignInView, Protocol):
    def show_progress(self, done: int, total: int) -> None: ...


class FirstRunPresenter:
    """Creates the workspace and its administrator, optionally filled with the demo store."""

    def __init__(self, view: FirstRunView, runner: Runner, create: Callable[[str, str], UserSession],
                 fill_demo: Callable[[UserSession, int, Callable[[int, int], None], Callable[[], bool]], None],
                 created: Callable[[UserSession], None]) -> None:
        self.view, self.runner = view, runner
        self._create, self._fill_demo, self._created = create, fill_demo, created
        self._stopping = False

    def create(self, user: str, password: str, confirm: str, demo_customers: int = 0) -> None:
        if password != confirm:
            self.view.show_error("The two passwords differ.")
            return

        def open_session(state: TaskState) -> UserSession:
            session = self._create(user, password)
            if demo_customers:
                self._fill_demo(session, demo_customers, state.progress, lambda: self._stopping)
            return session

        self.view.show_busy("Generating the demo store…" if demo_customers else "Creating the workspace…")
        self._stopping = False
        self.runner.submit(_attempt(open_session), self._done, "Creating workspace", self.view.show_progress)

    def cancel(self) -> None:
        """Stop filling the demo after the current chunk (the customers written so far stay)."""
        self._stopping = True

    def _done(self, result: object) -> None:
        if isinstance(result, str):
            self.view.show_busy(None)
            self.view.show_error(result)
        elif result is not None:
            self._created(result)  # type: ignore[arg-type]
