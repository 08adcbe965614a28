"""Keeping the rollup tables (`storage.tables.rollups`) equal to a recomputation from the orders.

Two ways in, one definition: every rollup row comes from a `*_source` select over the orders, which
- `rebuild` runs once over everything (as a repair, or after the time zone changed), and
- `Change` runs for just the orders and customers a write touches, in the writer's transaction: the daily
  rollups are sums, so they move by what the written orders contributed before and after the write; the
  per-customer rollups of the customers involved are recomputed (a customer has few orders), and the
  rollups summed from those (cohorts, activity, new customers) move by the difference; the monthly product
  rollup moves with the daily one.
Each saved segment has the same rollups over its members (`storage.tables.segment_rollups`), from the same
selects joined to its members (`by_segment`): `Change` moves them with the orders of the customers in it, an
evaluation moves them by what those who entered and left contribute (`Change.take_members`), and
`build_segment_step` counts its members in, a few thousand per transaction. The demo's bulk loader computes the
store-wide rows from its generated columns (`storage.bulk_rollups`).

Days are bucketed in the workspace time zone: a UTC timestamp's local day is `date(created_at, <offset>)`, the
offset taken from the zone's transitions over the span of the data (`zone_spans`). The zone used is recorded
in the setting `rollups_zone`; when the workspace's zone changes the rollups must be rebuilt (`is_current`).
Orders' and refunds' creation times never change in the stores, so the days an order touched are its own and
its refunds' days as they stand now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ecrm_desktop.domain.zones import workspace_zone
from ecrm_desktop.storage.settings import read_setting, write_setting
from ecrm_desktop.storage.tables import (
    ActivityMonth,
    CohortMonth,
    CustomerDay,
    CustomerFirstOrder,
    CustomerMonth,
    DailyCategory,
    DailyNewCustomers,
    DailyProduct,
    DailySales,
    MonthlyProduct,
    Order,
    OrderLine,
    Refund,
    RefundLine,
    SegmentActivity,
    SegmentCategory,
    SegmentCohort,
    SegmentMember,
    SegmentMonthlyProduct,
    SegmentNewCustomers,
    SegmentProduct,
    SegmentRollupsBuilt,
    SegmentSales,
)
from ecrm_desktop.storage.tables.system import Segment

Rows = Select[*tuple[Any, ...]]

ZONE_SETTING = "rollups_zone"
STEP = timedelta(minutes=30)  # zone offsets are sampled this often (every real transition falls on one)
IDS_PER_STATEMENT = 500
COMPLETE = 2**62  # `SegmentRollupsBuilt.upto` of a segment's rollups that count every member (no id reaches it)
BUILD_STEP = 5_000  # members counted into a segment's rollups per transaction


# -- time zone buckets ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ZoneSpans:
    """The zone's UTC offset over a stretch of time: `offsets[i]` holds until `untils[i]` (the last one forever)."""

    untils: tuple[datetime, ...]
    offsets: tuple[int, ...]  # seconds east of UTC

    def day_of(self, column: SQLColumnExpression[Any]) -> ColumnElement[Any]:
        """SQL for the local day ('YYYY-MM-DD') of a UTC timestamp column."""
        def shifted(offset: int) -> ColumnElement[Any]:
            return func.date(column, f"{offset:+d} seconds")
        if len(self.offsets) == 1:
            return shifted(self.offsets[0])
        whens = [(column < until, shifted(offset)) for until, offset in zip(self.untils, self.offsets, strict=False)]
        return case(*whens, else_=shifted(self.offsets[-1]))

    def month_of(self, column: SQLColumnExpression[Any]) -> ColumnElement[Any]:
        """SQL for the local month ('YYYY-MM') of a UTC timestamp column."""
        return func.substr(self.day_of(column), 1, 7)


def zone_spans(zone: tzinfo, start: datetime, end: datetime) -> ZoneSpans:
    """The offsets `zone` takes between the UTC instants `start` and `end` (a day of margin either side).

    Sampled a day apart, and every STEP within a day whose two ends differ (a zone changing twice within one
    day and back is not seen; none does)."""
    moment = start.replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    stop = end + timedelta(days=1)
    untils: list[datetime] = []
    offsets = [_offset(zone, moment)]
    while moment < stop:
        day_later = moment + timedelta(days=1)
        if _offset(zone, day_later) != offsets[-1]:
            step = moment
            while step < day_later:
                step += STEP
                offset = _offset(zone, step)
                if offset != offsets[-1]:
                    untils.append(step)
                    offsets.append(offset)
        moment = day_later
    return ZoneSpans(tuple(untils), tuple(offsets))


