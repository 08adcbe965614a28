"""Segment members counted and listed in SQL, and saved segments read and written."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, tzinfo

from sqlalchemy import ColumnElement, and_, delete, distinct, func, select, text
from sqlalchemy.orm import Session

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.domain.directory import CustomerQuery
from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.segments.ast import Node
from ecrm_desktop.domain.segments.saved import SavedSegment
from ecrm_desktop.storage import customer_facets, customer_queries, segment_history
from ecrm_desktop.storage.directory_queries import MATCHES, SORT_KEYS
from ecrm_desktop.storage.search_index import match_expression
from ecrm_desktop.storage.segment_sql import compile_segment, member_rows
from ecrm_desktop.storage.tables import Customer, Segment, User, utcnow


def members(node: Node, today: date, zone: tzinfo, *, consenting_only: bool = False) -> ColumnElement[bool]:
    """Customers (not merged into another) in the segment; with `consenting_only`, those who may be emailed."""
    condition = and_(Customer.merged_into_id.is_(None), compile_segment(node, today, zone))
    if consenting_only:
        condition = and_(condition, Customer.email.is_not(None), Customer.email_consent == ConsentState.SUBSCRIBED)
    return condition


def count(session: Session, condition: ColumnElement[bool]) -> int:
    return session.execute(select(func.count()).select_from(Customer).where(condition)).scalar_one()


def count_members(session: Session, node: Node, today: date, zone: tzinfo) -> int:
    """How many customers the segment `node` holds: summed from the country-and-consent facets when it reads
    nothing else, from the aggregate rows naming them when it is one purchase window (`segment_sql.member_rows`),
    otherwise by testing the customers."""
    if customer_facets.covers(node):
        return customer_facets.count(session, compile_segment(node, today, zone))
    rows = member_rows(node, today, zone)
    if rows is None:
        return count(session, members(node, today, zone))
    customer = rows.selected_columns[0]
    merged = select(Customer.id).where(Customer.merged_into_id.is_not(None))
    return session.execute(rows.with_only_columns(func.count(distinct(customer))).where(
        customer.not_in(merged))).scalar_one()


def member_ids(session: Session, condition: ColumnElement[bool], limit: int, offset: int = 0) -> list[int]:
    """One page of member ids, in id order."""
    rows = session.execute(select(Customer.id).where(condition).order_by(Customer.id).limit(limit).offset(offset))
    return list(rows.scalars())


def listed(condition: ColumnElement[bool], query: CustomerQuery,
           fields: Sequence[str] | None = None) -> ColumnElement[bool] | None:
    """Members that also match the customer list's search text, in `fields` if given (None when the text can
    match nobody)."""
    expr = match_expression(query.search, fields)
    if query.search.strip() and expr is None:
        return None
    return condition if expr is None else and_(condition, Customer.id.in_(text(MATCHES).bindparams(q=expr)))


def listed_page_ids(session: Session, condition: ColumnElement[bool], query: CustomerQuery, offset: int,
                    limit: int) -> list[int]:
    """Ids of rows [offset, offset + limit) of the members listed in the customer list's order."""
    keys = (*SORT_KEYS[query.sort], Customer.id)
    order = [k.desc() if query.descending else k.asc() for k in keys]
    return list(session.scalars(select(Customer.id).where(condition).order_by(*order).offset(offset).limit(limit)))


def iter_members(session: Session, condition: ColumnElement[bool],
                 batch: int = 5000) -> Iterator[list[CustomerSummary]]:
    """Every member's summary, in id order, a batch at a time (keyset pagination)."""
    last_id = 0
    while ids := list(session.execute(select(Customer.id).where(condition, Customer.id > last_id)
                                      .order_by(Customer.id).limit(batch)).scalars()):
        yield customer_queries.summaries(session, ids)
        last_id = ids[-1]


# -- saved segments --------------------------------------------------------------------------------------------

def saved(session: Session, name: str | None = None) -> list[SavedSegment]:
    """Every saved segment by name, or the one called `name` (a list of at most one)."""
    stmt = (select(Segment, User.name).outerjoin(User, User.id == Segment.created_by_id)
            .order_by(func.lower(Segment.name)))
    if name is not None:
        stmt = stmt.where(Segment.name == name)
    sizes = segment_history.latest_counts(session)
    return [SavedSegment(s.id, s.name, s.query, s.description, author, s.created_at, s.updated_at, sizes.get(s.id))
            for s, author in session.execute(stmt)]


def save(session: Session, name: str, query: str, description: str, user_id: int) -> tuple[int, bool]:
    """Create or replace the segment called `name`; returns its id and whether it was created."""
    row = session.execute(select(Segment).where(Segment.name == name)).scalar()
    created = row is None
    if row is None:
        row = Segment(name=name, created_by_id=user_id)
        session.add(row)
    row.query, row.description, row.updated_at = query, description, utcnow()
    session.flush()
    return row.id, created


def delete_saved(session: Session, name: str) -> int | None:
    """Delete the segment called `name`; returns its id, or None when there is none."""
    segment_id = session.execute(select(Segment.id).where(Segment.name == name)).scalar()
    if segment_id is not None:
        session.execute(delete(Segment).where(Segment.id == segment_id))
    return segment_id
