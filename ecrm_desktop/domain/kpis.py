"""The dashboard's key figures, each defined once here (the user guide, docs/dashboard.md, repeats the formulas).

Conventions shared by every figure:
- An order *counts* when it is not cancelled. Amounts are hundredths of the reporting currency; an amount in
  another currency is converted with the order's exchange rate and rounded half away from zero, per amount.
- A period is a range of whole days in the workspace time zone, both ends included. Orders belong to the day
  they were placed; refunds to the day they were made (a refund made after the period lowers the net revenue of
  the period it was made in, not of the order's).
- Figures that count distinct customers across time (active, returning, repeat rate, retention, churn, CLV)
  work in whole calendar months: the months the period overlaps (`Period.months`).
- A ratio with nothing to divide by is None ("no data"), never 0 or an error.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import median
from typing import TypeVar

from ecrm_desktop.domain.predicted_value import PredictionFigures

K = TypeVar("K", bound=Hashable)


def round_half_up(value: float) -> int:
    """`value` rounded to the nearest integer, halves away from zero (as SQLite's round() and accountants do)."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def ratio(part: float, whole: float) -> float | None:
    """part / whole, or None when whole is 0."""
    return part / whole if whole else None


# -- periods -------------------------------------------------------------------------------------------------------

def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(month: str, n: int) -> str:
    """The month `n` months after `month` ('YYYY-MM'; n may be negative)."""
    year, mon = int(month[:4]), int(month[5:7])
    index = year * 12 + mon - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def month_last_day(month: str) -> date:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, calendar.monthrange(year, mon)[1])


@dataclass(frozen=True)
class Period:
    """Whole days `start`..`end`, both included, in the workspace time zone."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after the day it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def months(self) -> list[str]:
        """The calendar months ('YYYY-MM') the period overlaps."""
        out, month = [], month_key(self.start)
        while month <= month_key(self.end):
            out.append(month)
            month = add_months(month, 1)
        return out

    def previous_months(self) -> list[str]:
        """As many months as `months()`, just before them (what retention compares with)."""
        months = self.months()
        return [add_months(m, -len(months)) for m in months]


class Preset(StrEnum):
    LAST_7_DAYS = "Last 7 days"
    LAST_30_DAYS = "Last 30 days"
    THIS_MONTH = "This month"
    LAST_MONTH = "Last month"
    THIS_QUARTER = "This quarter"
    LAST_QUARTER = "Last quarter"
    THIS_YEAR = "This year"
    LAST_12_MONTHS = "Last 12 months"


def preset_period(preset: Preset, today: date) -> Period:
    """The period a preset names, seen from `today`."""
    month_start = today.replace(day=1)
    quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    last_month_end = month_start - timedelta(days=1)
    last_quarter_end = quarter_start - timedelta(days=1)
    bounds = {
        Preset.LAST_7_DAYS: (today - timedelta(days=6), today),
        Preset.LAST_30_DAYS: (today - timedelta(days=29), today),
        Preset.THIS_MONTH: (month_start, today),
        Preset.LAST_MONTH: (last_month_end.replace(day=1), last_month_end),
        Preset.THIS_QUARTER: (quarter_start, today),
        Preset.LAST_QUARTER: (date(last_quarter_end.year, last_quarter_end.month - 2, 1), last_quarter_end),
        Preset.THIS_YEAR: (date(today.year, 1, 1), today),
        Preset.LAST_12_MONTHS: (month_first_day(add_months(month_key(today), -11)), today),
    }
    return Period(*bounds[preset])


# -- what the figures are computed from ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SalesDay:
    """Counted orders placed and refunds made on one day."""

    day: date
    orders: int
    gross_cents: int
    refunds: int
    refunded_cents: int


@dataclass(frozen=True)
class SalesMix:
    """Counted orders placed in the period through one sales channel to one country ('' when not recorded)."""

    channel: str
    country: str
    orders: int
    gross_cents: int


@dataclass(frozen=True)
class CategoryDay:
    """Items of one category sold on one day, and how many of those items were returned so far."""

    day: date
    category: str
    items: int
    sales_cents: int
    returned_items: int


@dataclass(frozen=True)
class ProductTotal:
    product: str
    items: int
    sales_cents: int


@dataclass(frozen=True)
class CustomerCounts:
    """Distinct customers over the period's months (`Period.months`) and the months before them."""

    active: int  # with a counted order in the months
    repeaters: int  # of those, with two or more
    previous_active: int  # with a counted order in the months before
    retained: int  # with orders in both
    new: int  # whose first counted order was placed in the period (its days, not months)


