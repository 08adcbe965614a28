"""Per-customer purchase-day statistics for the predictive models, aggregated in SQL.

One pass over the orders grouped by customer: no per-customer round trips, so a million customers come back as
one result set of a million rows. Cancelled orders do not count (as in `storage.aggregates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.arrays import IntArray
from ecrm_desktop.domain.clv.summary import CustomerDays
from ecrm_desktop.storage.tables import Customer, Order


@dataclass(frozen=True)
class OrderHistory:
    """Customers with at least one order up to the calibration end (parallel arrays, by customer id)."""

    customer_ids: IntArray
    orders: IntArray  # orders up to the calibration end, same-day orders counted separately
    days: CustomerDays  # amounts in reporting-currency cents
    holdout_order_days: IntArray  # distinct order days after the calibration end, up to the holdout end


def order_history(session: Session, calibration_end: date, holdout_end: date | None = None) -> OrderHistory:
    """Every customer's orders up to and including the day `calibration_end` (UTC), merged per day, and the
    number of order days in (calibration_end, holdout_end] when a holdout end is given.

    One GROUP BY over the orders; the first purchase day, whose amount is not a repeat purchase, comes from the
    customer's `first_order_at` aggregate (the earliest order that counts) rather than a second grouping pass.
    """
    cal_until = _day_start(calibration_end + timedelta(days=1))
    until = _day_start((holdout_end or calibration_end) + timedelta(days=1))
    day = func.date(Order.created_at)
    cal = Order.created_at < cal_until
    cal_days = func.count(case((cal, day)).distinct())
    stmt = (select(Order.customer_id, func.min(case((cal, day))), func.max(case((cal, day))), cal_days,
                   func.sum(case((cal, 1), else_=0)),
                   func.sum(case((and_(cal, day != func.date(Customer.first_order_at)), Order.total_reporting_cents),
                                 else_=0)),
                   func.count(case((~cal, day)).distinct()))
            .join(Customer, Customer.id == Order.customer_id)
            .where(Order.cancelled_at.is_(None), Order.created_at < until)
            .group_by(Order.customer_id).having(cal_days > 0).order_by(Order.customer_id))
    rows = session.execute(stmt).all()
    cid, first, last, n_days, orders, repeat, holdout = zip(*rows, strict=True) if rows else ((),) * 7
    return OrderHistory(
        customer_ids=np.array(cid, dtype=np.int64), orders=np.array(orders, dtype=np.int64),
        days=CustomerDays(first=np.array(first, dtype="datetime64[D]"), last=np.array(last, dtype="datetime64[D]"),
                          days=np.array(n_days, dtype=np.int64), repeat_amount=np.array(repeat, dtype=np.float64)),
        holdout_order_days=np.array(holdout, dtype=np.int64))


def last_order_day(session: Session) -> date | None:
    """The UTC day of the latest order that was not cancelled, or None when there is none."""
    latest = session.execute(select(func.max(Order.created_at)).where(Order.cancelled_at.is_(None))).scalar()
    return latest.date() if latest is not None else None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
