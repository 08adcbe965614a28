"""The demo store's calendar: a fixed "now", three years of history, growth and the retail seasons.

The demo's "now" is the constant `DEMO_NOW` (2026-11-01 00:00 UTC), never the computer's clock, so the same
seed gives the same store on any day. Times are int64 seconds since the Unix epoch (UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from ecrm_desktop.sync.emulator.sampling import BoolArray, Choice, FloatArray, IntArray

DAY = 86_400
HOUR = 3_600
DEMO_NOW = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
HISTORY_DAYS = 3 * 365 + 1
HISTORY_START = DEMO_NOW - HISTORY_DAYS * DAY

# Relative sales per month (January first): a summer dip and the Nov/Dec peak.
MONTH_FACTOR = np.array([0.85, 0.8, 0.9, 0.95, 0.95, 0.8, 0.72, 0.78, 0.95, 1.05, 1.5, 1.6])
BLACK_FRIDAY_BOOST = 2.2  # Black Friday to Cyber Monday
LATE_DECEMBER_FACTOR = 0.9  # after the last shipping day for Christmas

# Share of orders placed in each hour of the day (UTC, a blend of the stores' time zones).
HOUR_WEIGHTS = np.array([2, 1.5, 1, 0.8, 0.6, 0.6, 1, 1.8, 2.8, 3.5, 4, 4.2,
                         4.5, 4.5, 4.3, 4.2, 4.4, 4.8, 5.2, 5.8, 6.2, 5.8, 4.5, 3], dtype=np.float64)
_HOURS = Choice(HOUR_WEIGHTS)


def black_friday(year: int) -> date:
    """The day after the fourth Thursday of November."""
    first = date(year, 11, 1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    return thursday + timedelta(days=1)


def season_factor(days: IntArray) -> FloatArray:
    """How busy the shop is on each day (epoch seconds at midnight) relative to an ordinary day."""
    months = month_of(days)
    factor = MONTH_FACTOR[months].copy()
    factor[(months == 11) & (day_of_month(days) > 20)] = LATE_DECEMBER_FACTOR
    factor[is_black_friday_weekend(days)] *= BLACK_FRIDAY_BOOST
    return factor


class Timeline:
    """A busyness curve over the demo's history (seasons times growth) and its inverse.

    `at(q)` is the moment by which a share `q` of all activity has happened; `spread(a, b, f)` places
    moments between `a` and `b`, a share `f` of the way through the activity between them."""

    def __init__(self, growth_per_year: float) -> None:
        days = HISTORY_START + DAY * np.arange(HISTORY_DAYS, dtype=np.int64)
        years = (days - HISTORY_START) / (365.0 * DAY)
        weight = season_factor(days) * np.exp(growth_per_year * years)
        self._edges = np.append(days, DEMO_NOW).astype(np.float64)
        self._cum = np.concatenate(([0.0], np.cumsum(weight)))
        self._cum /= self._cum[-1]

    def at(self, share: FloatArray) -> IntArray:
        return np.interp(share, self._cum, self._edges).astype(np.int64)

    def share(self, moment: IntArray) -> FloatArray:
        return np.interp(moment.astype(np.float64), self._edges, self._cum)

    def spread(self, start: IntArray, end: IntArray, fraction: FloatArray) -> IntArray:
        a, b = self.share(start), self.share(end)
        return self.at(a + fraction * (b - a))


def time_of_day(rng: np.random.Generator, n: int) -> IntArray:
    """Seconds after midnight, busier in the evening than at night."""
    return _HOURS.sample(rng, n) * HOUR + rng.integers(0, HOUR, n, dtype=np.int64)


def month_of(moments: IntArray) -> IntArray:
    """0 for January ... 11 for December."""
    return moments.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64) % 12


def day_of_month(moments: IntArray) -> IntArray:
    """1 to 31."""
    days = moments.astype("datetime64[s]").astype("datetime64[D]")
    day: IntArray = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    return day


def is_black_friday_weekend(moments: IntArray) -> BoolArray:
    """Whether each moment falls between Black Friday and Cyber Monday."""
    days = moments.astype("datetime64[s]").astype("datetime64[D]")
    out = np.zeros(moments.size, dtype=bool)
    for year in np.unique(days.astype("datetime64[Y]").astype(np.int64) + 1970).tolist():
        start = np.datetime64(black_friday(year), "D")
        out |= (days >= start) & (days <= start + 3)
    return out
