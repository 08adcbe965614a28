"""The database key: rotation (Privacy → Rotate key…, `ecrm key rotate`), its 90-day reminder, and removing a
user, which rotates the key so that the removed user's old slot opens nothing any more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.key_rotation import rotate_key
from ecrm_desktop.storage.settings import read_setting, write_setting
from ecrm_desktop.storage.tables import AuditEntry, User
from ecrm_desktop.storage.workspace import read_keyslots

ROTATED_SETTING = "key_rotated_at"
REMIND_AFTER = timedelta(days=90)


class KeyService:
    def __init__(self, session: UserSession, secrets: SecretStore | None = None) -> None:
        self.session = session
        self.secrets = secrets

    def last_rotation(self) -> datetime | None:
        """When the key was last rotated, or when the workspace was created (its first key)."""
        with self.session.workspace.sessions() as s:
            value = read_setting(s, ROTATED_SETTING)
            if value is not None:
                return datetime.fromisoformat(str(value))
            first: datetime | None = s.execute(select(func.min(AuditEntry.at))).scalar()
            return first

    def reminder(self, now: datetime | None = None) -> str | None:
        """A one-sentence reminder for administrators when the key is older than 90 days, else None."""
        if not self.session.may(Operation.ROTATE_KEYS):
            return None
        last = self.last_rotation()
        now = now or datetime.now(UTC)
        if last is None or now - last < REMIND_AFTER:
            return None
        return (f"The database key was last changed {(now - last).days} days ago; rotate it with Privacy → "
                "Rotate key… (or 'ecrm key rotate').")

    def rotate(self) -> None:
        """Re-encrypt the workspace under a new key sealed for every user; audited."""
        require(self.session, Operation.ROTATE_KEYS)
        ws = self.session.workspace
        rotate_key(ws, read_keyslots(ws.paths.folder))
        with ws.sessions() as s, s.begin():
            write_setting(s, ROTATED_SETTING, datetime.now(UTC).isoformat())
            audit.append(s, self.session.user_name, "key.rotate")
        self._forget_remembered()

    def remove_user(self, name: str) -> None:
        """Disable a user, drop their key slot and rotate the key (their old copy of the slot becomes useless)."""
        require(self.session, Operation.ROTATE_KEYS)
        if name.casefold() == self.session.user_name.casefold():
            raise UsageError("You cannot remove the user you are signed in as.")
        ws = self.session.workspace
        with ws.sessions() as s, s.begin():
            user = s.execute(select(User).where(func.lower(User.name) == name.lower())).scalar()
            if user is None:
                raise NotFound(f"There is no user named {name}.")
            user.disabled = True
            audit.append(s, self.session.user_name, "user.remove", "user", user.id, name=user.name)
        slots = read_keyslots(ws.paths.folder)
        slots.remove(name)
        slots.save(ws.paths.keyslots)
        self.rotate()

    def _forget_remembered(self) -> None:
        """Keys remembered in the keyring are the old key now: drop them (the password opens, once)."""
        service = WorkspaceService(self.secrets)
        for user in read_keyslots(self.session.workspace.paths.folder).users():
            service.forget(self.session.workspace.paths.folder, user)
