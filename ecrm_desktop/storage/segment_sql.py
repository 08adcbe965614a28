"""Segment syntax trees compiled to one SQLAlchemy boolean expression over `customers`.

Every value reaches SQL as a bound parameter. Each condition compiles to an expression that is never NULL, so
`NOT (...)` is always the complement. Conditions on the customer's own row use the aggregate columns kept by
`storage.aggregates`; conditions on related rows are `customers.id [NOT] IN (subquery)`, which SQLite evaluates
once per query rather than once per customer. Orders count when not cancelled, as in the aggregates.
Comparisons on the aggregate columns scan rather than walk an index on the compared column: without statistics
SQLite assumes a range is selective, but segments' ranges (spent > 500, no order in 90 days) usually match much
of the table, where walking an index costs several times a scan (3x on 50,000 demo customers). The scan reads the
narrow covering index `ix_customers_segment_scan` instead of the rows when it holds every column used.
Windows read narrow aggregates rather than orders: `category_purchases` for categories bought in a window,
`recent_orders` for "at least N orders since a day" (an N-th latest order that late); only `orders_placed` with
a window that also ends counts the window's orders, from the covering index `ix_orders_counted_created`.
Dates are whole days in the workspace's time zone: the caller passes that zone and its `today`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, exists, func, not_, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import visitors
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType

from ecrm_desktop.domain.enums import TicketStatus
from ecrm_desktop.domain.segments.ast import (
    AbsoluteDate,
    And,
    Between,
    Comparison,
    DateValue,
    FunctionCondition,
    NamedDate,
    Node,
    Not,
    Operator,
    Or,
    Param,
    RelativeDate,
    Value,
)
from ecrm_desktop.domain.segments.dates import resolve
from ecrm_desktop.domain.segments.errors import SegmentDataError
from ecrm_desktop.domain.segments.filters import FILTERS, Kind
from ecrm_desktop.storage import segment_predictions
from ecrm_desktop.storage.segment_text import TEXT_FILTERS, Expr, counted_orders
from ecrm_desktop.storage.tables import (
    AbandonedCheckout,
    Category,
    CategoryPurchase,
    Customer,
    CustomerCategory,
    CustomerRfm,
    Order,
    OrderLine,
    Product,
    RecentOrder,
    Refund,
    StoredPrediction,
    Ticket,
)

_ORDERING: dict[Operator, Callable[[Any, Any], Any]] = {
    Operator.EQ: operator.eq, Operator.NE: operator.ne, Operator.GT: operator.gt,
    Operator.GE: operator.ge, Operator.LT: operator.lt, Operator.LE: operator.le,
}


@dataclass(frozen=True)
class Calendar:
    """Days of the workspace: `today` and the zone its days start in."""

    today: date
    zone: tzinfo

    def start(self, value: DateValue, days_after: int = 0) -> datetime:
        """The UTC instant the day `value` (moved by `days_after`) begins."""
        day = resolve(value, self.today) + timedelta(days=days_after)
        return datetime.combine(day, time(), self.zone).astimezone(UTC)


def compile_segment(node: Node, today: date, zone: tzinfo) -> Expr:
    """The condition a customer row meets when it belongs to the segment `node`."""
    return _Compiler(Calendar(today, zone)).node(node)


def member_rows(node: Node, today: date, zone: tzinfo) -> Select[Any] | None:
    """When the whole segment is one purchase window (`orders_placed(count_at_least: N, date: >= ...)` or
    `products_purchased(category: ..., date: ...)`), the aggregate rows that name its members (a member may have
    several; merged customers have none, their orders having moved): a range of one narrow index, so counting
    their distinct customers takes milliseconds where testing every customer row takes a scan. None otherwise."""
    if not isinstance(node, FunctionCondition) or (node.value is True) != (node.operator is Operator.EQ):
        return None
    compiler = _Compiler(Calendar(today, zone))
    expr = compiler.function(node)
    return compiler.within[1] if compiler.within and compiler.within[0] is expr else None


class _Compiler:
    def __init__(self, calendar: Calendar) -> None:
        self.cal = calendar
        self.within: tuple[Expr, Select[Any]] | None = None  # the latest `ordered_within`: its condition and rows

    def node(self, node: Node) -> Expr:
        if isinstance(node, And):
            return and_(*_cheap_first(self.node(i) for i in node.items))
        if isinstance(node, Or):
            return or_(*_cheap_first(self.node(i) for i in node.items))
        if isinstance(node, Not):
            return not_(self.node(node.item))
        if isinstance(node, FunctionCondition):
            return self.function(node)
        return self.comparison(node)

    def comparison(self, c: Comparison) -> Expr:
        op, value = c.operator, c.value
        if c.filter in _NUMBER_COLUMNS:
            return _numeric(Unindexed(_NUMBER_COLUMNS[c.filter]), op, value, FILTERS[c.filter].kind)
        if c.filter in _DATE_COLUMNS:
            return self.days(Unindexed(_DATE_COLUMNS[c.filter]), op, value)
        if c.filter in _COUNTS:
            return _by_count(_COUNTS[c.filter](), lambda n: _numeric(n, op, value, Kind.COUNT),
                             bool(_apply(op, Decimal(0), value, Decimal)))
        if c.filter in _LATEST:
            return self.latest(*_LATEST[c.filter], op, value)
        if c.filter in TEXT_FILTERS:
            return TEXT_FILTERS[c.filter].compare(op, value)
        return self.derived(c)

    def derived(self, c: Comparison) -> Expr:
        """A condition on what ecrm computed from the orders: the RFM group or a stored prediction."""
        if c.filter in segment_predictions.PREDICTED:
            return self.predicted(c)
        if c.filter == "rfm_group":
            in_group = Customer.id.in_(select(CustomerRfm.customer_id).where(CustomerRfm.rfm_group == str(c.value)))
            return in_group if c.operator is Operator.EQ else not_(in_group)
        raise SegmentDataError(c.filter)

    def predicted(self, c: Comparison) -> Expr:
        """A condition on a stored prediction (see `storage.segment_predictions`)."""
        op, value = c.operator, c.value
        if c.filter in segment_predictions.BANDS:
            column, bands = segment_predictions.BANDS[c.filter]
            chosen = _predicted(column.in_(bands[str(value)]))
            return chosen if op is Operator.EQ else not_(chosen)
        if c.filter in segment_predictions.NUMBERS:
            column, convert = segment_predictions.NUMBERS[c.filter]
            return _predicted(_apply(op, column, value, convert))
        column = segment_predictions.DATES[c.filter]
        if op in (Operator.IS_NULL, Operator.IS_NOT_NULL):
            dated = _predicted(column.is_not(None))
            return dated if op is Operator.IS_NOT_NULL else not_(dated)
        day = partial(resolve, today=self.cal.today)
        if isinstance(value, Between):
            return _predicted(column.between(day(_date(value.low)), day(_date(value.high))))
        return _predicted(_ORDERING[op](column, day(_date(value))))

    def function(self, f: FunctionCondition) -> Expr:
        functions = {"products_purchased": self.products_purchased, "orders_placed": self.orders_placed}
        if f.name not in functions:
            raise SegmentDataError(f.name)
        expr = functions[f.name](f)
        return expr if (f.value is True) == (f.operator is Operator.EQ) else not_(expr)

    # -- dates ---------------------------------------------------------------------------------------------

    def days(self, column: SQLColumnExpression[datetime], op: Operator, value: Value) -> Expr:
        """`column` (a UTC instant, maybe NULL) compared by whole days of the workspace."""
        present = column.is_not(None)
        if op is Operator.IS_NULL:
            return column.is_(None)
        if op is Operator.IS_NOT_NULL:
            return present
        return and_(present, self.day_range(column, op, value))

    def day_range(self, column: SQLColumnExpression[datetime], op: Operator, value: Value) -> Expr:
        if isinstance(value, Between):
            return and_(column >= self.cal.start(_date(value.low)), column < self.cal.start(_date(value.high), 1))
        start, end = self.cal.start(_date(value)), self.cal.start(_date(value), 1)
        bounds: dict[Operator, Expr] = {
            Operator.EQ: and_(column >= start, column < end), Operator.NE: or_(column < start, column >= end),
            Operator.GT: column >= end, Operator.GE: column >= start, Operator.LT: column < start,
            Operator.LE: column < end,
        }
        return bounds[op]

    def latest(self, rows: Select[int | None], at: SQLColumnExpression[datetime], op: Operator, value: Value) -> Expr:
        """A condition on the latest `at` of a customer's `rows` (NULL when they have none)."""
        if op in (Operator.IS_NULL, Operator.IS_NOT_NULL):
            has_rows = Customer.id.in_(rows)
            return has_rows if op is Operator.IS_NOT_NULL else not_(has_rows)
        customer = rows.selected_columns[0]
        return Customer.id.in_(rows.group_by(customer).having(self.day_range(func.max(at), op, value)))

    # -- functions -----------------------------------------------------------------------------------------

    def products_purchased(self, f: FunctionCondition) -> Expr:
        window = f.param("date")
        categories = f.param("category")
        if categories and not (f.param("id") or f.param("sku")):
            if window is None or _is_since(window):
                return self.categories_bought(categories, window)
            return self.categories_bought_within(categories, window)
        rows = counted_orders().join(OrderLine, OrderLine.order_id == Order.id)
        if window is not None:
            rows = rows.where(self.day_range(Order.created_at, window.operator, window.value))
        if ids := f.param("id"):
            rows = rows.where(OrderLine.product_id.in_(
                select(Product.id).where(Product.external_id.in_(_product_id_forms(_texts(ids))))))
        if skus := f.param("sku"):
            rows = rows.where(OrderLine.sku.in_(_texts(skus)))
        if categories:
            rows = rows.where(OrderLine.category_id.in_(_category_ids(categories)))
            # Only customers whose latest purchase in the categories is late enough can have bought in the window:
            # check those one by one (their orders by the customer-and-date index) rather than every order in it.
            return and_(self.categories_bought(categories, _from(window)),
                        exists(rows.where(Order.customer_id == Customer.id)))
        return Customer.id.in_(rows)

    def categories_bought(self, categories: Param, since: Param | None) -> Expr:
        """From the `customer_categories` aggregate: bought one of `categories`, lastly on or after `since`."""
        rows = select(CustomerCategory.customer_id).where(CustomerCategory.category_id.in_(_category_ids(categories)))
        if since is not None:
            rows = rows.where(self.day_range(CustomerCategory.last_ordered_at, since.operator, since.value))
        return self.ordered_within(since, rows)

    def categories_bought_within(self, categories: Param, window: Param) -> Expr:
        """From the `category_purchases` aggregate: bought one of `categories` on the days of `window`."""
        rows = select(CategoryPurchase.customer_id).where(
            CategoryPurchase.category_id.in_(_category_ids(categories)),
            self.day_range(CategoryPurchase.ordered_at, window.operator, window.value))
        return self.ordered_within(window, rows)

    def ordered_within(self, window: Param | None, rows: Select[Any], orders: int = 1) -> Expr:
        """The customers among `rows`: a subquery of the ids of customers who placed `orders` or more orders, one
        of them on the days of `window` (any time when None).

        What that implies for the customer's own aggregates (that many orders, the last on or after the window's
        start, the first on or before its end) is tested first, while scanning the narrow segment index, so that
        only the customers it leaves are looked up among `rows`. (Walking `rows` and fetching each member's wide
        row took seconds for 200,000 members of 1,000,000 customers.)"""
        implied = [Unindexed(Customer.orders_count) >= orders]
        if (since := _from(window)) is not None:
            implied.append(self.days(Unindexed(Customer.last_order_at), since.operator, since.value))
        if (until := _until(window)) is not None:
            implied.append(self.days(Unindexed(Customer.first_order_at), until.operator, until.value))
        condition = and_(*implied, Unindexed(Customer.id).in_(rows))
        self.within = condition, rows
        return condition

    def orders_placed(self, f: FunctionCondition) -> Expr:
        window = f.param("date")
        least = _param_int(f.param("count_at_least"), 1) or 0
        most = _param_int(f.param("count_at_most"), None)
        if window is None or _is_since(window):
            return self.orders_since(window, least, most)
        rows = counted_orders().where(self.day_range(Order.created_at, window.operator, window.value))

        def in_range(n: Any) -> Any:
            return (n >= least) & (n <= most) if most is not None else n >= least

        # Grouped by the unindexed column, so the window is a range of `ix_orders_counted_created` (then sorted)
        # rather than a walk of every order by customer.
        return _by_count(rows, in_range, bool(in_range(0)), Unindexed(Order.customer_id))

    def orders_since(self, since: Param | None, least: int, most: int | None) -> Expr:
        """Customers with `least` to `most` orders on or after `since` (any time when None), from `recent_orders`:
        at least N such orders is an N-th latest order that late."""

        def at_least(n: int) -> Expr:
            if n <= 0:
                return true()
            rows = select(RecentOrder.customer_id).where(RecentOrder.rank == n)
            if since is not None:
                rows = rows.where(self.day_range(RecentOrder.ordered_at, since.operator, since.value))
            return self.ordered_within(since, rows, n)

        return at_least(least) if most is None else and_(at_least(least), not_(at_least(most + 1)))