@dataclass(frozen=True)
class CohortCell:
    """Customers first acquired in `cohort` (a month) who ordered in `month`, and what their orders came to."""

    cohort: str
    month: str
    customers: int
    gross_cents: int = 0
    refunded_cents: int = 0


@dataclass(frozen=True)
class SupportFacts:
    open_tickets: int
    # of tickets created in the period that were answered: all of them, or only the one or two in the middle when
    # sorted (the median is theirs; a reader need not carry tens of thousands)
    first_responses: tuple[timedelta, ...]


@dataclass(frozen=True)
class CheckoutFacts:
    abandoned: int
    abandoned_cents: int


@dataclass(frozen=True)
class LifetimeFacts:
    """Everything bought by customers acquired up to the end of the period's last month."""

    customers: int
    gross_cents: int
    refunded_cents: int


def lifetime_until(cells: Iterable[CohortCell], last_month: str) -> LifetimeFacts:
    """Customers acquired in months up to `last_month` (each cohort's first month), and the gross and refunded
    of their counted orders placed in those months."""
    customers = gross = back = 0
    for c in cells:
        if c.month <= last_month:
            customers += c.customers if c.cohort == c.month else 0
            gross += c.gross_cents
            back += c.refunded_cents
    return LifetimeFacts(customers, gross, back)


@dataclass(frozen=True)
class ChannelAcquisition:
    channel: str
    new_customers: int
    spend_cents: int
    gross_cents: int


# -- the figures ---------------------------------------------------------------------------------------------------

def gross_revenue(sales: Iterable[SalesDay]) -> int:
    """Gross revenue = Σ total of counted orders placed in the period (tax and shipping included)."""
    return sum(s.gross_cents for s in sales)


def refunded(sales: Iterable[SalesDay]) -> int:
    """Refunds = Σ refunds made in the period on counted orders (whenever the order was placed)."""
    return sum(s.refunded_cents for s in sales)


def net_revenue(sales: Sequence[SalesDay]) -> int:
    """Net revenue = gross revenue − refunds made in the period."""
    return gross_revenue(sales) - refunded(sales)


def order_count(sales: Iterable[SalesDay]) -> int:
    """Orders = number of counted orders placed in the period."""
    return sum(s.orders for s in sales)


def average_order_value(sales: Sequence[SalesDay]) -> int | None:
    """AOV = gross revenue / orders, rounded to the cent (None without orders)."""
    orders = order_count(sales)
    return round_half_up(gross_revenue(sales) / orders) if orders else None


def returning_customers(counts: CustomerCounts) -> int:
    """Returning customers = active customers of the period's months − new customers of the period."""
    return counts.active - counts.new


def repeat_purchase_rate(counts: CustomerCounts) -> float | None:
    """Repeat purchase rate = customers with 2+ counted orders in the period's months / active customers."""
    return ratio(counts.repeaters, counts.active)


def retention_rate(counts: CustomerCounts) -> float | None:
    """Retention = customers active in the months before who ordered again in the period's months
    / customers active in the months before (the same number of months)."""
    return ratio(counts.retained, counts.previous_active)


def churn_rate(counts: CustomerCounts) -> float | None:
    """Churn = 1 − retention."""
    kept = retention_rate(counts)
    return None if kept is None else 1 - kept


