"""Per-customer aggregates, recomputed for the customers a write touched, in the writer's transaction.

Definitions (the same everywhere ecrm shows them):
- an order counts when it is not cancelled (`cancelled_at IS NULL`);
- `orders_count` is the number of such orders; `total_spent_cents` the sum of their totals in the reporting
  currency; `aov_cents` their mean (0 without orders); first/last order are the earliest/latest `created_at`;
- `refunded_cents` is what was refunded on them, in the reporting currency;
- `items_count` is the quantity bought on them, `returned_items` the quantity refunded, and
  `return_rate = returned_items / items_count` (0 without items);
- `customer_categories` holds, per category bought, the number of orders, items and the last order time.

A chunk of customers costs a fixed handful of statements: three grouped queries over their orders, one read of
what the customers hold now, one `executemany` UPDATE of those whose figures changed, and a delete and
insert-select of the category rows of those that have (or had) orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from ecrm_desktop.storage.batch import Sql, chunks

CHUNK = 500
_COUNTED = "o.customer_id IN ({marks}) AND o.cancelled_at IS NULL"
_TOTALS = ("SELECT o.customer_id, count(*), coalesce(sum(o.total_reporting_cents), 0), "
           "coalesce(sum(round(o.refunded_cents * o.exchange_rate)), 0), min(o.created_at), max(o.created_at) "
           f"FROM orders o WHERE {_COUNTED} GROUP BY o.customer_id")
_ITEMS = (f"SELECT o.customer_id, sum(l.quantity) FROM orders o JOIN order_lines l ON l.order_id = o.id "
          f"WHERE {_COUNTED} GROUP BY o.customer_id")
_RETURNED = ("SELECT o.customer_id, sum(rl.quantity) FROM orders o JOIN refunds r ON r.order_id = o.id "
             f"JOIN refund_lines rl ON rl.refund_id = r.id WHERE {_COUNTED} GROUP BY o.customer_id")
FIELDS = ("orders_count", "total_spent_cents", "aov_cents", "first_order_at", "last_order_at", "refunded_cents",
          "items_count", "returned_items", "return_rate")
_CURRENT = f"SELECT id, {', '.join(FIELDS)} FROM customers WHERE id IN ({{marks}})"
_UPDATE = f"UPDATE customers SET {', '.join(f'{f} = ?' for f in FIELDS)} WHERE id = ?"
_CATEGORIES_DELETE = "DELETE FROM customer_categories WHERE customer_id IN ({marks})"
_CATEGORIES_INSERT = (
    "INSERT INTO customer_categories (customer_id, category_id, orders_count, items, last_ordered_at) "
    "SELECT o.customer_id, l.category_id, CAST(count(DISTINCT o.id) AS INTEGER), sum(l.quantity), "
    "max(o.created_at) FROM orders o JOIN order_lines l ON l.order_id = o.id "
    f"WHERE {_COUNTED} AND l.category_id IS NOT NULL GROUP BY o.customer_id, l.category_id")


def refresh_customers(session: Session | Connection, customer_ids: Iterable[int | None]) -> None:
    """Recompute every aggregate of the given customers from their orders."""
    ids = sorted({i for i in customer_ids if i is not None})
    sql = Sql(session)
    for chunk in chunks(ids, CHUNK):
        _refresh_chunk(sql, chunk)


def _refresh_chunk(sql: Sql, ids: Sequence[int]) -> None:
    totals = {row[0]: row for row in sql.rows_in(_TOTALS, ids)}
    items = {cid: n for cid, n in sql.rows_in(_ITEMS, ids)}
    returned = {cid: n for cid, n in sql.rows_in(_RETURNED, ids)}
    current = {row[0]: tuple(row[1:]) for row in sql.rows_in(_CURRENT, ids)}

    changed = []
    with_orders = []
    for cid in ids:
        if cid not in current:
            continue
        t = totals.get(cid)
        n = t[1] if t else 0
        spent = int(t[2]) if t else 0
        bought, back = int(items.get(cid) or 0), int(returned.get(cid) or 0)
        figures = (n, spent, round(spent / n) if n else 0, t[4] if t else None, t[5] if t else None,
                   int(t[3]) if t else 0, bought, back, back / bought if bought else 0.0)
        if figures != current[cid]:
            changed.append((*figures, cid))
        if n or current[cid][0]:  # category rows exist only for customers with orders
            with_orders.append(cid)
    sql.many(_UPDATE, changed)
    sql.run_in(_CATEGORIES_DELETE, with_orders)
    sql.run_in(_CATEGORIES_INSERT, with_orders)
