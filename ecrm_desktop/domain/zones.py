"""The workspace's time zone: an IANA name, or "local" for the computer's own zone (with its daylight saving)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecrm_desktop.domain.errors import WorkspaceError


class LocalZone(tzinfo):
    """The computer's zone, asking the C library for each wall time's offset (so past days across a daylight
    saving change start at the right instant, which a fixed offset would not give)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(seconds=self._local(dt).tm_gmtoff)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=1) if self._local(dt).tm_isdst > 0 else timedelta(0)

    def tzname(self, dt: datetime | None) -> str:
        return self._local(dt).tm_zone

    @staticmethod
    def _local(dt: datetime | None) -> time.struct_time:
        stamp = time.time() if dt is None else time.mktime((*dt.replace(tzinfo=None).timetuple()[:8], -1))
        return time.localtime(stamp)


def workspace_zone(name: str) -> tzinfo:
    """The zone the "timezone" setting names."""
    if name == "local":
        return LocalZone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise WorkspaceError(f"The workspace time zone '{name}' is unknown; choose another in Settings.") from e
