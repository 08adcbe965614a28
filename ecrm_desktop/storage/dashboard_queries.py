"""What the dashboard's figures are computed from, read from the rollup tables.

Every reader takes a `Scope`: the period's days, the workspace zone, and optionally a saved segment. Store-wide
they read the store-wide rollups; for a segment, its own rollups (`storage.tables.segment_rollups`, the same rows
summed over its members as of its last evaluation) and, for checkouts and tickets, its kept members.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    SQLColumnExpression,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import TicketStatus
from ecrm_desktop.domain.kpis import (
    CategoryDay,
    CheckoutFacts,
    CohortCell,
    CustomerCounts,
    Period,
    ProductTotal,
    SalesDay,
    SalesMix,
    SupportFacts,
)
from ecrm_desktop.storage import rollups
from ecrm_desktop.storage.tables import (
    AbandonedCheckout,
    ActivityMonth,
    Category,
    CohortMonth,
    CurrencyRate,
    DailyCategory,
    DailyNewCustomers,
    DailyProduct,
    DailySales,
    MarketingSpend,
    MonthlyProduct,
    Product,
    SegmentActivity,
    SegmentCategory,
    SegmentCohort,
    SegmentMember,
    SegmentMonthlyProduct,
    SegmentNewCustomers,
    SegmentProduct,
    SegmentSales,
    Ticket,
)

UNCATEGORISED = "Uncategorised"
OPEN_STATUSES = (TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SNOOZED)


@dataclass(frozen=True)
class Scope:
    period: Period
    zone: tzinfo
    segment_id: int | None = None  # keep to this saved segment's members

    @property
    def utc_start(self) -> datetime:
        return rollups.day_start(self.period.start, self.zone)

    @property
    def utc_end(self) -> datetime:
        return rollups.day_start(self.period.end + timedelta(days=1), self.zone)

    def placed(self, column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        """`column` (a UTC time) within the period."""
        return and_(column >= self.utc_start, column < self.utc_end)

    def members(self, customer_id: SQLColumnExpression[Any]) -> ColumnElement[bool] | None:
        """`customer_id` is one of the segment's members (a primary key lookup per row: the period's rows are
        fewer than a big segment's members, which an IN list would copy each time)."""
        if self.segment_id is None:
            return None
        return exists().where(SegmentMember.segment_id == self.segment_id, SegmentMember.customer_id == customer_id)

    def rows(self, store_wide: type[Any], per_segment: type[Any], *conditions: Any) -> Any:
        """The store-wide rollup's rows, or the segment's rollup's, matching `conditions` (names of columns both
        have mapped to a condition on a column), as a subquery."""
        table = store_wide if self.segment_id is None else per_segment
        mine = [] if self.segment_id is None else [table.segment_id == self.segment_id]
        return select(table).where(*mine, *(condition(getattr(table, name)) for name, condition in conditions)
                                   ).subquery()

    def days(self, store_wide: type[Any], per_segment: type[Any]) -> Any:
        """The rollup's rows of the period's days."""
        return self.rows(store_wide, per_segment, ("day", lambda day: day.between(self.period.start,
                                                                                   self.period.end)))


def _all(*conditions: ColumnElement[bool] | None) -> ColumnElement[bool]:
    return and_(true(), *(c for c in conditions if c is not None))


def _sales(scope: Scope) -> Any:
    """Sales rows of the period's days."""
    return scope.days(DailySales, SegmentSales)


def sales_days(session: Session, scope: Scope) -> list[SalesDay]:
    """Orders placed and refunds made in the period, per day."""
    rows = _sales(scope)
    total: Iterable[Any] = session.execute(
        select(rows.c.day, func.sum(rows.c.orders), func.sum(rows.c.gross_cents), func.sum(rows.c.refunds),
               func.sum(rows.c.refunded_cents)).group_by(rows.c.day))
    return [SalesDay(day, int(n), int(gross), int(k), int(back)) for day, n, gross, k, back in total]


