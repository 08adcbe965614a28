"""Local users of a workspace: adding them (with their own key slot) and listing them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import func, select

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import PermissionDenied, UsageError
from ecrm_desktop.domain.passwords import check_password
from ecrm_desktop.services.workspace import UserSession, valid_user_name
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.keyslots import KdfParams
from ecrm_desktop.storage.tables import User
from ecrm_desktop.storage.workspace import read_keyslots


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: Role
    created_at: datetime
    last_login_at: datetime | None
    disabled: bool


class UserService:
    def __init__(self, session: UserSession, kdf: KdfParams | None = None) -> None:
        self.session = session
        self.kdf = kdf

    def list(self) -> list[UserInfo]:
        with self.session.workspace.sessions() as s:
            return [UserInfo(u.name, u.role, u.created_at, u.last_login_at, u.disabled)
                    for u in s.execute(select(User).order_by(User.name)).scalars()]

    def add(self, name: str, role: Role, password: str) -> None:
        """Add a user with their own key slot; administrators only."""
        if self.session.role is not Role.ADMINISTRATOR:
            raise PermissionDenied("Only an administrator can add users.")
        name = valid_user_name(name)
        check_password(password)
        ws = self.session.workspace
        with ws.sessions() as s, s.begin():
            if s.execute(select(User.id).where(func.lower(User.name) == name.lower())).first():
                raise UsageError(f"A user named {name} already exists.")
            s.add(User(name=name, role=role, password_hash=PasswordHasher().hash(password)))
            s.flush()
            audit.append(s, self.session.user_name, "user.add", "user", None, name=name, role=role.value)
            slots = read_keyslots(ws.paths.folder)
            slots.add(name, password, ws.database_key, self.kdf)
            slots.save(ws.paths.keyslots)