def historical_clv(lifetime: LifetimeFacts) -> int | None:
    """Historical CLV = (gross − refunded) of every counted order of the customers acquired up to the end of the
    period's last month, in months up to then / those customers (None without customers)."""
    if not lifetime.customers:
        return None
    return round_half_up((lifetime.gross_cents - lifetime.refunded_cents) / lifetime.customers)


def revenue_by(sales: Iterable[SalesMix], key: Callable[[SalesMix], K]) -> dict[K, int]:
    """Gross revenue per key (sales channel or country), largest first; '' is "not recorded"."""
    totals: dict[K, int] = defaultdict(int)
    for s in sales:
        totals[key(s)] += s.gross_cents
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], str(kv[0]))))


@dataclass(frozen=True)
class CategoryFigures:
    category: str
    items: int
    sales_cents: int
    returned_items: int

    @property
    def return_rate(self) -> float | None:
        """Return rate = items returned (so far) of those sold in the period / items sold in the period."""
        return ratio(self.returned_items, self.items)


def by_category(days: Iterable[CategoryDay]) -> list[CategoryFigures]:
    """Per category: items sold, line revenue and items returned; best sellers (by revenue) first."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for d in days:
        a = acc[d.category]
        a[0] += d.items
        a[1] += d.sales_cents
        a[2] += d.returned_items
    figures = [CategoryFigures(name, *values) for name, values in acc.items()]
    return sorted(figures, key=lambda f: (-f.sales_cents, f.category))


def top_products(totals: Iterable[ProductTotal], n: int = 10) -> list[ProductTotal]:
    """The `n` products with the most line revenue in the period (ties by name)."""
    return sorted(totals, key=lambda p: (-p.sales_cents, p.product))[:n]


def spend_in_period(monthly: dict[str, int], period: Period) -> int:
    """A channel's spend in the period: each month's spend × the share of that month's days in the period."""
    total = 0.0
    for month, cents in monthly.items():
        first, last = month_first_day(month), month_last_day(month)
        overlap = (min(last, period.end) - max(first, period.start)).days + 1
        if overlap > 0:
            total += cents * overlap / ((last - first).days + 1)
    return round_half_up(total)


def cac(channel: ChannelAcquisition) -> int | None:
    """CAC = marketing spend on the channel in the period / customers whose first order came through it in the
    period (None without new customers)."""
    if not channel.new_customers:
        return None
    return round_half_up(channel.spend_cents / channel.new_customers)


def romi(channel: ChannelAcquisition) -> float | None:
    """ROMI = (gross revenue through the channel in the period − spend on it) / spend (None without spend)."""
    return ratio(channel.gross_cents - channel.spend_cents, channel.spend_cents)


def median_first_response(support: SupportFacts) -> timedelta | None:
    """Median first response time of tickets created in the period that were answered (None if none were)."""
    if not support.first_responses:
        return None
    return timedelta(seconds=median(d.total_seconds() for d in support.first_responses))


# -- over time -----------------------------------------------------------------------------------------------------

class Grain(StrEnum):
    DAY = "Day"
    WEEK = "Week"
    MONTH = "Month"


def bucket(day: date, grain: Grain) -> date:
    """The first day of the day's bucket (weeks start on Monday)."""
    if grain is Grain.WEEK:
        return day - timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    return day


@dataclass(frozen=True)
class SeriesPoint:
    start: date
    orders: int
    gross_cents: int
    refunded_cents: int


def sales_series(sales: Iterable[SalesDay], period: Period, grain: Grain) -> list[SeriesPoint]:
    """Orders, gross revenue and refunds per bucket over the period, empty buckets included."""
    acc: dict[date, list[int]] = {}
    day = period.start
    while day <= period.end:
        acc.setdefault(bucket(day, grain), [0, 0, 0])
        day += timedelta(days=1)
    for s in sales:
        a = acc[bucket(s.day, grain)]
        a[0] += s.orders
        a[1] += s.gross_cents
        a[2] += s.refunded_cents
    return [SeriesPoint(start, *values) for start, values in sorted(acc.items())]