def sales_mix(session: Session, scope: Scope) -> list[SalesMix]:
    """Orders placed in the period per sales channel and country."""
    rows = _sales(scope)
    total: Iterable[Any] = session.execute(
        select(rows.c.channel, rows.c.country, func.sum(rows.c.orders), func.sum(rows.c.gross_cents))
        .group_by(rows.c.channel, rows.c.country))
    return [SalesMix(channel, country, int(n), int(gross)) for channel, country, n, gross in total]


def category_days(session: Session, scope: Scope) -> list[CategoryDay]:
    """Items sold per category and day in the period, with how many of them came back."""
    source = scope.days(DailyCategory, SegmentCategory)
    name = func.coalesce(Category.name, UNCATEGORISED)
    rows: Iterable[Any] = session.execute(
        select(source.c.day, name, source.c["items"], source.c.sales_cents, source.c.returned_items)
        .outerjoin(Category, Category.id == source.c.category_id))
    return [CategoryDay(day, name, items, sales, returned) for day, name, items, sales, returned in rows]


def product_totals(session: Session, scope: Scope, limit: int) -> list[ProductTotal]:
    """The `limit` products with the most line revenue in the period: its whole months read by month, the days
    at its ends by day."""
    months, edges = _whole_months(scope.period)
    columns = ("product_id", "items", "sales_cents")
    monthly = scope.rows(MonthlyProduct, SegmentMonthlyProduct,
                         ("month", lambda month: month.between(months[0], months[-1]) if months else false()))
    daily = scope.rows(DailyProduct, SegmentProduct,
                       ("day", lambda day: or_(false(), *(day.between(a, b) for a, b in edges))))
    source = union_all(select(*(monthly.c[c] for c in columns)), select(*(daily.c[c] for c in columns))).subquery()
    sales = func.sum(source.c.sales_cents)
    top = (select(source.c.product_id, cast(func.sum(source.c["items"]), Integer).label("items"),
                  cast(sales, BigInteger).label("sales"))
           .group_by(source.c.product_id).order_by(sales.desc(), source.c.product_id).limit(limit).subquery())
    rows: Iterable[Any] = session.execute(select(Product.title, top.c["items"], top.c.sales)
                           .join(top, top.c.product_id == Product.id).order_by(top.c.sales.desc(), Product.title))
    return [ProductTotal(title, items, sales) for title, items, sales in rows]


