"""From transactions to the per-customer statistics the models read (frequency, recency, T, monetary value).

As in the published analyses (Fader, Hardie & Lee 2005; the `lifetimes` package), a customer's purchases on one
day are merged into one transaction, the first transaction starts the customer's clock and is not a repeat
purchase, and the monetary value is the mean value of the repeat transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ecrm_desktop.domain.arrays import DayArray, FloatArray, IntArray


class TimeUnit(StrEnum):
    """The unit in which recency, T and the model's rate parameter alpha are measured."""

    WEEKS = "weeks"
    DAYS = "days"

    @property
    def days(self) -> int:
        return 7 if self is TimeUnit.WEEKS else 1


@dataclass(frozen=True)
class CustomerDays:
    """Each customer's transactions, merged to one per purchase day, up to the calibration end (parallel arrays)."""

    first: DayArray
    last: DayArray
    days: IntArray
    repeat_amount: FloatArray  # total spent on the purchase days after the first


@dataclass(frozen=True)
class Rfm:
    """The models' inputs, one entry per customer (parallel arrays), in the time unit of the summary.

    frequency x = repeat purchase days; recency t_x = first to last purchase; age T = first purchase to the
    calibration end; monetary = mean value of the repeat transactions (0 when x = 0).
    """

    frequency: FloatArray
    recency: FloatArray
    age: FloatArray
    monetary: FloatArray


def rfm(days: CustomerDays, calibration_end: date, unit: TimeUnit) -> Rfm:
    """Frequency x = days − 1, t_x = (last − first) / unit, T = (end − first) / unit, m = repeat amount / x."""
    end = np.datetime64(calibration_end, "D")
    frequency = (days.days - 1).astype(np.float64)
    monetary = np.divide(days.repeat_amount, frequency, out=np.zeros_like(frequency), where=frequency > 0)
    return Rfm(frequency=frequency,
               recency=_span(days.first, days.last) / unit.days,
               age=_span(days.first, np.full_like(days.first, end)) / unit.days,
               monetary=monetary)


def merge_days(customers: ArrayLike, dates: ArrayLike, amounts: ArrayLike,
               calibration_end: date) -> tuple[NDArray[np.generic], CustomerDays]:
    """Group transactions (customer, day, amount) up to and including `calibration_end` into `CustomerDays`.

    Returns the distinct customer keys (sorted) and their statistics in the same order.
    """
    day = np.asarray(dates, dtype="datetime64[D]")
    keep = day <= np.datetime64(calibration_end, "D")
    keys, code = np.unique(np.asarray(customers)[keep], return_inverse=True)
    day, amount = day[keep], np.asarray(amounts, dtype=np.float64)[keep]
    order = np.lexsort((day, code))
    code, day, amount = code[order], day[order], amount[order]
    # one row per (customer, day)
    new_day = np.ones(code.size, dtype=bool)
    new_day[1:] = (code[1:] != code[:-1]) | (day[1:] != day[:-1])
    day_start = np.flatnonzero(new_day)
    day_code, day_date = code[day_start], day[day_start]
    day_amount = np.add.reduceat(amount, day_start) if day_start.size else amount[:0]
    # one row per customer
    new_customer = np.ones(day_code.size, dtype=bool)
    new_customer[1:] = day_code[1:] != day_code[:-1]
    start = np.flatnonzero(new_customer)
    end = np.append(start[1:], day_code.size) - 1
    total = np.add.reduceat(day_amount, start) if start.size else day_amount[:0]
    return keys, CustomerDays(first=day_date[start], last=day_date[end], days=(end - start + 1).astype(np.int64),
                              repeat_amount=total - day_amount[start])


def _span(start: DayArray, stop: DayArray) -> FloatArray:
    return (stop - start).astype("timedelta64[D]").astype(np.float64)