def _offset(zone: tzinfo, moment: datetime) -> int:
    delta = moment.astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def day_start(day: date, zone: tzinfo) -> datetime:
    """The UTC instant `day` starts at in `zone`."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def bucket_zone_name(session: Session) -> str:
    """The zone the rollups are bucketed in: the one they were built in, else the workspace's."""
    return str(read_setting(session, ZONE_SETTING) or read_setting(session, "timezone") or "local")


def present_zone_name(session: Session) -> str:
    """The workspace's time zone as it is set now."""
    return str(read_setting(session, "timezone") or "local")


def mark_built(session: Session, zone_name: str) -> None:
    """Record that the rollups hold every order, bucketed in `zone_name`."""
    write_setting(session, ZONE_SETTING, zone_name)
    session.flush()


def is_current(session: Session) -> bool:
    """Whether the rollups were built in the workspace's present time zone (else `rebuild` them)."""
    built = read_setting(session, ZONE_SETTING)
    return built is not None and built == (read_setting(session, "timezone") or "local")


# -- the definitions: one select per rollup -----------------------------------------------------------------------

def _reporting(cents: SQLColumnExpression[Any]) -> ColumnElement[int]:
    """An amount in the order's currency converted to reporting cents (half away from zero)."""
    return cast(func.round(cents * Order.exchange_rate), BigInteger)


def _counted() -> ColumnElement[bool]:
    return Order.cancelled_at.is_(None)