def _whole_months(period: Period) -> tuple[list[str], list[tuple[date, date]]]:
    """The months ('YYYY-MM') wholly inside the period, and the runs of its days outside them."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    after = _next_month(period.end) if _next_month(period.end) - timedelta(days=1) == period.end \
        else period.end.replace(day=1)
    if first >= after:
        return [], [(period.start, period.end)]
    months = [m for m in period.months() if first.isoformat()[:7] <= m < after.isoformat()[:7]]
    edges = [(a, b) for a, b in ((period.start, first - timedelta(days=1)), (after, period.end)) if a <= b]
    return months, edges


def _next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def customer_counts(session: Session, scope: Scope) -> CustomerCounts:
    """Distinct customers of the period's months and of the months before them, and the period's new ones."""
    first, last = scope.period.months()[0], scope.period.months()[-1]
    before = scope.period.previous_months()[0]
    rows = scope.rows(ActivityMonth, SegmentActivity, ("month", lambda month: month.between(before, last)))
    inside = rows.c.month.between(first, last)
    first_in_run = and_(inside, rows.c.prev_month < first)  # each customer's first month in the run

    def customers(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, rows.c.customers), else_=0)), 0)

    active, repeaters, retained, previous = session.execute(select(
        customers(first_in_run),
        customers(and_(first_in_run, or_(rows.c.multi == 1,
                                         and_(rows.c.next_month != "", rows.c.next_month <= last)))),
        customers(and_(first_in_run, rows.c.prev_month >= before)),
        customers(and_(rows.c.month.between(before, scope.period.previous_months()[-1]),
                       rows.c.prev_month < before)))
        ).one()
    firsts = scope.days(DailyNewCustomers, SegmentNewCustomers)
    new: Any = session.execute(select(func.coalesce(func.sum(firsts.c.customers), 0))).scalar_one()
    return CustomerCounts(int(active), int(repeaters), int(previous), int(retained), int(new))


def cohort_cells(session: Session, scope: Scope, last_month: str) -> list[CohortCell]:
    """Customers, gross and refunded per acquisition month and order month, for order months up to last_month."""
    source = scope.rows(CohortMonth, SegmentCohort, ("month", lambda month: month <= last_month))
    rows: Iterable[Any] = session.execute(select(source.c.cohort, source.c.month, source.c.customers,
                                                 source.c.gross_cents, source.c.refunded_cents))
    return [CohortCell(*row) for row in rows]


def new_customers_by_channel(session: Session, scope: Scope) -> dict[str, int]:
    """Customers whose first counted order was placed in the period, per sales channel ('' when not recorded)."""
    firsts = scope.days(DailyNewCustomers, SegmentNewCustomers)
    rows: Iterable[Any] = session.execute(select(firsts.c.channel, func.sum(firsts.c.customers))
                                          .group_by(firsts.c.channel))
    return {channel: int(n) for channel, n in rows}


def marketing_spend(session: Session, months: Sequence[str]) -> dict[str, dict[str, int]]:
    """Spend per channel and month ('YYYY-MM' → cents) for the given months."""
    out: dict[str, dict[str, int]] = {}
    for row in session.execute(select(MarketingSpend).where(MarketingSpend.month.in_(months))).scalars():
        out.setdefault(row.channel, {})[row.month] = row.amount_cents
    return out


def write_spend(session: Session, channel: str, month: str, amount_cents: int) -> None:
    """Set one channel's spend for one month, in the caller's transaction."""
    row = session.get(MarketingSpend, (channel, month))
    if row is None:
        session.add(MarketingSpend(channel=channel, month=month, amount_cents=amount_cents))
    else:
        row.amount_cents = amount_cents


def checkout_facts(session: Session, scope: Scope, reporting: str) -> CheckoutFacts:
    """Checkouts started in the period and never completed: how many, and their value in reporting cents."""
    rate = case((AbandonedCheckout.currency == reporting, 1.0),
                else_=func.coalesce(CurrencyRate.rate_to_reporting, 1.0))
    count, value = session.execute(
        select(func.count(), func.coalesce(func.sum(cast(func.round(AbandonedCheckout.total_cents * rate),
                                                         BigInteger)), 0))
        .select_from(AbandonedCheckout)
        .outerjoin(CurrencyRate, CurrencyRate.currency == AbandonedCheckout.currency)
        .where(scope.placed(AbandonedCheckout.created_at), AbandonedCheckout.completed_at.is_(None),
               _all(scope.members(AbandonedCheckout.customer_id)))).one()
    return CheckoutFacts(count, int(value))


def support_facts(session: Session, scope: Scope) -> SupportFacts:
    """Tickets open now, and the middle first response times (one or two: their median is all of theirs) of the
    tickets created in the period that were answered."""
    members = scope.members(Ticket.customer_id)
    open_now = session.execute(select(func.count()).select_from(Ticket).where(
        Ticket.status.in_(OPEN_STATUSES), _all(members))).scalar_one()
    # whole seconds computed by SQLite: reading tens of thousands of timestamps into datetimes took a second
    seconds = func.round((func.julianday(Ticket.first_response_at) - func.julianday(Ticket.created_at)) * 86_400)
    answered = _all(scope.placed(Ticket.created_at), Ticket.first_response_at.is_not(None), members)
    count = session.execute(select(func.count()).select_from(Ticket).where(answered)).scalar_one()
    middle: Iterable[float] = session.execute(select(seconds).where(answered).order_by(seconds)
                                              .offset((count - 1) // 2).limit(2 - count % 2)).scalars() if count else ()
    return SupportFacts(open_now, tuple(timedelta(seconds=s) for s in middle))
