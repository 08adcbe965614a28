"""Typed access to the workspace settings a person or a script can change."""

from __future__ import annotations

from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.managed import managed_settings
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.settings import read_setting, write_setting

DEFAULT_SYNC_MINUTES = 15
IDLE_LOCK = "idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 15
MAX_IDLE_LOCK_MINUTES = 24 * 60


class SettingsService:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def sync_interval_minutes(self) -> int:
        """Minutes between scheduled syncs: setting `sync_interval_minutes`, else the managed preset, else 15."""
        with self.session.workspace.sessions() as s:
            value = read_setting(s, "sync_interval_minutes")
        if isinstance(value, int) and value > 0:
            return value
        return managed_settings().sync_interval_minutes or DEFAULT_SYNC_MINUTES

    def idle_lock_minutes(self) -> int:
        """Minutes without input after which the window locks; 0 means never."""
        with self.session.workspace.sessions() as s:
            value = read_setting(s, IDLE_LOCK)
        return value if isinstance(value, int) and value >= 0 else DEFAULT_IDLE_LOCK_MINUTES

    def set_idle_lock_minutes(self, minutes: int) -> None:
        """Change the idle lock for everyone using this workspace (0 turns it off); audited."""
        require(self.session, Operation.MANAGE_SETTINGS)
        if not 0 <= minutes <= MAX_IDLE_LOCK_MINUTES:
            raise UsageError(f"The idle lock must be 0 (off) to {MAX_IDLE_LOCK_MINUTES:,} minutes.")
        with self.session.workspace.sessions() as s, s.begin():
            write_setting(s, IDLE_LOCK, minutes)
            audit.append(s, self.session.user_name, "settings.idle_lock", minutes=minutes)
