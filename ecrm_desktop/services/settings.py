"""Typed access to the workspace settings a person or a script can change."""

from __future__ import annotations

from ecrm_desktop.services.managed import managed_settings
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.settings import read_setting

DEFAULT_SYNC_MINUTES = 15


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
