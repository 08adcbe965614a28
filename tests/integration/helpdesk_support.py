"""Shared by the help desk tests: a settable clock, and colleagues signed in to the same workspace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import User

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def colleague(session: UserSession, name: str, role: Role) -> UserSession:
    """Another user of the same workspace, signed in (the row is added directly: no key slot needed here)."""
    with session.workspace.sessions() as s, s.begin():
        user = s.execute(select(User).where(User.name == name)).scalar()
        if user is None:
            user = User(name=name, role=role, password_hash="-")
            s.add(user)
            s.flush()
        user_id = user.id
    return UserSession(session.workspace, user_id, name, role)
