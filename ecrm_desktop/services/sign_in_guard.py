"""Lock-out with back-off after repeated failed sign-ins, per user and persisted beside the workspace, so
neither restarting the app nor the command line resets it. The clock is replaceable for tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ecrm_desktop.domain.errors import AuthenticationFailed
from ecrm_desktop.domain.lockout import wait_after
from ecrm_desktop.storage import sign_in_attempts
from ecrm_desktop.storage.sign_in_attempts import Attempts


class LockedOut(AuthenticationFailed):
    """Too many failed sign-ins: the user must wait before trying again."""


class SignInGuard:
    def __init__(self, folder: Path, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.folder = folder
        self.clock = clock

    def check(self, user: str) -> None:
        """Raise `LockedOut` while `user` must still wait after their last failure."""
        record = sign_in_attempts.read(self.folder).get(user.casefold())
        if record is None or record.last_failure is None:
            return
        left = wait_after(record.failures) - (self.clock() - record.last_failure).total_seconds()
        if left > 0:
            raise LockedOut(f"Too many failed sign-ins as {user}; try again in {_duration(left)}.")

    def failed(self, user: str) -> None:
        """Count a failure (wrong password or second factor) against `user`."""
        records = sign_in_attempts.read(self.folder)
        record = records.setdefault(user.casefold(), Attempts())
        now = self.clock()
        record.failures += 1
        record.last_failure = now
        record.unaudited.append(now.isoformat())
        sign_in_attempts.write(self.folder, records)

    def unaudited(self) -> list[tuple[str, str]]:
        """(user, ISO time) of every failure the audit trail has not recorded yet, oldest first."""
        found = [(user, at) for user, rec in sign_in_attempts.read(self.folder).items() for at in rec.unaudited]
        return sorted(found, key=lambda pair: pair[1])

    def succeeded(self, user: str) -> None:
        """`user` signed in and the failures were written to the audit trail: reset the count, clear the list."""
        records = sign_in_attempts.read(self.folder)
        for name, record in records.items():
            record.unaudited = []
            if name == user.casefold():
                record.failures, record.last_failure = 0, None
        sign_in_attempts.write(self.folder, records)


def _duration(seconds: float) -> str:
    whole = int(seconds + 0.999)
    if whole < 120:
        return f"{whole} seconds"
    return f"{(whole + 59) // 60} minutes"