@dataclass(frozen=True)
class NewReturning:
    month: str
    new: int
    returning: int


def new_vs_returning(cells: Iterable[CohortCell], months: Sequence[str]) -> list[NewReturning]:
    """Per month: customers who ordered for the first time, and customers acquired earlier who ordered again."""
    new: dict[str, int] = defaultdict(int)
    back: dict[str, int] = defaultdict(int)
    for c in cells:
        if c.cohort == c.month:
            new[c.month] += c.customers
        elif c.cohort < c.month:
            back[c.month] += c.customers
    return [NewReturning(m, new[m], back[m]) for m in months]


@dataclass(frozen=True)
class CohortRow:
    cohort: str
    size: int
    retention: tuple[float, ...]  # share of the cohort ordering k months after acquisition, k = 0..


def cohort_retention(cells: Iterable[CohortCell], cohorts: Sequence[str], last_month: str) -> list[CohortRow]:
    """Monthly cohort retention: for each cohort, customers ordering k months after their first month / cohort
    size, up to `last_month`."""
    counts = {(c.cohort, c.month): c.customers for c in cells}
    rows = []
    for cohort in cohorts:
        size = counts.get((cohort, cohort), 0)
        shares = []
        month = cohort
        while month <= last_month:
            shares.append(counts.get((cohort, month), 0) / size if size else 0.0)
            month = add_months(month, 1)
        rows.append(CohortRow(cohort, size, tuple(shares)))
    return rows


# -- the whole dashboard -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figures:
    """The tiles of one period."""

    gross_cents: int
    refunded_cents: int
    net_cents: int
    orders: int
    aov_cents: int | None
    new_customers: int
    returning_customers: int
    repeat_rate: float | None
    retention: float | None
    churn: float | None
    clv_cents: int | None
    abandoned_checkouts: int
    abandoned_cents: int
    open_tickets: int
    median_first_response: timedelta | None


def figures(sales: Sequence[SalesDay], counts: CustomerCounts, lifetime: LifetimeFacts, checkouts: CheckoutFacts,
            support: SupportFacts) -> Figures:
    """Every tile's value for one period."""
    return Figures(
        gross_cents=gross_revenue(sales), refunded_cents=refunded(sales), net_cents=net_revenue(sales),
        orders=order_count(sales), aov_cents=average_order_value(sales), new_customers=counts.new,
        returning_customers=returning_customers(counts), repeat_rate=repeat_purchase_rate(counts),
        retention=retention_rate(counts), churn=churn_rate(counts), clv_cents=historical_clv(lifetime),
        abandoned_checkouts=checkouts.abandoned, abandoned_cents=checkouts.abandoned_cents,
        open_tickets=support.open_tickets, median_first_response=median_first_response(support))


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change against the previous period ((current − previous) / previous), None when undefined."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous)


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard screen and the PDF report show for one period and segment."""

    period: Period
    segment: str | None
    currency: str
    data_as_of: datetime | None
    current: Figures
    previous: Figures
    series: tuple[SeriesPoint, ...]
    grain: Grain
    by_channel: dict[str, int]
    by_country: dict[str, int]
    categories: tuple[CategoryFigures, ...]
    products: tuple[ProductTotal, ...]
    acquisition: tuple[ChannelAcquisition, ...]
    new_returning: tuple[NewReturning, ...]
    cohorts: tuple[CohortRow, ...]
    predictions: PredictionFigures = field(default_factory=PredictionFigures)
    sla_breaches: int | None = None  # unsolved tickets past their SLA deadline, now (not of the period)
    members_as_of: datetime | None = None  # with a segment: when its members were last evaluated
