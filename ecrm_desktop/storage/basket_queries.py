"""What each customer bought, order by order, for the recommendation models.

The lines of orders that count are read as plain integers in blocks, and deduplicated and ordered with numpy:
a million customers' ten million lines come back in seconds, where SQLite grouping and sorting them took minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from ecrm_desktop.domain.arrays import IntArray

FETCH = 250_000
_LINES = ("SELECT o.customer_id, l.product_id{extra} FROM order_lines l JOIN orders o ON o.id = l.order_id "
          "WHERE o.customer_id IS NOT NULL AND o.cancelled_at IS NULL AND l.product_id IS NOT NULL")


@dataclass(frozen=True)
class OrderItems:
    """One row per (order, product) of orders not cancelled with a known customer, ordered by customer, then
    order time, then order id (parallel arrays)."""

    customer_ids: IntArray
    order_ids: IntArray
    product_ids: IntArray


def order_items(session: Session) -> OrderItems:
    """Every distinct product of every order that counts; lines without a catalogue product are left out."""
    rows = _integers(session, _LINES.format(extra=", o.id, CAST(strftime('%s', o.created_at) AS INTEGER)"), 4)
    customer, product, order, at = rows.T
    by_time = np.lexsort((product, order, at, customer))
    rows = rows[by_time]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:, 2] != rows[:-1, 2]) | (rows[1:, 1] != rows[:-1, 1])
    kept = rows[first]
    return OrderItems(kept[:, 0].copy(), kept[:, 2].copy(), kept[:, 1].copy())


def customer_products(session: Session) -> tuple[IntArray, IntArray]:
    """Each distinct (customer, product) bought in an order that counts, sorted, as two parallel arrays."""
    pairs = np.unique(_integers(session, _LINES.format(extra=""), 2), axis=0)
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def _integers(session: Session, sql: str, width: int) -> IntArray:
    """The rows of `sql` (all integer columns) as an array of `width` columns, fetched a block at a time."""
    cursor = session.connection().exec_driver_sql(sql).cursor
    blocks = [np.empty((0, width), dtype=np.int64)]
    while block := cursor.fetchmany(FETCH):
        blocks.append(np.array(block, dtype=np.int64).reshape(-1, width))
    return np.concatenate(blocks)
