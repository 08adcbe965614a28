"""Per-customer purchase-day statistics for the predictive models.

One range of the orders that count (cancelled ones do not, as in `storage.aggregates`) read from the covering
index `ix_orders_counted_created` (time, customer, amount: never the wide order rows), fetched in blocks of
plain values and summarised per customer with numpy: a million customers' five million orders come back in
seconds, where a GROUP BY with distinct days per customer made SQLite sort them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.arrays import IntArray
from ecrm_desktop.domain.clv.summary import CustomerDays
from ecrm_desktop.storage.tables import Order

FETCH = 250_000
_COUNTED_UNTIL = ("SELECT customer_id, substr(created_at, 1, 10), total_reporting_cents FROM orders "
                  "WHERE cancelled_at IS NULL AND customer_id IS NOT NULL AND created_at < ?")


@dataclass(frozen=True)
class OrderHistory:
    """Customers with at least one order up to the calibration end (parallel arrays, by customer id)."""

    customer_ids: IntArray
    orders: IntArray  # orders up to the calibration end, same-day orders counted separately
    days: CustomerDays  # amounts in reporting-currency cents
    holdout_order_days: IntArray  # distinct order days after the calibration end, up to the holdout end


def order_history(session: Session, calibration_end: date, holdout_end: date | None = None) -> OrderHistory:
    """Every customer's orders up to and including the day `calibration_end` (UTC), merged per day, and the
    number of order days in (calibration_end, holdout_end] when a holdout end is given. The first purchase
    day's amount is not a repeat purchase."""
    until = _day_start((holdout_end or calibration_end) + timedelta(days=1))
    customer, day, cents = _counted_orders(session, until)
    cal = day <= np.datetime64(calibration_end, "D")
    days = day.view(np.int64)
    customers, who = np.unique(customer[cal], return_inverse=True)
    n = customers.size
    pairs = _distinct_pairs(who, days[cal])
    starts = np.searchsorted(pairs[:, 0], np.arange(n))
    ends = np.searchsorted(pairs[:, 0], np.arange(n), side="right")
    first = pairs[starts, 1]
    repeat = np.bincount(who, weights=np.where(days[cal] != first[who], cents[cal], 0), minlength=n)
    later, later_days = customer[~cal], days[~cal]
    at = np.searchsorted(customers, later)
    known = at < n
    known[known] = customers[at[known]] == later[known]
    holdout = _distinct_pairs(at[known], later_days[known])
    return OrderHistory(
        customer_ids=customers.astype(np.int64), orders=np.bincount(who, minlength=n).astype(np.int64),
        days=CustomerDays(first=first.astype("datetime64[D]"), last=pairs[ends - 1, 1].astype("datetime64[D]"),
                          days=(ends - starts).astype(np.int64), repeat_amount=repeat.astype(np.float64)),
        holdout_order_days=np.bincount(holdout[:, 0], minlength=n).astype(np.int64))


def _distinct_pairs(owner: IntArray, day: IntArray) -> IntArray:
    """The distinct (owner, day) pairs, sorted, as rows of a two-column array."""
    return np.unique(np.stack([owner.astype(np.int64), day], axis=1).reshape(-1, 2), axis=0)


def _counted_orders(session: Session, until: datetime) -> tuple[IntArray, np.ndarray, IntArray]:
    """Customer, UTC day and amount of every order that counts placed before `until`."""
    cursor = session.connection().exec_driver_sql(_COUNTED_UNTIL, (until.strftime("%Y-%m-%dT%H:%M:%S"),)).cursor
    customers, days, cents = [], [], []
    while block := cursor.fetchmany(FETCH):
        who, day, amount = zip(*block, strict=True)
        customers.append(np.array(who, dtype=np.int64))
        days.append(np.array(day, dtype="datetime64[D]"))
        cents.append(np.array(amount, dtype=np.int64))
    if not customers:
        return np.empty(0, np.int64), np.empty(0, "datetime64[D]"), np.empty(0, np.int64)
    return np.concatenate(customers), np.concatenate(days), np.concatenate(cents)


def last_order_day(session: Session) -> date | None:
    """The UTC day of the latest order that was not cancelled, or None when there is none."""
    latest = session.execute(select(func.max(Order.created_at)).where(Order.cancelled_at.is_(None))).scalar()
    return latest.date() if latest is not None else None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
