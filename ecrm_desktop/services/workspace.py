"""Creating, unlocking and locking a workspace: the service behind `ecrm init`, the first-run wizard and
the unlock dialog."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import AuthenticationFailed, SecondFactorRequired, UsageError, WorkspaceError
from ecrm_desktop.domain.passwords import check_password
from ecrm_desktop.domain.permissions import DEFAULT_GRANTS, Operation, grants_from_json
from ecrm_desktop.services import second_factor
from ecrm_desktop.services.locations import default_workspace_folder as default_workspace_folder  # noqa: PLC0414 (re-export)
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.sign_in_guard import SignInGuard
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.key_rotation import open_unlocked
from ecrm_desktop.storage.keyslots import KdfParams
from ecrm_desktop.storage.settings import read_setting
from ecrm_desktop.storage.tables import Setting, User, utcnow
from ecrm_desktop.storage.workspace import (
    Workspace,
    create_workspace,
    open_workspace,
    read_keyslots,
)

log = logging.getLogger(__name__)

ROLE_GRANTS_SETTING = "role_grants"
DEFAULT_SETTINGS = {"reporting_currency": '"USD"', "timezone": '"local"'}


@dataclass
class UserSession:
    """An unlocked workspace and who is working in it. Services take this, never a bare engine."""

    workspace: Workspace
    user_id: int
    user_name: str
    role: Role
    notices: list[str] = field(default_factory=list)
    role_grants: Mapping[Role, frozenset[Operation]] = field(default_factory=lambda: DEFAULT_GRANTS)

    def may(self, operation: Operation) -> bool:
        """Whether this user's role holds `operation`, as the workspace's grants stood at sign-in (services
        enforce it with `permissions.require`)."""
        return operation in self.role_grants[self.role]

    def close(self) -> None:
        self.workspace.close()


class WorkspaceService:
    """Creates workspaces and opens them for a user, with or without a remembered key."""

    def __init__(self, secrets: SecretStore | None = None, kdf: KdfParams | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.secrets = secrets or SecretStore()
        self.kdf = kdf
        self.clock = clock  # for the lock-out back-off and TOTP codes
        self._hasher = PasswordHasher()

    def exists(self, folder: Path) -> bool:
        return (folder / "keyslots.json").exists() or (folder / "ecrm.db").exists()

    def create(self, folder: Path, user: str, password: str) -> UserSession:
        """Create the workspace with `user` as its first administrator; refuses where one exists."""
        user = valid_user_name(user)
        check_password(password)

        def seed(session: Session) -> None:
            for key, value in DEFAULT_SETTINGS.items():
                session.add(Setting(key=key, value_json=value))
            session.add(User(name=user, role=Role.ADMINISTRATOR, password_hash=self._hasher.hash(password)))
            session.flush()
            audit.append(session, user, "workspace.create")
            audit.append(session, user, "user.add", "user", None, name=user, role=Role.ADMINISTRATOR.value)

        workspace = create_workspace(folder, user, password, seed, self.kdf)
        created = self._session_for(workspace, user, sign_in=False)
        assert created is not None  # a new workspace's administrator has no second factor yet
        return created

    def unlock(self, folder: Path, user: str, password: str, remember: bool = False,
               code: str | None = None) -> UserSession:
        """Open with a password and, for a user with a second factor, its `code` (else `SecondFactorRequired`).
        Repeated failures lock the user out for a growing while. With `remember`, the key goes to the keyring
        (or a notice says why not)."""
        guard = SignInGuard(folder, self.clock)
        guard.check(user)
        slots = read_keyslots(folder)
        try:
            workspace = open_unlocked(folder, slots, slots.unwrap_all(user, password))
            key = workspace.database_key
            if user.casefold() in (u.casefold() for u in slots.legacy_users()):  # a version 1 slot: upgrade it now
                slots.add(user, password, key, self.kdf)
                slots.save(workspace.paths.keyslots)
            session = self._session_for(workspace, user, code=code, failures=guard.unaudited())
            assert session is not None  # only a remembered key is refused
        except SecondFactorRequired:
            raise
        except AuthenticationFailed:
            guard.failed(user)
            raise
        guard.succeeded(user)
        if remember:
            problem = self.secrets.set(self._remember_name(slots.workspace_id, user), key.hex())
            if problem:
                session.notices.append(problem)
        return session

    def unlock_remembered(self, folder: Path, user: str) -> UserSession | None:
        """Open with a key the keyring remembers for this user and workspace, or None when there is none."""
        slots = read_keyslots(folder)
        remembered = self.secrets.get(self._remember_name(slots.workspace_id, user))
        if not remembered or not slots.has(user):
            return None
        try:
            workspace = open_workspace(folder, bytes.fromhex(remembered), slots.workspace_id)
        except WorkspaceError:  # the key was rotated since it was remembered: the password is needed
            self.secrets.delete(self._remember_name(slots.workspace_id, user))
            return None
        return self._session_for(workspace, user, remembered=True)

    def reauthenticate(self, session: UserSession, password: str, code: str | None = None) -> None:
        """Check the signed-in user's password again (the idle lock) and, when they have one, their second factor
        (`SecondFactorRequired` without `code`); failures count like a sign-in's, and the unlock is audited."""
        folder = session.workspace.paths.folder
        guard = SignInGuard(folder, self.clock)
        guard.check(session.user_name)
        try:
            read_keyslots(folder).unwrap(session.user_name, password)
            with session.workspace.sessions() as s, s.begin():
                factor = second_factor.verify(s, s.get_one(User, session.user_id), code, self.clock)
                for name, at in guard.unaudited():
                    audit.append(s, name, "user.sign_in_failed", detail_at=at)
                audit.append(s, session.user_name, "user.unlock", "user", session.user_id,
                             method="+".join(filter(None, ["password", factor])))
        except SecondFactorRequired:
            raise
        except AuthenticationFailed:
            guard.failed(session.user_name)
            raise
        guard.succeeded(session.user_name)

    def has_second_factor(self, session: UserSession) -> bool:
        """Whether the signed-in user must give a second factor to unlock (the lock screen asks for it)."""
        with session.workspace.sessions() as s:
            return bool(s.get_one(User, session.user_id).totp_secret)

    def forget(self, folder: Path, user: str) -> None:
        """Remove a remembered key from the keyring."""
        slots = read_keyslots(folder)
        self.secrets.delete(self._remember_name(slots.workspace_id, user))

    def _session_for(self, workspace: Workspace, user: str, *, sign_in: bool = True, code: str | None = None,
                     failures: Sequence[tuple[str, str]] = (), remembered: bool = False) -> UserSession | None:
        """The session of `user` (checking their second factor), recording the sign-in and the failures before
        it in one transaction; None for a remembered key of a user with a second factor (they must type it)."""
        try:
            with workspace.sessions() as s, s.begin():
                row = s.execute(select(User).where(func.lower(User.name) == user.lower())).scalar()
                if row is None or row.disabled:
                    raise AuthenticationFailed("Wrong user name or password.")
                if remembered and row.totp_secret:
                    raise SecondFactorRequired("A second factor is needed.")  # the caller asks for the password
                factor = None if remembered or not sign_in else second_factor.verify(s, row, code, self.clock)
                for name, at in failures:
                    audit.append(s, name, "user.sign_in_failed", detail_at=at)
                if sign_in:
                    row.last_login_at = utcnow()
                    method = "remembered key" if remembered else "+".join(filter(None, ["password", factor]))
                    audit.append(s, row.name, "user.sign_in", "user", row.id, method=method)
                grants = grants_from_json(read_setting(s, ROLE_GRANTS_SETTING))
                return UserSession(workspace, row.id, row.name, row.role, role_grants=grants)
        except SecondFactorRequired:
            workspace.close()
            if remembered:
                return None
            raise
        except BaseException:
            workspace.close()
            raise

    @staticmethod
    def _remember_name(workspace_id: str, user: str) -> str:
        return f"workspace-key:{workspace_id}:{user.lower()}"


def valid_user_name(name: str) -> str:
    """The trimmed name, or `UsageError` when it is empty, too long or has spaces."""
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise UsageError("A user name must be 1 to 64 characters with no spaces.")
    return name
