"""RFM scores and groups kept in `customer_rfm`, recomputed set-based.

`refresh_all` ranks every customer who has ordered (not merged into another) on the last order's time, the number
of orders and the amount spent, keeps the quintile boundaries (setting `rfm_bounds`) and rewrites the table with
one INSERT ... SELECT; `rank` and `rewrite` do the same in steps, so a caller can rewrite a range of customers
(`id_ranges`) per transaction and never hold the write lock for long. `refresh_customers` scores a few customers
against the kept boundaries, for use after a sync; the next `refresh_all` re-ranks everyone. See
`domain.segments.rfm` for the scoring.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, delete, func, insert, literal, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session

from ecrm_desktop.domain.segments.rfm import RULES, SCORES, RfmCell, RfmGroup, boundaries
from ecrm_desktop.storage.settings import read_setting, write_setting
from ecrm_desktop.storage.tables import Customer, CustomerRfm

BOUNDS_SETTING = "rfm_bounds"
_CHUNK = 500

# The three measures, as stored (the last order's time as its sortable ISO text, so no row is parsed).
_MEASURES: dict[str, ColumnElement[Any]] = {
    "recency": type_coerce(Customer.last_order_at, String),
    "frequency": Customer.orders_count.expression,
    "monetary": Customer.total_spent_cents.expression,
}
Bounds = dict[str, list[Any]]


def refresh_all(session: Session) -> Bounds | None:
    """Re-rank every customer and rewrite their scores and groups; returns the boundaries (None: nobody ordered)."""
    bounds = rank(session)
    rewrite(session, bounds, None, None)
    return bounds


def rank(session: Session) -> Bounds | None:
    """Rank every customer who ordered and keep the quintile boundaries (None: nobody ordered)."""
    rows = session.execute(select(*_MEASURES.values()).where(_scored())).all()
    bounds: Bounds | None = None
    if rows:
        bounds = {name: list(boundaries(sorted(r[i] for r in rows))) for i, name in enumerate(_MEASURES)}
    write_setting(session, BOUNDS_SETTING, bounds)
    return bounds


def rewrite(session: Session, bounds: Bounds | None, low: int | None, high: int | None) -> None:
    """Rewrite the scores and groups of the customers with ids in [low, high] (None: unbounded) against `bounds`."""
    session.execute(delete(CustomerRfm).where(*_within(CustomerRfm.customer_id, low, high)))
    _insert(session, bounds, and_(*_within(Customer.id, low, high), Customer.merged_into_id.is_(None)))


def id_ranges(session: Session, size: int) -> list[tuple[int | None, int | None]]:
    """Consecutive ranges of customer ids holding about `size` customers each, covering every id (the first
    unbounded below, the last above, so that a customer added meanwhile falls in one)."""
    starts = session.execute(select(Customer.id).order_by(Customer.id)).scalars().all()[size::size]
    lows: list[int | None] = [None, *starts]
    highs: list[int | None] = [*(start - 1 for start in starts), None]
    return list(zip(lows, highs, strict=True))


def refresh_customers(session: Session, customer_ids: Iterable[int]) -> None:
    """Score these customers against the boundaries of the last full refresh (the first call makes one)."""
    if not computed(session):
        refresh_all(session)
        return
    bounds: Bounds | None = read_setting(session, BOUNDS_SETTING)
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        session.execute(delete(CustomerRfm).where(CustomerRfm.customer_id.in_(chunk)))
        _insert(session, bounds, and_(Customer.id.in_(chunk), Customer.merged_into_id.is_(None)))


def _within(column: InstrumentedAttribute[int], low: int | None, high: int | None) -> list[ColumnElement[bool]]:
    return [*([] if low is None else [column >= low]), *([] if high is None else [column <= high])]


def computed(session: Session) -> bool:
    """Whether scores were ever computed in this workspace."""
    return session.execute(select(CustomerRfm.customer_id).limit(1)).first() is not None


def grid(session: Session) -> dict[tuple[int, int], int]:
    """Customers by (recency score, frequency score); customers without orders are left out."""
    rows = session.execute(select(CustomerRfm.recency, CustomerRfm.frequency, func.count())
                           .where(CustomerRfm.recency.is_not(None))
                           .group_by(CustomerRfm.recency, CustomerRfm.frequency))
    return {(r, f): n for r, f, n in rows if r is not None and f is not None}


def groups(session: Session) -> dict[RfmGroup, int]:
    """Customers in each RFM group."""
    rows = session.execute(select(CustomerRfm.rfm_group, func.count()).group_by(CustomerRfm.rfm_group))
    return {g: n for g, n in rows}


def in_cell(cell: RfmCell) -> ColumnElement[bool]:
    """The condition a customer meets when in this cell of the R x F grid."""
    return Customer.id.in_(select(CustomerRfm.customer_id).where(CustomerRfm.recency == cell.recency,
                                                                 CustomerRfm.frequency == cell.frequency))


def _scored() -> ColumnElement[bool]:
    return and_(Customer.merged_into_id.is_(None), Customer.orders_count > 0)


def _insert(session: Session, bounds: Bounds | None, where: ColumnElement[bool]) -> None:
    """Write the scores and group of the customers `where` selects (all PROSPECTS when `bounds` is None)."""
    if bounds is None:
        scores = [literal(None).label(name) for name in _MEASURES]
    else:
        scores = [case((Customer.orders_count > 0, _score(column, bounds[name]))).label(name)
                  for name, column in _MEASURES.items()]
    inner = select(Customer.id.label("customer_id"), *scores).where(where).subquery()
    r, f, m = inner.c.recency, inner.c.frequency, inner.c.monetary
    group = case(*((and_(r.in_(rule.recency), f + m >= rule.fm_sum_at_least), literal(rule.group.value))
                   for rule in RULES), else_=literal(RfmGroup.PROSPECTS.value))
    session.execute(insert(CustomerRfm).from_select(
        ["customer_id", "recency", "frequency", "monetary", "rfm_group"],
        select(inner.c.customer_id, r, f, m, group)))


def _score(column: ColumnElement[Any], bounds: Sequence[Any]) -> ColumnElement[int]:
    """1 plus the number of `bounds` the column's value is above (see `domain.segments.rfm.score`)."""
    above: ColumnElement[int] = literal(SCORES[0])
    for bound in bounds:
        above = above + case((column > bound, 1), else_=0)
    return above
