"""Date values of the query language turned into calendar days, relative to a `today` the caller supplies."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from ecrm_desktop.domain.segments.ast import AbsoluteDate, DateValue, NamedDate, RelativeDate

NAMED_DATES: dict[str, RelativeDate] = {
    "today": RelativeDate(0, "d"),
    "yesterday": RelativeDate(-1, "d"),
    "7_days_ago": RelativeDate(-7, "d"),
    "30_days_ago": RelativeDate(-30, "d"),
    "90_days_ago": RelativeDate(-90, "d"),
    "12_months_ago": RelativeDate(-12, "m"),
}
UNITS = ("d", "w", "m", "y")


def resolve(value: DateValue, today: date) -> date:
    """The day a date value stands for when the query runs on `today` (in the workspace's time zone)."""
    if isinstance(value, AbsoluteDate):
        return value.day
    offset = NAMED_DATES[value.name] if isinstance(value, NamedDate) else value
    if offset.unit == "d":
        return today + timedelta(days=offset.amount)
    if offset.unit == "w":
        return today + timedelta(weeks=offset.amount)
    return add_months(today, offset.amount * (12 if offset.unit == "y" else 1))


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, the day of the month clamped to the target month's length (Mar 31 - 1m = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
