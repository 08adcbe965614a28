"""The workspace time zone setting: IANA names, or the computer's own zone with its daylight saving."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from ecrm_desktop.domain.errors import WorkspaceError
from ecrm_desktop.domain.zones import LocalZone, workspace_zone


@pytest.fixture
def paris_clock() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.usefixtures("paris_clock")
def test_local_days_start_at_the_local_midnight_of_their_own_season() -> None:
    zone = workspace_zone("local")
    assert isinstance(zone, LocalZone)
    assert datetime(2026, 1, 15, tzinfo=zone).astimezone(UTC) == datetime(2026, 1, 14, 23, tzinfo=UTC)
    assert datetime(2026, 7, 15, tzinfo=zone).astimezone(UTC) == datetime(2026, 7, 14, 22, tzinfo=UTC)
    assert datetime(2026, 7, 14, 22, 30, tzinfo=UTC).astimezone(zone).date() == date(2026, 7, 15)


def test_named_zones_and_unknown_names() -> None:
    assert workspace_zone("America/New_York") == ZoneInfo("America/New_York")
    with pytest.raises(WorkspaceError, match="'Mars/Olympus' is unknown"):
        workspace_zone("Mars/Olympus")
