"""Per-customer aggregates, recomputed for the customers a write touched, in the writer's transaction.

Definitions (the same everywhere ecrm shows them):
- an order counts when it is not cancelled (`cancelled_at IS NULL`);
- `orders_count` is the number of such orders; `total_spent_cents` the sum of their totals in the reporting
  currency; `aov_cents` their mean (0 without orders); first/last order are the earliest/latest `created_at`;
- `refunded_cents` is what was refunded on them, in the reporting currency;
- `items_count` is the quantity bought on them, `returned_items` the quantity refunded, and
  `return_rate = returned_items / items_count` (0 without items);
- `customer_categories` holds, per category bought, the number of orders, items and the last order time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from sqlalchemy import Integer, and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from ecrm_desktop.storage.tables import Customer, CustomerCategory, Order, OrderLine, Refund, RefundLine

CHUNK = 500


def refresh_customers(session: Session, customer_ids: Iterable[int | None]) -> None:
    """Recompute every aggregate of the given customers from their orders."""
    ids = sorted({i for i in customer_ids if i is not None})
    for chunk in _chunks(ids, CHUNK):
        _refresh_chunk(session, chunk)


def _refresh_chunk(session: Session, ids: Sequence[int]) -> None:
    counted = and_(Order.customer_id.in_(ids), Order.cancelled_at.is_(None))
    totals = {
        row.customer_id: row for row in session.execute(
            select(Order.customer_id, func.count().label("n"),
                   func.coalesce(func.sum(Order.total_reporting_cents), 0).label("spent"),
                   func.coalesce(func.sum(func.round(Order.refunded_cents * Order.exchange_rate)), 0)
                   .label("refunded"),
                   func.min(Order.created_at).label("first"), func.max(Order.created_at).label("last"))
            .where(counted).group_by(Order.customer_id))
    }
    items = {cid: n for cid, n in session.execute(
        select(Order.customer_id, func.sum(OrderLine.quantity))
        .join(OrderLine, OrderLine.order_id == Order.id).where(counted).group_by(Order.customer_id))}
    returned = {cid: n for cid, n in session.execute(
        select(Order.customer_id, func.sum(RefundLine.quantity))
        .join(Refund, Refund.order_id == Order.id).join(RefundLine, RefundLine.refund_id == Refund.id)
        .where(counted).group_by(Order.customer_id))}

    params = []
    for cid in ids:
        t = totals.get(cid)
        n = t.n if t else 0
        spent = int(t.spent) if t else 0
        bought, back = int(items.get(cid) or 0), int(returned.get(cid) or 0)
        params.append({
            "id": cid, "orders_count": n, "total_spent_cents": spent,
            "aov_cents": round(spent / n) if n else 0,
            "first_order_at": t.first if t else None, "last_order_at": t.last if t else None,
            "refunded_cents": int(t.refunded) if t else 0,
            "items_count": bought, "returned_items": back, "return_rate": back / bought if bought else 0.0,
        })
    session.execute(update(Customer), params)

    session.execute(delete(CustomerCategory).where(CustomerCategory.customer_id.in_(ids)))
    session.execute(insert(CustomerCategory).from_select(
        ["customer_id", "category_id", "orders_count", "items", "last_ordered_at"],
        select(Order.customer_id, OrderLine.category_id,
               func.count(func.distinct(Order.id)).cast(Integer), func.sum(OrderLine.quantity),
               func.max(Order.created_at))
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(counted, OrderLine.category_id.is_not(None))
        .group_by(Order.customer_id, OrderLine.category_id)))


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
