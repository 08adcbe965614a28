"""When the running application syncs by itself, kept in the workspace settings (never in a local file)."""

from __future__ import annotations

from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.sync_status import SyncSchedule
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.settings import DEFAULT_SYNC_MINUTES
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.settings import read_setting, write_setting

MINUTES, PERIODIC, ON_START = "sync_interval_minutes", "sync_periodic", "sync_on_start"
MAX_MINUTES = 7 * 24 * 60


class SyncScheduleService:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def read(self) -> SyncSchedule:
        require(self.session, Operation.SYNC)
        with self.session.workspace.sessions() as s:
            minutes, periodic, on_start = (read_setting(s, key) for key in (MINUTES, PERIODIC, ON_START))
        return SyncSchedule(minutes if isinstance(minutes, int) and minutes > 0 else DEFAULT_SYNC_MINUTES,
                            periodic is True, on_start is True)

    def write(self, schedule: SyncSchedule) -> SyncSchedule:
        """Save the schedule (one transaction with its audit entry); returns it as saved."""
        require(self.session, Operation.MANAGE_SETTINGS)
        if not 1 <= schedule.minutes <= MAX_MINUTES:
            raise UsageError(f"Syncs can be 1 to {MAX_MINUTES:,} minutes apart.")
        with self.session.workspace.sessions() as s, s.begin():
            write_setting(s, MINUTES, schedule.minutes)
            write_setting(s, PERIODIC, schedule.periodic)
            write_setting(s, ON_START, schedule.on_start)
            audit.append(s, self.session.user_name, "settings.sync_schedule", minutes=schedule.minutes,
                         periodic=schedule.periodic, on_start=schedule.on_start)
        return schedule
