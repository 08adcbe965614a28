"""The customer list in SQL: count, and one page in any indexed order, optionally within a full-text search.

A page is found in two steps: the ids of the page by walking the sort column's index (cheap even at offset
900,000, since only the index is read), then the page's rows by primary key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.orm import Session

from ecrm_desktop.domain.directory import CustomerColumn, CustomerQuery, CustomerRow
from ecrm_desktop.storage.search_index import match_expression
from ecrm_desktop.storage.tables import Customer

SORT_KEYS: dict[CustomerColumn, tuple[Any, ...]] = {
    CustomerColumn.NAME: (Customer.last_name, Customer.first_name),
    CustomerColumn.EMAIL: (Customer.email,),
    CustomerColumn.COUNTRY: (Customer.country,),
    CustomerColumn.ORDERS: (Customer.orders_count,),
    CustomerColumn.SPENT: (Customer.total_spent_cents,),
    CustomerColumn.FIRST_ORDER: (Customer.first_order_at,),
    CustomerColumn.LAST_ORDER: (Customer.last_order_at,),
    CustomerColumn.CREATED: (Customer.created_at,),
}

ROW_COLUMNS = (
    Customer.id, Customer.first_name, Customer.last_name, Customer.email, Customer.phone, Customer.country,
    Customer.city, Customer.orders_count, Customer.total_spent_cents, Customer.aov_cents, Customer.first_order_at,
    Customer.last_order_at, Customer.created_at,
)


def count(session: Session, query: CustomerQuery, fields: Sequence[str] | None = None) -> int:
    """How many customers the query lists (the FTS index counts a search, in `fields` if given; the id index
    counts everyone)."""
    expr = match_expression(query.search, fields)
    if query.search.strip() and expr is None:
        return 0
    if expr is not None:
        return int(session.execute(
            text("SELECT count(*) FROM customer_search WHERE customer_search MATCH :q"), {"q": expr}).scalar_one())
    everyone = session.execute(select(func.count()).select_from(Customer)).scalar_one()
    return int(everyone - session.execute(select(func.count()).where(Customer.merged_into_id.is_not(None)))
               .scalar_one())


# Below this many matches a search sorts its matches; above it, walking the sort index is cheaper.
FEW_MATCHES = 3000
MATCHES = "SELECT rowid FROM customer_search WHERE customer_search MATCH :q"
MERGED = "SELECT id FROM customers WHERE merged_into_id IS NOT NULL"


def page_ids(session: Session, query: CustomerQuery, offset: int, limit: int, matches: int | None = None, *,
             fields: Sequence[str] | None = None) -> list[int]:
    """Ids of rows [offset, offset + limit) of the query, in its order; `matches` is the search's count."""
    stmt: Select[Any] = select(Customer.id)
    expr = match_expression(query.search, fields)
    if query.search.strip() and expr is None:
        return []
    if expr is not None and matches is not None and matches <= FEW_MATCHES:
        stmt = stmt.where(Customer.id.in_(text(MATCHES).bindparams(q=expr)))
    elif expr is not None:  # "+" keeps the planner on the sort index, testing each id against the matches
        stmt = stmt.where(text(f"+customers.id IN ({MATCHES})").bindparams(q=expr))
    else:  # merged customers live on in their survivors (the search index holds only the survivors)
        stmt = stmt.where(text(f"+customers.id NOT IN ({MERGED})"))
    keys = (*SORT_KEYS[query.sort], Customer.id)
    order: list[ColumnElement[Any]] = [k.desc() if query.descending else k.asc() for k in keys]
    return list(session.scalars(stmt.order_by(*order).offset(offset).limit(limit)))


def rows(session: Session, ids: list[int], currency: str) -> list[CustomerRow]:
    """The rows of these customers, in the order of `ids`."""
    if not ids:
        return []
    found = {r.id: r for r in session.execute(select(*ROW_COLUMNS).where(Customer.id.in_(ids)))}
    return [CustomerRow(**found[i]._asdict(), currency=currency) for i in ids if i in found]