def _where(*conditions: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [c for c in conditions if c is not None]


def _first(n: int) -> list[ColumnElement[Any]]:
    """GROUP BY the first `n` selected columns, by position (their expressions can be long)."""
    return [literal_column(str(i)) for i in range(1, n + 1)]


def _of_members(query: Rows, by_segment: bool) -> Rows:
    """`query` (over orders) joined to the saved segments its orders' customers are members of, when `by_segment`."""
    return query.join(SegmentMember, SegmentMember.customer_id == Order.customer_id) if by_segment else query


def sales_source(spans: ZoneSpans, orders: ColumnElement[bool] | None = None,
                 refunds: ColumnElement[bool] | None = None, by_customer: bool = False,
                 by_segment: bool = False) -> Rows:
    """Rows of `rollup_daily_sales` for the orders matching `orders` and the refunds matching `refunds`; with
    `by_customer`, rows of `rollup_customer_days` (the customer in place of the store, guests left out); with
    `by_segment`, rows of `segment_rollup_sales` (each saved segment the customer is a member of in its place)."""
    owner = SegmentMember.segment_id if by_segment else Order.customer_id if by_customer else Order.store_id
    keys = (owner, func.coalesce(Order.sales_channel, "").label("channel"),
            func.coalesce(Order.shipping_country, "").label("country"))
    known = Order.customer_id.is_not(None) if by_customer else None
    placed = _of_members(select(spans.day_of(Order.created_at).label("day"), *keys,
                                func.count().label("orders"),
                                func.sum(Order.total_reporting_cents).label("gross_cents"),
                                literal(0).label("refunds"), literal(0).label("refunded_cents")).select_from(Order),
                         by_segment).where(_counted(), *_where(orders, known)).group_by(*_first(4))
    refunded = _of_members(select(spans.day_of(Refund.created_at).label("day"), *keys, literal(0), literal(0),
                                  func.count(), func.sum(_reporting(Refund.amount_cents)))
                           .select_from(Refund).join(Order, Order.id == Refund.order_id),
                           by_segment).where(_counted(), *_where(refunds, known)).group_by(*_first(4))
    both = union_all(placed, refunded).subquery()
    key = both.c[owner.name]
    return (select(type_coerce(both.c.day, Date).label("day"), key, both.c.channel, both.c.country,
                   cast(func.sum(both.c.orders), Integer).label("orders"),
                   cast(func.sum(both.c.gross_cents), BigInteger).label("gross_cents"),
                   cast(func.sum(both.c.refunds), Integer).label("refunds"),
                   cast(func.sum(both.c.refunded_cents), BigInteger).label("refunded_cents"))
            .group_by(both.c.day, key, both.c.channel, both.c.country))


def categories_source(spans: ZoneSpans, orders: ColumnElement[bool] | None = None, by_segment: bool = False) -> Rows:
    """Rows of `rollup_daily_categories` for the orders matching `orders` (with `by_segment`, of
    `segment_rollup_categories`)."""
    keys = (spans.day_of(Order.created_at).label("day"), func.coalesce(OrderLine.category_id, 0).label("category_id"),
            *_segment_key(by_segment))
    sold = _of_members(select(*keys, func.sum(OrderLine.quantity).label("items"),
                              func.sum(_reporting(OrderLine.total_cents)).label("sales_cents"),
                              literal(0).label("returned"))
                       .select_from(OrderLine).join(Order, Order.id == OrderLine.order_id), by_segment
                       ).where(_counted(), *_where(orders)).group_by(*_first(len(keys)))
    returned = _of_members(select(*keys, literal(0), literal(0), func.sum(RefundLine.quantity))
                           .select_from(RefundLine).join(OrderLine, OrderLine.id == RefundLine.order_line_id)
                           .join(Order, Order.id == OrderLine.order_id), by_segment
                           ).where(_counted(), *_where(orders)).group_by(*_first(len(keys)))
    both = union_all(sold, returned).subquery()
    grouping = (both.c.day, both.c.category_id, *(both.c.segment_id for _ in _segment_key(by_segment)))
    return (select(type_coerce(both.c.day, Date).label("day"), *grouping[1:],
                   cast(func.sum(both.c["items"]), Integer).label("items"),
                   cast(func.sum(both.c.sales_cents), BigInteger).label("sales_cents"),
                   cast(func.sum(both.c.returned), Integer).label("returned_items"))
            .group_by(*grouping)
            .having(or_(func.sum(both.c["items"]) != 0, func.sum(both.c.sales_cents) != 0,
                        func.sum(both.c.returned) != 0)))


def products_source(spans: ZoneSpans, orders: ColumnElement[bool] | None = None, by_segment: bool = False) -> Rows:
    """Rows of `rollup_daily_products` for the orders matching `orders` (with `by_segment`, of
    `segment_rollup_products`)."""
    keys = (type_coerce(spans.day_of(Order.created_at), Date).label("day"), OrderLine.product_id,
            *_segment_key(by_segment))
    return (_of_members(select(*keys, cast(func.sum(OrderLine.quantity), Integer).label("items"),
                               cast(func.sum(_reporting(OrderLine.total_cents)), BigInteger).label("sales_cents"))
                        .select_from(OrderLine).join(Order, Order.id == OrderLine.order_id), by_segment)
            .where(_counted(), OrderLine.product_id.is_not(None), *_where(orders)).group_by(*_first(len(keys)))
            .having(or_(func.sum(OrderLine.quantity) != 0, func.sum(_reporting(OrderLine.total_cents)) != 0)))


def customer_months_source(spans: ZoneSpans, customers: ColumnElement[bool] | None = None) -> Rows:
    """Rows of `rollup_customer_months` for the customers matching `customers` (a condition on `Order`)."""
    grouped = (select(Order.customer_id, spans.month_of(Order.created_at).label("month"),
                      func.count().label("orders"),
                      cast(func.sum(Order.total_reporting_cents), BigInteger).label("gross_cents"),
                      cast(func.sum(_reporting(Order.refunded_cents)), BigInteger).label("refunded_cents"))
               .where(_counted(), Order.customer_id.is_not(None), *_where(customers)).group_by(*_first(2))
               .subquery())
    customer, month = grouped.c.customer_id, grouped.c.month
    return select(customer, month, grouped.c.orders, grouped.c.gross_cents, grouped.c.refunded_cents,
                  func.coalesce(func.lag(month).over(partition_by=customer, order_by=month), "").label("prev_month"),
                  func.coalesce(func.lead(month).over(partition_by=customer, order_by=month), "").label("next_month"))


def firsts_source(spans: ZoneSpans, customers: ColumnElement[bool] | None = None) -> Rows:
    """Rows of `rollup_customer_firsts`: each matching customer's earliest counted order (ties: lowest id)."""
    rank = func.row_number().over(partition_by=Order.customer_id, order_by=(Order.created_at, Order.id))
    ranked = (select(Order.customer_id, spans.day_of(Order.created_at).label("day"), Order.store_id,
                     func.coalesce(Order.sales_channel, "").label("channel"),
                     func.coalesce(Order.shipping_country, "").label("country"), rank.label("rank"))
              .where(_counted(), Order.customer_id.is_not(None), *_where(customers)).subquery())
    return (select(ranked.c.customer_id, type_coerce(ranked.c.day, Date).label("day"), ranked.c.store_id,
                   ranked.c.channel, ranked.c.country).where(ranked.c.rank == 1))


def cohorts_source(months: Any, by: tuple[str, ...] = ()) -> Rows:
    """Rows of `rollup_cohorts` from customer-month rows (`months`: the table or a select of its shape), also
    grouped by its columns named in `by` (a segment's, when it has them)."""
    firsts = (select(months.c.customer_id, func.min(months.c.month).label("cohort"))
              .group_by(months.c.customer_id).subquery())
    extra = [months.c[name] for name in by]
    return (select(firsts.c.cohort, months.c.month, *extra, func.count().label("customers"),
                   cast(func.sum(months.c.orders), Integer).label("orders"),
                   cast(func.sum(months.c.gross_cents), BigInteger).label("gross_cents"),
                   cast(func.sum(months.c.refunded_cents), BigInteger).label("refunded_cents"))
            .join(firsts, firsts.c.customer_id == months.c.customer_id)
            .group_by(firsts.c.cohort, months.c.month, *extra))


def activity_source(months: Any, by: tuple[str, ...] = ()) -> Rows:
    """Rows of `rollup_activity` from customer-month rows (`months`: the table or a select of its shape), also
    grouped by its columns named in `by`."""
    multi = case((months.c.orders >= 2, 1), else_=0).label("multi")
    extra = [months.c[name] for name in by]
    return (select(months.c.month, months.c.prev_month, months.c.next_month, multi, *extra,
                   func.count().label("customers"))
            .group_by(months.c.month, months.c.prev_month, months.c.next_month, multi, *extra))


def new_customers_source(firsts: Any, by: tuple[str, ...] = ()) -> Rows:
    """Rows of `rollup_daily_new_customers` from customers' first-order rows (`firsts`: the table or a select of
    its shape), also grouped by its columns named in `by`."""
    extra = [firsts.c[name] for name in by]
    return (select(firsts.c.day, firsts.c.channel, *extra, cast(func.count(), Integer).label("customers"))
            .group_by(firsts.c.day, firsts.c.channel, *extra))


def _segment_key(by_segment: bool) -> tuple[Any, ...]:
    return (SegmentMember.segment_id,) if by_segment else ()


def _counted_member() -> ColumnElement[bool]:
    """The (joined) segment member is one its segment's rollups count: they are complete, or being computed in
    steps and have reached this member (`build_segment_step`)."""
    upto = select(SegmentRollupsBuilt.upto).where(SegmentRollupsBuilt.segment_id == SegmentMember.segment_id)
    return SegmentMember.customer_id <= upto.scalar_subquery()


def with_segments(table: Any, *conditions: ColumnElement[bool]) -> Any:
    """A per-customer rollup's rows matching `conditions`, once for each saved segment the customer is in (with
    its `segment_id`)."""
    return (select(table, SegmentMember.segment_id).join(SegmentMember, SegmentMember.customer_id == table.customer_id)
            .where(*conditions).subquery())


@dataclass(frozen=True)
class Summed:
    """A rollup whose figures are sums, so that a write moves it by the difference it makes to what is summed:
    its primary key, its summed columns, and those that are all zero exactly when nothing is summed into a row."""

    table: type[Any]
    keys: tuple[str, ...]
    sums: tuple[str, ...]
    counts: tuple[str, ...]


DAILY_SALES = Summed(DailySales, ("day", "store_id", "channel", "country"),
                     ("orders", "gross_cents", "refunds", "refunded_cents"), ("orders", "refunds"))
DAILY_CATEGORIES = Summed(DailyCategory, ("day", "category_id"), ("items", "sales_cents", "returned_items"),
                          ("items", "sales_cents", "returned_items"))
DAILY_PRODUCTS = Summed(DailyProduct, ("day", "product_id"), ("items", "sales_cents"), ("items", "sales_cents"))
COHORTS = Summed(CohortMonth, ("cohort", "month"), ("customers", "orders", "gross_cents", "refunded_cents"),
                 ("customers",))
ACTIVITY = Summed(ActivityMonth, ("month", "prev_month", "next_month", "multi"), ("customers",), ("customers",))
NEW_CUSTOMERS = Summed(DailyNewCustomers, ("day", "channel"), ("customers",), ("customers",))
# the same per saved segment
SEGMENT_SALES = Summed(SegmentSales, ("segment_id", *DAILY_SALES.keys[:1], *DAILY_SALES.keys[2:]), DAILY_SALES.sums,
                       DAILY_SALES.counts)
SEGMENT_CATEGORIES = Summed(SegmentCategory, ("segment_id", *DAILY_CATEGORIES.keys), DAILY_CATEGORIES.sums,
                            DAILY_CATEGORIES.counts)
SEGMENT_PRODUCTS = Summed(SegmentProduct, ("segment_id", *DAILY_PRODUCTS.keys), DAILY_PRODUCTS.sums,
                          DAILY_PRODUCTS.counts)
SEGMENT_COHORTS = Summed(SegmentCohort, ("segment_id", *COHORTS.keys), COHORTS.sums, COHORTS.counts)
SEGMENT_ACTIVITY = Summed(SegmentActivity, ("segment_id", *ACTIVITY.keys), ACTIVITY.sums, ACTIVITY.counts)
SEGMENT_NEW_CUSTOMERS = Summed(SegmentNewCustomers, ("segment_id", *NEW_CUSTOMERS.keys), NEW_CUSTOMERS.sums,
                               NEW_CUSTOMERS.counts)
MONTHLY_PRODUCTS = Summed(MonthlyProduct, ("month", "product_id"), DAILY_PRODUCTS.sums, DAILY_PRODUCTS.counts)
SEGMENT_MONTHLY_PRODUCTS = Summed(SegmentMonthlyProduct, ("segment_id", *MONTHLY_PRODUCTS.keys), MONTHLY_PRODUCTS.sums,
                                  MONTHLY_PRODUCTS.counts)
SUMMED = (DAILY_SALES, DAILY_CATEGORIES, DAILY_PRODUCTS, COHORTS, ACTIVITY, NEW_CUSTOMERS, MONTHLY_PRODUCTS,
          SEGMENT_SALES, SEGMENT_CATEGORIES, SEGMENT_PRODUCTS, SEGMENT_COHORTS, SEGMENT_ACTIVITY, SEGMENT_NEW_CUSTOMERS,
          SEGMENT_MONTHLY_PRODUCTS)
SEGMENT_TABLES = (SegmentSales, SegmentCategory, SegmentProduct, SegmentCohort, SegmentActivity, SegmentNewCustomers,
                  SegmentMonthlyProduct)
# the monthly product rollups are the daily ones by month: (monthly, daily)
BY_MONTH = ((MONTHLY_PRODUCTS, DAILY_PRODUCTS), (SEGMENT_MONTHLY_PRODUCTS, SEGMENT_PRODUCTS))
# what is summed from the per-customer rollups: (rollup, its source, the per-customer table it is summed from)
DERIVED: tuple[tuple[Summed, Callable[..., Rows], Any], ...] = (
    (COHORTS, cohorts_source, CustomerMonth), (ACTIVITY, activity_source, CustomerMonth),
    (NEW_CUSTOMERS, new_customers_source, CustomerFirstOrder))
SEGMENT_DERIVED = tuple(zip((SEGMENT_COHORTS, SEGMENT_ACTIVITY, SEGMENT_NEW_CUSTOMERS),
                            (source for _, source, _ in DERIVED), (table for _, _, table in DERIVED), strict=True))


# -- full rebuild -------------------------------------------------------------------------------------------------

def rebuild(session: Session) -> None:
    """Recompute every rollup from the orders, set-based, in the caller's transaction, in the workspace's zone."""
    name = present_zone_name(session)
    spans = _spans_over_data(session, workspace_zone(name))
    for table in (DailySales, CustomerDay, DailyCategory, DailyProduct, CustomerFirstOrder, CustomerMonth,
                  CohortMonth, ActivityMonth, DailyNewCustomers, MonthlyProduct, *SEGMENT_TABLES, SegmentRollupsBuilt):
        session.execute(delete(table))
    _insert(session, DailySales, sales_source(spans))
    _insert(session, CustomerDay, sales_source(spans, by_customer=True))
    _insert(session, DailyCategory, categories_source(spans))
    _insert(session, DailyProduct, products_source(spans))
    _insert(session, CustomerFirstOrder, firsts_source(spans))
    _insert(session, CustomerMonth, customer_months_source(spans))
    for summed, source, table in DERIVED:
        _insert(session, summed.table, source(table.__table__))
    _insert_segments(session, spans)
    for monthly, _ in BY_MONTH:
        _insert(session, monthly.table, _by_month(monthly))
    session.execute(insert(SegmentRollupsBuilt).from_select(
        ["segment_id", "built_at", "upto"],
        select(Segment.id, literal(datetime.now(UTC), SegmentRollupsBuilt.built_at.type), literal(COMPLETE))))
    mark_built(session, name)


def build_segment_step(session: Session, segment_id: int, at: datetime, size: int = BUILD_STEP) -> bool:
    """Count the next `size` members (by id) into a saved segment's rollups, in the caller's transaction,
    starting them afresh when they are not kept; True once every member is counted. Run one step per
    transaction: each stays short, and the writer and evaluations keep what is counted so far current."""
    row = session.get(SegmentRollupsBuilt, segment_id)
    if row is None:
        for table in SEGMENT_TABLES:
            session.execute(delete(table).where(table.segment_id == segment_id))
        row = SegmentRollupsBuilt(segment_id=segment_id, built_at=at, upto=0)
        session.add(row)
    if row.upto == COMPLETE:
        return True
    ids = list(session.execute(select(SegmentMember.customer_id).where(
        SegmentMember.segment_id == segment_id, SegmentMember.customer_id > row.upto)
        .order_by(SegmentMember.customer_id).limit(size)).scalars())
    row.upto, row.built_at = (COMPLETE if len(ids) < size else ids[-1]), at
    session.flush()  # the members' sources count members up to `upto`
    change = Change(session)
    change.take_members(segment_id, ids, +1)
    change.apply()
    return row.upto == COMPLETE


def _by_month(monthly: Summed, *conditions: ColumnElement[bool]) -> Rows:
    """The monthly rows of a monthly rollup, summed from its daily rollup's rows matching `conditions`."""
    daily = dict(BY_MONTH)[monthly].table
    keys = [func.substr(daily.day, 1, 7).label("month"), *(getattr(daily, k) for k in monthly.keys if k != "month")]
    return (select(*keys, *(cast(func.sum(getattr(daily, c)), BigInteger).label(c) for c in monthly.sums))
            .where(*conditions).group_by(*keys))


def _insert_segments(session: Session, spans: ZoneSpans, members: ColumnElement[bool] | None = None) -> None:
    """Every saved segment's rollups (or those of the segments whose members match `members`): the sales summed
    from the members' days, categories and products from their orders, the rest from their other per-customer
    rollups."""
    days = with_segments(CustomerDay, *_where(members))
    keys = [days.c[k] for k in SEGMENT_SALES.keys]
    _insert(session, SegmentSales, select(*keys, *(cast(func.sum(days.c[c]), BigInteger).label(c)
                                                   for c in SEGMENT_SALES.sums)).group_by(*keys))
    for summed, source in _segment_sources(spans, members)[1:]:
        _insert(session, summed.table, source)
    for summed, derived, table in SEGMENT_DERIVED:
        _insert(session, summed.table, derived(with_segments(table, *_where(members)), ("segment_id",)))


def segment_kept(session: Session, segment_id: int) -> bool:
    """Whether the segment's rollups are kept (complete, or being computed: `build_segment_step`)."""
    return session.get(SegmentRollupsBuilt, segment_id) is not None


def forget_segments(session: Session) -> None:
    """Drop every saved segment's rollups (after a merge moved orders between customers); they are
    computed whole again when next evaluated or shown."""
    for table in (*SEGMENT_TABLES, SegmentRollupsBuilt):
        session.execute(delete(table))


def _spans_over_data(session: Session, zone: tzinfo) -> ZoneSpans:
    first, last = session.execute(select(func.min(Order.created_at), func.max(Order.created_at))).one()
    refunds_last = session.execute(select(func.max(Refund.created_at))).scalar()
    now = datetime.now(UTC)
    first = first or now
    last = max(filter(None, (last, refunds_last, now)))
    return zone_spans(zone, first, last)


def _insert(session: Session, table: type[Any], source: Rows) -> None:
    names = [c.name for c in source.selected_columns]
    session.execute(insert(table).from_select(names, source))


# -- keeping them current, write by write ---------------------------------------------------------------------

class Change:
    """The difference some writes make to the summed rollups, collected and then applied in one go.

    A writer takes away what the orders it is about to change contribute (`take_orders(..., -1)`), writes, adds
    what they contribute now (`+1`), recomputes the per-customer rollups of the customers involved
    (`refresh_customers`), and `apply`s the difference: a few statements per page, whatever the size of the
    store, instead of recomputing whole days. The statements are built once per zone and span of years (with
    the ids as a parameter) and run on the session's connection: a page costs milliseconds, not their
    construction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.zone_name = bucket_zone_name(session)
        self.delta: dict[tuple[Summed, tuple[Any, ...]], list[int]] = {}

    def take_orders(self, order_ids: Iterable[int], sign: int) -> None:
        """Count in (+1) or out (-1) what these orders and their refunds contribute to the daily rollups now."""
        connection = self.session.connection()
        for chunk in _chunks(sorted(set(order_ids)), IDS_PER_STATEMENT):
            years = self._years(_ORDER_TIMES, chunk)
            if years is None:
                continue
            for summed, source in _order_sources(self.zone_name, *years):
                self._count(summed, connection.execute(source, {"ids": chunk}), sign)

    def refresh_customers(self, customer_ids: Iterable[int | None]) -> None:
        """Recompute the per-customer rollups of these customers (their orders as they stand now), counting the
        difference to the rollups derived from them (cohorts, activity)."""
        connection = self.session.connection()
        ids = sorted({c for c in customer_ids if c is not None})
        for chunk in _chunks(ids, IDS_PER_STATEMENT):
            for summed, source in _DERIVED_OF_MEMBERS:
                self._count(summed, connection.execute(source, {"ids": chunk}), -1)
            for statement in _CUSTOMER_DELETES:
                connection.execute(statement, {"ids": chunk})
            years = self._years(_CUSTOMER_TIMES, chunk)
            if years is not None:
                for statement in _customer_inserts(self.zone_name, *years):
                    connection.execute(statement, {"ids": chunk})
            for summed, source in _DERIVED_OF_MEMBERS:
                self._count(summed, connection.execute(source, {"ids": chunk}), +1)

    def take_members(self, segment_id: int, customer_ids: Iterable[int], sign: int) -> None:
        """Count in (+1) or out (-1) what these members of a saved segment contribute to its rollups with their
        orders as they stand now (they must be members while this runs: entrants after they are added, those
        who left before they are taken out)."""
        connection = self.session.connection()
        for chunk in _chunks(sorted(set(customer_ids)), IDS_PER_STATEMENT):
            params = {"ids": chunk, "segment": segment_id}
            years = self._years(_CUSTOMER_TIMES, chunk)
            if years is not None:
                for summed, source in _member_sources(self.zone_name, *years):
                    self._count(summed, connection.execute(source, params), sign)
            for summed, source in _DERIVED_OF_ONE_SEGMENT:
                self._count(summed, connection.execute(source, params), sign)

    def apply(self) -> None:
        """Move the summed rollups by the difference counted, and forget it."""
        connection = self.session.connection()
        for monthly, daily in BY_MONTH:  # what moved a day of a product moved its month
            for (which, key), sums in list(self.delta.items()):
                if which is daily:
                    day = key[daily.keys.index("day")]
                    month_key = tuple(f"{day:%Y-%m}" if k == "day" else v for k, v in zip(daily.keys, key,
                                                                                        strict=True))
                    figures = self.delta.setdefault((monthly, month_key), [0] * len(monthly.sums))
                    for i, value in enumerate(sums):
                        figures[i] += value
        for summed in SUMMED:
            rows = [dict(zip(summed.keys + summed.sums, (*key, *sums), strict=True))
                    for (which, key), sums in self.delta.items() if which is summed and any(sums)]
            if rows:
                upsert, remove_empty = _apply_statements(summed)
                connection.execute(upsert, rows)
                connection.execute(remove_empty, [{k: row[k] for k in summed.keys} for row in rows])
        self.delta.clear()

    def _count(self, summed: Summed, result: Any, sign: int) -> None:
        for row in result.mappings():
            figures = self.delta.setdefault((summed, tuple(row[k] for k in summed.keys)), [0] * len(summed.sums))
            for i, column in enumerate(summed.sums):
                figures[i] += sign * int(row[column])

    def _years(self, times: Select[Any], ids: Sequence[int]) -> tuple[int, int] | None:
        """The first and last year of the times `times` gives for these ids (None when it gives none)."""
        first, last = self.session.connection().execute(times, {"ids": ids}).one()
        return None if first is None else (_as_utc(first).year, _as_utc(last).year)


def _ids() -> Any:
    return bindparam("ids", expanding=True)


def _times(*moments: Select[Any]) -> Select[Any]:
    both = union_all(*moments).subquery()
    return select(func.min(both.c[0]), func.max(both.c[0]))


_ORDER_TIMES = _times(select(Order.created_at).where(Order.id.in_(_ids())),
                      select(Refund.created_at).where(Refund.order_id.in_(_ids())))
_CUSTOMER_TIMES = _times(select(Order.created_at).where(Order.customer_id.in_(_ids())),
                         select(Refund.created_at).join(Order, Order.id == Refund.order_id)
                         .where(Order.customer_id.in_(_ids())))
_CUSTOMER_DELETES = tuple(delete(t).where(t.customer_id.in_(_ids()))
                          for t in (CustomerDay, CustomerMonth, CustomerFirstOrder))
_DERIVED_OF_MEMBERS = (
    *((summed, source(select(table).where(table.customer_id.in_(_ids())).subquery()))
      for summed, source, table in DERIVED),
    *((summed, source(with_segments(table, table.customer_id.in_(_ids()), _counted_member()), ("segment_id",)))
      for summed, source, table in SEGMENT_DERIVED))
_DERIVED_OF_ONE_SEGMENT = tuple(
    (summed, source(with_segments(table, table.customer_id.in_(_ids()),
                                  SegmentMember.segment_id == bindparam("segment"), _counted_member()),
                    ("segment_id",)))
    for summed, source, table in SEGMENT_DERIVED)


@lru_cache(maxsize=16)
def _order_sources(zone_name: str, first_year: int, last_year: int) -> tuple[tuple[Summed, Rows], ...]:
    """What orders (ids: the `ids` parameter) contribute to the daily rollups, their days in the named zone."""
    spans = _year_spans(zone_name, first_year, last_year)
    mine = Order.id.in_(_ids())
    return ((DAILY_SALES, sales_source(spans, mine, mine)), (DAILY_CATEGORIES, categories_source(spans, mine)),
            (DAILY_PRODUCTS, products_source(spans, mine)), *_segment_sources(spans, and_(mine, _counted_member())))


@lru_cache(maxsize=16)
def _member_sources(zone_name: str, first_year: int, last_year: int) -> tuple[tuple[Summed, Rows], ...]:
    """What members (ids: the `ids` parameter) of one segment (the `segment` parameter) contribute to its daily
    rollups."""
    return _segment_sources(_year_spans(zone_name, first_year, last_year),
                            and_(Order.customer_id.in_(_ids()), SegmentMember.segment_id == bindparam("segment"),
                                 _counted_member()))


def _segment_sources(spans: ZoneSpans, orders: ColumnElement[bool] | None) -> tuple[tuple[Summed, Rows], ...]:
    """What the orders matching `orders` contribute to the daily rollups of the segments their customers are in."""
    return ((SEGMENT_SALES, sales_source(spans, orders, orders, by_segment=True)),
            (SEGMENT_CATEGORIES, categories_source(spans, orders, by_segment=True)),
            (SEGMENT_PRODUCTS, products_source(spans, orders, by_segment=True)))


@lru_cache(maxsize=16)
def _customer_inserts(zone_name: str, first_year: int, last_year: int) -> tuple[Any, ...]:
    """The per-customer rollups of customers (ids: the `ids` parameter) written from their orders."""
    spans = _year_spans(zone_name, first_year, last_year)
    mine = Order.customer_id.in_(_ids())
    return tuple(insert(table).from_select([c.name for c in source.selected_columns], source) for table, source in (
        (CustomerDay, sales_source(spans, mine, mine, by_customer=True)),
        (CustomerMonth, customer_months_source(spans, mine)), (CustomerFirstOrder, firsts_source(spans, mine))))


@lru_cache(maxsize=8)
def _apply_statements(summed: Summed) -> tuple[Any, Any]:
    """Adding a difference to a row (made when missing), and removing the rows then holding nothing."""
    table = summed.table.__table__
    upsert = sqlite_insert(table)
    return (upsert.on_conflict_do_update(index_elements=list(summed.keys),
                                         set_={c: table.c[c] + upsert.excluded[c] for c in summed.sums}),
            delete(table).where(*(table.c[k] == bindparam(k) for k in summed.keys),
                                *(table.c[c] == 0 for c in summed.counts)))


def forget_products(session: Session, product_ids: Sequence[int]) -> None:
    """Drop deleted products' rows: their lines no longer name a product, and only lines that do are summed."""
    for chunk in _chunks(product_ids, IDS_PER_STATEMENT):
        for table in (DailyProduct, SegmentProduct, MonthlyProduct, SegmentMonthlyProduct):
            session.execute(delete(table).where(table.product_id.in_(chunk)))


def reassign_orders(session: Session, customer_ids: Iterable[int | None], reassign: Callable[[], None]) -> None:
    """Run `reassign`, which gives these customers' orders to other customers or to none (an erasure, a store's
    deletion of an account), keeping every rollup current in the caller's transaction: what the orders contribute
    is counted out before and in after (so the saved segments' rollups follow them), and the customers'
    per-customer rollups are recomputed."""
    ids = sorted({c for c in customer_ids if c is not None})
    orders = [o for chunk in _chunks(ids, IDS_PER_STATEMENT)
              for o in session.execute(select(Order.id).where(Order.customer_id.in_(chunk))).scalars()]
    change = Change(session)
    change.take_orders(orders, -1)
    reassign()
    session.flush()
    change.take_orders(orders, +1)
    change.refresh_customers(ids)
    change.apply()


def refresh_customers(session: Session, customer_ids: Iterable[int | None]) -> None:
    """Recompute the per-customer rollups of these customers and what is derived from them, in the caller's
    transaction (after a merge, which moves orders between customers); the saved segments' rollups are dropped, to
    be computed whole again (`forget_segments`): `reassign_orders` keeps them instead, when the move is its own."""
    change = Change(session)
    change.refresh_customers(customer_ids)
    change.apply()
    forget_segments(session)


@lru_cache(maxsize=32)
def _year_spans(zone_name: str, first_year: int, last_year: int) -> ZoneSpans:
    """The named zone's offsets over whole years (so that pages of a sync share them, and their statements)."""
    return zone_spans(workspace_zone(zone_name), datetime(first_year, 1, 1, tzinfo=UTC),
                      datetime(last_year + 1, 1, 1, tzinfo=UTC))


def _as_utc(moment: Any) -> datetime:
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]