# -- building blocks ---------------------------------------------------------------------------------------

class Unindexed(ColumnElement[Any]):
    """A column the query planner may not use an index for (SQLite's unary `+`; the column itself elsewhere)."""

    inherit_cache = True
    _traverse_internals: _TraverseInternalsType = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, column: InstrumentedAttribute[Any]) -> None:
        self.column: ColumnElement[Any] = column.expression
        self.type = self.column.type


@compiles(Unindexed)
def _compile_unindexed(element: Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(Unindexed, "sqlite")
def _compile_unindexed_sqlite(element: Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


def _cheap_first(conditions: Iterable[Expr]) -> list[Expr]:
    """The conditions with those on the customer's own row before those reading other tables: SQLite tests an
    AND's (or OR's) terms in the order written, so a subquery is then probed only for the rows the others leave
    (a third of the time of "not VIP and ordered in the last 30 days")."""
    return sorted(conditions, key=lambda c: any(isinstance(e, Select) for e in visitors.iterate(c)))


def _by_count(rows: Select[int | None], test: Callable[[Any], Any], zero_passes: bool,
              customer: ColumnElement[Any] | None = None) -> Expr:
    """Customers whose number of `rows` passes `test`; those with no rows pass when `zero_passes`. The rows are
    grouped by `customer` (default: the customer id they select)."""
    customer = rows.selected_columns[0] if customer is None else customer
    if zero_passes:
        return not_(Customer.id.in_(rows.group_by(customer).having(not_(test(func.count())))))
    return Customer.id.in_(rows.group_by(customer).having(test(func.count())))


def _apply(op: Operator, x: Any, value: Value, convert: Callable[[Decimal], Any]) -> Any:
    """`x op value` with the value converted; works on SQL expressions and on plain numbers alike."""
    if isinstance(value, Between):
        return (x >= convert(_decimal(value.low))) & (x <= convert(_decimal(value.high)))
    return _ORDERING[op](x, convert(_decimal(value)))


def _numeric(x: SQLColumnExpression[Any], op: Operator, value: Value, kind: Kind) -> Expr:
    result: Expr = _apply(op, x, value, _CONVERSIONS[kind])
    return result


_CONVERSIONS: dict[Kind, Callable[[Decimal], Any]] = {
    Kind.MONEY: lambda d: int(d * 100), Kind.COUNT: int, Kind.NUMBER: float,
}


def _predicted(condition: Expr) -> Expr:
    return Customer.id.in_(select(StoredPrediction.customer_id).where(condition))


def _category_ids(param: Param) -> Select[int]:
    return select(Category.id).where(func.lower(Category.name).in_([t.lower() for t in _texts(param)]))


def _product_id_forms(ids: tuple[str, ...]) -> list[str]:
    """Each id as stores write it: the number and Shopify's `gid://shopify/Product/<number>`."""
    numbers = {i.rsplit("/", 1)[-1] for i in ids}
    return sorted(set(ids) | numbers | {f"gid://shopify/Product/{n}" for n in numbers})


def _is_since(window: Param | None) -> bool:
    """Whether a date window only bounds from below (what `customer_categories.last_ordered_at` answers)."""
    return window is None or window.operator in (Operator.GE, Operator.GT)


def _from(window: Param | None) -> Param | None:
    """The window's lower end as a "since" condition (None when it has none)."""
    if window is None:
        return None
    if isinstance(window.value, Between):
        return Param(window.name, Operator.GE, window.value.low)
    if window.operator in (Operator.EQ, Operator.GE, Operator.GT):
        return Param(window.name, Operator.GT if window.operator is Operator.GT else Operator.GE, window.value)
    return None


def _until(window: Param | None) -> Param | None:
    """The window's upper end as an "until" condition (None when it has none)."""
    if window is None:
        return None
    if isinstance(window.value, Between):
        return Param(window.name, Operator.LE, window.value.high)
    if window.operator in (Operator.EQ, Operator.LE, Operator.LT):
        return Param(window.name, Operator.LE if window.operator is Operator.EQ else window.operator, window.value)
    return None


def _param_int(param: Param | None, default: int | None) -> int | None:
    return default if param is None else int(_decimal(param.value))


def _decimal(value: Value | Decimal | DateValue) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"expected a number, got {value!r}")
    return value


def _date(value: Value | Decimal | DateValue) -> DateValue:
    if not isinstance(value, AbsoluteDate | RelativeDate | NamedDate):
        raise TypeError(f"expected a date, got {value!r}")
    return value


def _texts(param: Param) -> tuple[str, ...]:
    if not isinstance(param.value, tuple):
        raise TypeError(f"expected a list of texts, got {param.value!r}")
    return param.value


_NUMBER_COLUMNS: dict[str, InstrumentedAttribute[Any]] = {
    "amount_spent": Customer.total_spent_cents, "number_of_orders": Customer.orders_count,
    "average_order_value": Customer.aov_cents, "return_rate": Customer.return_rate,
}
_DATE_COLUMNS: dict[str, InstrumentedAttribute[Any]] = {
    "customer_added_date": Customer.created_at, "first_order_date": Customer.first_order_at,
    "last_order_date": Customer.last_order_at,
}
_COUNTS: dict[str, Callable[[], Select[int | None]]] = {
    "refund_count": lambda: counted_orders().join(Refund, Refund.order_id == Order.id),
    "ticket_count": lambda: select(Ticket.customer_id).where(Ticket.customer_id.is_not(None)),
    "open_tickets": lambda: select(Ticket.customer_id).where(Ticket.customer_id.is_not(None),
                                                             Ticket.status != TicketStatus.SOLVED),
}
_LATEST: dict[str, tuple[Select[int | None], InstrumentedAttribute[Any]]] = {
    "abandoned_checkout_date": (
        select(AbandonedCheckout.customer_id).where(AbandonedCheckout.customer_id.is_not(None),
                                                    AbandonedCheckout.completed_at.is_(None)),
        AbandonedCheckout.created_at),
    "last_ticket_date": (select(Ticket.customer_id).where(Ticket.customer_id.is_not(None)), Ticket.created_at),
}
