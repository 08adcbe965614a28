"""What the dashboard's figures are computed from, read from the rollup tables.

Every reader takes a `Scope`: the period's days, the workspace zone, and whether to keep to the customers of a
segment (put in the temporary table `dashboard_members` by `set_members`). Store-wide, the daily rollups are
read as they are; for a segment, the same definitions (`storage.rollups.*_source`) run over the members'
orders of the period. `set_members` also copies the members' per-customer days (of both periods) and months
into temporary tables once, so that the several readers of each do not look every member up again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    SQLColumnExpression,
    Table,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    true,
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
from ecrm_desktop.storage.rollups import activity_source
from ecrm_desktop.storage.tables import (
    AbandonedCheckout,
    ActivityMonth,
    Category,
    CohortMonth,
    CurrencyRate,
    CustomerDay,
    CustomerFirstOrder,
    CustomerMonth,
    DailyCategory,
    DailyProduct,
    DailySales,
    MarketingSpend,
    Order,
    Product,
    Ticket,
)

UNCATEGORISED = "Uncategorised"
OPEN_STATUSES = (TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SNOOZED)

MEMBERS = Table("dashboard_members", MetaData(), Column("customer_id", Integer, primary_key=True),
                prefixes=["TEMPORARY"])


def _temporary_copy(name: str, table: Any) -> Table:
    return Table(name, MetaData(), *(Column(c.name, c.type) for c in table.__table__.columns),
                 prefixes=["TEMPORARY"])


MEMBER_DAYS = _temporary_copy("dashboard_member_days", CustomerDay)
MEMBER_MONTHS = _temporary_copy("dashboard_member_months", CustomerMonth)


def set_members(session: Session, ids: Iterable[int], first_day: date, last_day: date) -> None:
    """Put a segment's customer ids in this connection's temporary `dashboard_members` table, with their
    per-customer days from `first_day` to `last_day` and their months."""
    session.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS dashboard_members "
                         "(customer_id INTEGER PRIMARY KEY)"))
    for table in (MEMBER_DAYS, MEMBER_MONTHS):
        table.create(session.connection(), checkfirst=True)
    for table in (MEMBERS, MEMBER_DAYS, MEMBER_MONTHS):
        session.execute(delete(table))
    rows = [{"customer_id": i} for i in ids]
    if rows:
        session.execute(insert(MEMBERS), rows)
    joined = CustomerDay.customer_id == MEMBERS.c.customer_id
    session.execute(insert(MEMBER_DAYS).from_select(
        [c.name for c in MEMBER_DAYS.c],
        select(*CustomerDay.__table__.columns).join(MEMBERS, joined).where(CustomerDay.day.between(first_day,
                                                                                                    last_day))))
    session.execute(insert(MEMBER_MONTHS).from_select(
        [c.name for c in MEMBER_MONTHS.c],
        select(*CustomerMonth.__table__.columns).join(MEMBERS, CustomerMonth.customer_id == MEMBERS.c.customer_id)))


@dataclass(frozen=True)
class Scope:
    period: Period
    zone: tzinfo
    segment: bool  # keep to the customers in `dashboard_members`

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
        return customer_id.in_(select(MEMBERS.c.customer_id)) if self.segment else None

    def spans(self) -> rollups.ZoneSpans:
        return rollups.zone_spans(self.zone, self.utc_start, self.utc_end)


def _all(*conditions: ColumnElement[bool] | None) -> ColumnElement[bool]:
    return and_(true(), *(c for c in conditions if c is not None))


def _sales(scope: Scope) -> Any:
    """Sales rows of the period: `rollup_daily_sales`, or for a segment its members' `rollup_customer_days`
    (as copied by `set_members`)."""
    table: Any = MEMBER_DAYS.c if scope.segment else DailySales
    return select(MEMBER_DAYS if scope.segment else DailySales).where(
        table.day.between(scope.period.start, scope.period.end)).subquery()


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
    if scope.segment:
        source = rollups.categories_source(
            scope.spans(), _all(scope.placed(Order.created_at), scope.members(Order.customer_id))).subquery()
    else:
        source = select(DailyCategory).where(DailyCategory.day.between(scope.period.start,
                                                                        scope.period.end)).subquery()
    name = func.coalesce(Category.name, UNCATEGORISED)
    rows: Iterable[Any] = session.execute(
        select(source.c.day, name, source.c["items"], source.c.sales_cents, source.c.returned_items)
        .outerjoin(Category, Category.id == source.c.category_id))
    return [CategoryDay(day, name, items, sales, returned) for day, name, items, sales, returned in rows]


def product_totals(session: Session, scope: Scope, limit: int) -> list[ProductTotal]:
    """The `limit` products with the most line revenue in the period."""
    if scope.segment:
        source = rollups.products_source(
            scope.spans(), _all(scope.placed(Order.created_at), scope.members(Order.customer_id))).subquery()
    else:
        source = select(DailyProduct).where(DailyProduct.day.between(scope.period.start,
                                                                      scope.period.end)).subquery()
    sales = func.sum(source.c.sales_cents)
    top = (select(source.c.product_id, cast(func.sum(source.c["items"]), Integer).label("items"),
                  cast(sales, BigInteger).label("sales"))
           .group_by(source.c.product_id).order_by(sales.desc(), source.c.product_id).limit(limit).subquery())
    rows: Iterable[Any] = session.execute(select(Product.title, top.c["items"], top.c.sales)
                           .join(top, top.c.product_id == Product.id).order_by(top.c.sales.desc(), Product.title))
    return [ProductTotal(title, items, sales) for title, items, sales in rows]


def customer_counts(session: Session, scope: Scope) -> CustomerCounts:
    """Distinct customers of the period's months and of the months before them, and the period's new ones."""
    first, last = scope.period.months()[0], scope.period.months()[-1]
    before = scope.period.previous_months()[0]
    rows = activity_source(MEMBER_MONTHS).subquery() if scope.segment else select(ActivityMonth).subquery()
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
        .where(rows.c.month.between(before, last))).one()
    new = session.execute(select(func.count()).select_from(CustomerFirstOrder).where(
        CustomerFirstOrder.day.between(scope.period.start, scope.period.end),
        _all(scope.members(CustomerFirstOrder.customer_id)))).scalar_one()
    return CustomerCounts(int(active), int(repeaters), int(previous), int(retained), new)


def cohort_cells(session: Session, scope: Scope, last_month: str) -> list[CohortCell]:
    """Customers, gross and refunded per acquisition month and order month, for order months up to last_month."""
    source = rollups.cohorts_source(MEMBER_MONTHS).subquery() if scope.segment else select(CohortMonth).subquery()
    rows: Iterable[Any] = session.execute(select(source.c.cohort, source.c.month, source.c.customers,
                                                 source.c.gross_cents, source.c.refunded_cents)
                                          .where(source.c.month <= last_month))
    return [CohortCell(*row) for row in rows]


def new_customers_by_channel(session: Session, scope: Scope) -> dict[str, int]:
    """Customers whose first counted order was placed in the period, per sales channel ('' when not recorded)."""
    rows = session.execute(select(CustomerFirstOrder.channel, func.count())
                           .where(CustomerFirstOrder.day.between(scope.period.start, scope.period.end),
                                  _all(scope.members(CustomerFirstOrder.customer_id)))
                           .group_by(CustomerFirstOrder.channel))
    return {channel: n for channel, n in rows}


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
    """Tickets open now, and the first response times of tickets created in the period."""
    members = scope.members(Ticket.customer_id)
    open_now = session.execute(select(func.count()).select_from(Ticket).where(
        Ticket.status.in_(OPEN_STATUSES), _all(members))).scalar_one()
    # whole seconds computed by SQLite: reading tens of thousands of timestamps into datetimes took a second
    seconds = func.round((func.julianday(Ticket.first_response_at) - func.julianday(Ticket.created_at)) * 86_400)
    answered: Iterable[float] = session.execute(select(seconds).where(
        scope.placed(Ticket.created_at), Ticket.first_response_at.is_not(None), _all(members))).scalars()
    return SupportFacts(open_now, tuple(timedelta(seconds=s) for s in answered))
