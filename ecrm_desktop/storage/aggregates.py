"""Per-customer aggregates, recomputed for the customers a write touched, in the writer's transaction.

Definitions (the same everywhere ecrm shows them):
- an order counts when it is not cancelled (`cancelled_at IS NULL`);
- `orders_count` is the number of such orders; `total_spent_cents` the sum of their totals in the reporting
  currency; `aov_cents` their mean (0 without orders); first/last order are the earliest/latest `created_at`;
- `refunded_cents` is what was refunded on them, in the reporting currency;
- `items_count` is the quantity bought on them, `returned_items` the quantity refunded, and
  `return_rate = returned_items / items_count` (0 without items);
- `customer_categories` holds, per category bought, the number of orders, items and the last order time;
- `category_purchases` holds, per category bought, each distinct time an order with a line in it was placed;
- `recent_orders` holds the time of each of the customer's orders, numbered from the latest (rank 1).

A chunk of customers costs a fixed handful of statements: what they hold now, their orders' figures grouped by
customer, their lines grouped by customer and category (which gives the items and the category rows), their
refunded quantities, their category rows, category purchases and ranked orders as they stand; then only what
changed is written (one `executemany` each for customers, category rows upserted and removed, purchases added and
removed, ranks upserted and removed), so that refreshing a customer whose figures stand as they were writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from ecrm_desktop.storage.batch import Sql, chunks

CHUNK = 500
_COUNTED = "o.customer_id IN ({marks}) AND o.cancelled_at IS NULL"
_TOTALS = ("SELECT o.customer_id, count(*), sum(o.total_reporting_cents), "
           "sum(round(o.refunded_cents * o.exchange_rate)), min(o.created_at), max(o.created_at) "
           f"FROM orders o WHERE {_COUNTED} GROUP BY o.customer_id")
# Per customer and category (NULL included, for the items total): orders, items, last order.
_LINES = ("SELECT o.customer_id, l.category_id, count(DISTINCT o.id), sum(l.quantity), max(o.created_at) "
          f"FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE {_COUNTED} "
          "GROUP BY o.customer_id, l.category_id")
_RETURNED = ("SELECT o.customer_id, sum(rl.quantity) FROM orders o JOIN refunds r ON r.order_id = o.id "
             f"JOIN refund_lines rl ON rl.refund_id = r.id WHERE {_COUNTED} GROUP BY o.customer_id")
FIELDS = ("orders_count", "total_spent_cents", "aov_cents", "first_order_at", "last_order_at", "refunded_cents",
          "items_count", "returned_items", "return_rate")
_CURRENT = f"SELECT id, {', '.join(FIELDS)} FROM customers WHERE id IN ({{marks}})"
_UPDATE = f"UPDATE customers SET {', '.join(f'{f} = ?' for f in FIELDS)} WHERE id = ?"
_CATEGORIES_HELD = ("SELECT customer_id, category_id, orders_count, items, last_ordered_at FROM customer_categories "
                    "WHERE customer_id IN ({marks})")
_CATEGORY_UPSERT = (
    "INSERT INTO customer_categories (customer_id, category_id, orders_count, items, last_ordered_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer_id, category_id) DO UPDATE SET "
    "orders_count = excluded.orders_count, items = excluded.items, last_ordered_at = excluded.last_ordered_at")
_CATEGORY_DELETE = "DELETE FROM customer_categories WHERE customer_id = ? AND category_id = ?"
_PURCHASES = ("SELECT DISTINCT o.customer_id, l.category_id, o.created_at "
              f"FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE {_COUNTED} AND l.category_id IS NOT NULL")
_PURCHASES_HELD = "SELECT customer_id, category_id, ordered_at FROM category_purchases WHERE customer_id IN ({marks})"
_PURCHASE_INSERT = "INSERT INTO category_purchases (customer_id, category_id, ordered_at) VALUES (?, ?, ?)"
_PURCHASE_DELETE = "DELETE FROM category_purchases WHERE customer_id = ? AND category_id = ? AND ordered_at = ?"
_ORDER_TIMES = f"SELECT o.customer_id, o.created_at FROM orders o WHERE {_COUNTED} ORDER BY 1, 2 DESC"
_RANKS_HELD = "SELECT customer_id, rank, ordered_at FROM recent_orders WHERE customer_id IN ({marks})"
_RANK_UPSERT = ("INSERT INTO recent_orders (customer_id, rank, ordered_at) VALUES (?, ?, ?) "
                "ON CONFLICT (customer_id, rank) DO UPDATE SET ordered_at = excluded.ordered_at")
_RANK_DELETE = "DELETE FROM recent_orders WHERE customer_id = ? AND rank = ?"


def refresh_customers(session: Session | Connection, customer_ids: Iterable[int | None]) -> None:
    """Recompute every aggregate of the given customers from their orders."""
    ids = sorted({i for i in customer_ids if i is not None})
    sql = Sql(session)
    for chunk in chunks(ids, CHUNK):
        _refresh_chunk(sql, chunk)


def _refresh_chunk(sql: Sql, ids: Sequence[int]) -> None:
    held = {row[0]: tuple(row[1:]) for row in sql.rows_in(_CURRENT, ids)}
    totals = {row[0]: row for row in sql.rows_in(_TOTALS, ids)}
    buyers = [cid for cid in ids if cid in totals or (cid in held and held[cid][0])]  # with orders, now or before
    items: dict[int, int] = {}
    now: dict[tuple[int, int], tuple[int, int, str]] = {}
    for cid, category, orders, quantity, last in sql.rows_in(_LINES, buyers):
        items[cid] = items.get(cid, 0) + quantity
        if category is not None:
            now[(cid, category)] = (orders, quantity, last)
    returned = {cid: int(n) for cid, n in sql.rows_in(_RETURNED, buyers)}

    changed = []
    for cid, figures_held in held.items():
        t = totals.get(cid)
        n = t[1] if t else 0
        spent = int(t[2] or 0) if t else 0
        bought, back = items.get(cid, 0), returned.get(cid, 0)
        figures = (n, spent, round(spent / n) if n else 0, t[4] if t else None, t[5] if t else None,
                   int(t[3] or 0) if t else 0, bought, back, back / bought if bought else 0.0)
        if figures != figures_held:
            changed.append((*figures, cid))
    sql.many(_UPDATE, changed)

    had = {(row[0], row[1]): (row[2], row[3], row[4]) for row in sql.rows_in(_CATEGORIES_HELD, buyers)}
    sql.many(_CATEGORY_DELETE, [key for key in had if key not in now])
    sql.many(_CATEGORY_UPSERT, [(*key, *values) for key, values in now.items() if had.get(key) != values])
    _refresh_purchases(sql, buyers)
    _refresh_ranks(sql, buyers)


def _refresh_purchases(sql: Sql, buyers: Sequence[int]) -> None:
    bought_then = {tuple(row) for row in sql.rows_in(_PURCHASES, buyers)}
    held_then = {tuple(row) for row in sql.rows_in(_PURCHASES_HELD, buyers)}
    sql.many(_PURCHASE_DELETE, sorted(held_then - bought_then))
    sql.many(_PURCHASE_INSERT, sorted(bought_then - held_then))


def _refresh_ranks(sql: Sql, buyers: Sequence[int]) -> None:
    ranked: dict[tuple[int, int], str] = {}
    placed: dict[int, int] = {}
    for cid, at in sql.rows_in(_ORDER_TIMES, buyers):  # latest first
        placed[cid] = placed.get(cid, 0) + 1
        ranked[(cid, placed[cid])] = at
    ranks_held = {(cid, rank): at for cid, rank, at in sql.rows_in(_RANKS_HELD, buyers)}
    sql.many(_RANK_DELETE, sorted(key for key in ranks_held if key not in ranked))
    sql.many(_RANK_UPSERT, [(*key, at) for key, at in sorted(ranked.items()) if ranks_held.get(key) != at])
