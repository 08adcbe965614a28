"""Local users of a workspace: adding them (with their own key slot), listing them and changing their role."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import func, select

from ecrm_desktop.domain.accounts import UserInfo
from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.domain.passwords import check_password
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession, valid_user_name
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.keyslots import KdfParams
from ecrm_desktop.storage.tables import User
from ecrm_desktop.storage.workspace import read_keyslots


class UserService:
    def __init__(self, session: UserSession, kdf: KdfParams | None = None) -> None:
        self.session = session
        self.kdf = kdf

    def list(self) -> list[UserInfo]:
        """Every user and role: open to every signed-in user (tickets are assigned to them by name)."""
        with self.session.workspace.sessions() as s:
            return [UserInfo(u.name, u.role, u.created_at, u.last_login_at, u.disabled)
                    for u in s.execute(select(User).order_by(User.name)).scalars()]

    def add(self, name: str, role: Role, password: str) -> None:
        """Add a user with their own key slot; administrators only."""
        require(self.session, Operation.MANAGE_USERS)
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

    def set_role(self, name: str, role: Role) -> None:
        """Give the user another role; the workspace always keeps at least one administrator. Audited."""
        require(self.session, Operation.MANAGE_USERS)
        with self.session.workspace.sessions() as s, s.begin():
            user = s.execute(select(User).where(func.lower(User.name) == name.strip().lower())).scalar()
            if user is None:
                raise NotFound(f"There is no user named {name}; 'ecrm users list' shows them.")
            if user.role is role:
                return
            if user.role is Role.ADMINISTRATOR and s.execute(select(func.count()).select_from(User).where(
                    User.role == Role.ADMINISTRATOR, User.disabled.is_(False))).scalar_one() <= 1:
                raise UsageError("The workspace needs at least one administrator; make another user one first.")
            before, user.role = user.role, role
            audit.append(s, self.session.user_name, "user.role", "user", user.id, name=user.name,
                         before=before.value, after=role.value)
