"""Backups (`ecrm backup`, Settings → Back up) and restoring them (`ecrm restore`): administrators only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import AuthenticationFailed, PermissionDenied
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.backup import BackupInfo, create_backup, restore_backup
from ecrm_desktop.storage.engine import open_engine
from ecrm_desktop.storage.tables import User
from ecrm_desktop.storage.workspace import open_workspace, read_keyslots


@dataclass(frozen=True)
class Restored:
    folder: Path
    kept_aside: Path | None


class BackupService:
    def __init__(self, session: UserSession) -> None:
        require(session, Operation.BACKUP)
        self.session = session

    def create(self, target: Path) -> BackupInfo:
        """Write an encrypted, verifiable backup to `target`; the backup holds its own audit entry."""
        with self.session.workspace.sessions() as s, s.begin():
            audit.append(s, self.session.user_name, "backup.create")
        return create_backup(self.session.workspace, target)


def restore(source: Path, folder: Path, user: str, password: str, replace: bool = False) -> Restored:
    """Restore a backup into `folder` for `user`, who must be an administrator in the backup; the restored
    workspace's audit trail records the restore."""
    opened: list[bytes] = []

    def administrator(db: Path, key: bytes) -> None:
        engine = open_engine(db, key)
        try:
            with engine.connect() as conn:
                role = conn.execute(select(User.role).where(func.lower(User.name) == user.lower(),
                                                            User.disabled.is_(False))).scalar()
        finally:
            engine.dispose()
        if role is None:
            raise AuthenticationFailed("Wrong user name or password.")
        if role is not Role.ADMINISTRATOR:
            raise PermissionDenied("Only an administrator of the backed-up workspace can restore it.")
        opened.append(key)

    aside = restore_backup(source, folder, user, password, replace=replace, check=administrator)
    workspace = open_workspace(folder, opened[0], read_keyslots(folder).workspace_id)
    try:
        with workspace.sessions() as s, s.begin():
            audit.append(s, user, "backup.restore", kept_aside=aside is not None)
    finally:
        workspace.close()
    return Restored(folder, aside)
