"""The dashboard's rollups of bulk-loaded orders, computed from the produced columns (no scan of the database).

`storage.rollups` defines every rollup as a select over the orders; this computes the same rows with numpy from a
block of `columnar.Tables` holding all orders, lines and refunds of its customers (as `bulk_summaries` does for
the customers' aggregates): local days by the zone's offsets, the same counted orders, the same rounding of
converted amounts (SQLite's `round`: halves away from zero; amounts are never negative). The per-customer rollups
are complete in each block and are written with it; the store-wide ones are partial sums, added up over the
blocks and written once at the end (`Partials`).

Keys stay row numbers of the produced data until the loader turns them into ids. While summing, days and months
are numbers (since 1970; -1 for no month) and channels and countries codes (`Texts`), since grouping numbers
is many times faster than grouping strings; rows become 'YYYY-MM-DD', 'YYYY-MM' and text as they are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

import numpy as np
import numpy.typing as npt

from ecrm_desktop.storage.columnar import NAT, Column, Columns, Tables, is_null
from ecrm_desktop.storage.rollups import (
    ACTIVITY,
    COHORTS,
    DAILY_CATEGORIES,
    DAILY_PRODUCTS,
    DAILY_SALES,
    MONTHLY_PRODUCTS,
    NEW_CUSTOMERS,
    Summed,
    zone_spans,
)

IntArray = npt.NDArray[np.int64]
DAY = 86_400
STORE_WIDE = (DAILY_SALES, DAILY_CATEGORIES, DAILY_PRODUCTS, COHORTS, ACTIVITY, NEW_CUSTOMERS, MONTHLY_PRODUCTS)


class Texts:
    """Numbers standing for the sales channels and countries met so far ('' for none), the same in every block."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self._codes: dict[str, int] = {}

    def codes(self, values: Column) -> IntArray:
        distinct, inverse = np.unique(np.where(is_null(values), "", values).astype(str), return_inverse=True)
        mapping = np.array([self._codes.setdefault(str(v), len(self._codes)) for v in distinct.tolist()],
                           dtype=np.int64)
        self.names = list(self._codes)
        out: IntArray = mapping[inverse.reshape(-1)]
        return out

    def text(self, codes: IntArray) -> Column:
        return np.array(self.names, dtype=object)[codes]


@dataclass
class Partials:
    """Store-wide rollup rows summed so far: per rollup, its key columns and summed columns, block after block."""

    texts: Texts = field(default_factory=Texts)
    parts: dict[str, list[Columns]] = field(default_factory=dict)

    def add(self, summed: Summed, columns: Columns) -> None:
        self.parts.setdefault(summed.table.__tablename__, []).append(columns)

    def rows(self, summed: Summed) -> list[tuple[object, ...]]:
        """The rows of `summed` over every block added, each key once, in its keys' and sums' order as stored."""
        parts = self.parts.get(summed.table.__tablename__, [])
        if not parts:
            return []
        joined = {name: np.concatenate([p[name] for p in parts]) for name in (*summed.keys, *summed.sums)}
        total = stored(_grouped([joined[k] for k in summed.keys], [joined[s] for s in summed.sums],
                                summed.keys, summed.sums), self.texts)
        return list(zip(*(total[c].tolist() for c in (*summed.keys, *summed.sums)), strict=True))


def block_rollups(tables: Tables, zone: tzinfo, texts: Texts) -> tuple[Tables, dict[str, Columns]]:
    """The per-customer rollup tables of a block (customer ids as row numbers, to be written with it), and its
    store-wide partial rows by rollup table name (stores, products and categories as row numbers)."""
    orders, lines = tables["orders"], tables["order_lines"]
    refunds, refund_lines = tables["refunds"], tables["refund_lines"]
    counted = orders["cancelled_at"].view(np.int64) == NAT
    day = _local_days(orders["created_at"].view(np.int64), zone)
    channel, country = texts.codes(orders["sales_channel"]), texts.codes(orders["shipping_country"])
    customer, rate = orders["customer_id"], orders["exchange_rate"]
    known = counted & (customer >= 0)

    refund_order = _positions(orders["id"], refunds["order_id"])
    refund_counted = counted[refund_order]
    refund_day = _local_days(refunds["created_at"].view(np.int64), zone)
    refunded = _reporting(refunds["amount_cents"], rate[refund_order])
    ones = np.ones(orders["id"].size, dtype=np.int64)
    zeros = np.zeros_like(ones)

    def sales(owner: Column, placed: npt.NDArray[np.bool_], back: npt.NDArray[np.bool_]) -> list[Column]:
        o, r = refund_order[back], back.nonzero()[0]
        return [np.concatenate(pair) for pair in (
            (day[placed], refund_day[r]), (owner[placed], owner[o]), (channel[placed], channel[o]),
            (country[placed], country[o]), (ones[placed], zeros[o]),
            (orders["total_reporting_cents"][placed], zeros[o]), (zeros[placed], ones[o]),
            (zeros[placed], refunded[r]))]

    store_sales = sales(orders["store_id"], counted, refund_counted)
    customer_sales = sales(customer, known, refund_counted & known[refund_order])
    sums = ("orders", "gross_cents", "refunds", "refunded_cents")
    partial = {DAILY_SALES.table.__tablename__: _grouped(store_sales[:4], store_sales[4:], DAILY_SALES.keys, sums)}
    day_of, owner_of, channel_of, country_of = customer_sales[:4]
    customer_days = _grouped([owner_of, day_of, channel_of, country_of], customer_sales[4:],
                             ("customer_id", "day", "channel", "country"), sums)  # in primary key order

    line_order = _positions(orders["id"], lines["order_id"])
    line_counted = counted[line_order]
    sold = _reporting(lines["total_cents"], rate[line_order])
    back_line = _positions(lines["id"], refund_lines["order_line_id"])
    back_counted = line_counted[back_line]
    category = lines["category_id"]  # -1 when there is none: the loader writes 0
    n_back = int(back_counted.sum())
    partial[DAILY_CATEGORIES.table.__tablename__] = _nonzero(_grouped(
        [np.concatenate((day[line_order][line_counted], day[line_order[back_line]][back_counted])),
         np.concatenate((category[line_counted], category[back_line][back_counted]))],
        [np.concatenate((lines["quantity"][line_counted], np.zeros(n_back, dtype=np.int64))),
         np.concatenate((sold[line_counted], np.zeros(n_back, dtype=np.int64))),
         np.concatenate((np.zeros(int(line_counted.sum()), dtype=np.int64),
                         refund_lines["quantity"][back_counted]))],
        DAILY_CATEGORIES.keys, DAILY_CATEGORIES.sums))
    with_product = line_counted & (lines["product_id"] >= 0)
    products = partial[DAILY_PRODUCTS.table.__tablename__] = _nonzero(_grouped(
        [day[line_order][with_product], lines["product_id"][with_product]],
        [lines["quantity"][with_product], sold[with_product]], DAILY_PRODUCTS.keys, DAILY_PRODUCTS.sums))
    partial[MONTHLY_PRODUCTS.table.__tablename__] = _grouped(
        [_months(products["day"]), products["product_id"]], [products[s] for s in MONTHLY_PRODUCTS.sums],
        MONTHLY_PRODUCTS.keys, MONTHLY_PRODUCTS.sums)

    months = _customer_months(customer[known], day[known], orders["total_reporting_cents"][known],
                              _reporting(orders["refunded_cents"][known], rate[known]))
    partial[COHORTS.table.__tablename__] = _cohorts(months)
    partial[ACTIVITY.table.__tablename__] = _grouped(
        [months["month"], months["prev_month"], months["next_month"], (months["orders"] >= 2).astype(np.int64)],
        [np.ones(months["month"].size, dtype=np.int64)], ACTIVITY.keys, ACTIVITY.sums)
    firsts = _firsts(orders, known, day, channel, country)
    partial[NEW_CUSTOMERS.table.__tablename__] = _grouped(
        [firsts["day"], firsts["channel"]], [np.ones(firsts["day"].size, dtype=np.int64)], NEW_CUSTOMERS.keys,
        NEW_CUSTOMERS.sums)
    per_customer = {"rollup_customer_days": stored(customer_days, texts),
                    "rollup_customer_months": stored(months, texts), "rollup_customer_firsts": stored(firsts, texts)}
    return per_customer, partial


def stored(columns: Columns, texts: Texts) -> Columns:
    """Columns as the tables store them: days and months as text, channels and countries by name."""
    out = dict(columns)
    for name, values in columns.items():
        if name == "day":
            out[name] = _as_text(values, "datetime64[D]")
        elif name in ("month", "cohort", "prev_month", "next_month"):
            out[name] = np.where(values < 0, "", _as_text(np.maximum(values, 0), "datetime64[M]"))
        elif name in ("channel", "country"):
            out[name] = texts.text(values)
    return out


# -- pieces --------------------------------------------------------------------------------------------------------

def _local_days(seconds: IntArray, zone: tzinfo) -> IntArray:
    """Days since 1970-01-01 in `zone` of UTC epoch seconds (NaT stays NaT-like: it is never used)."""
    valid = seconds != NAT
    if not valid.any():
        return np.zeros(seconds.size, dtype=np.int64)
    low, high = int(seconds[valid].min()), int(seconds[valid].max())
    spans = zone_spans(zone, _utc(low), _utc(high))
    untils = np.array([int(u.timestamp()) for u in spans.untils], dtype=np.int64)
    offsets = np.array(spans.offsets, dtype=np.int64)
    local = seconds + offsets[np.searchsorted(untils, seconds, side="right")]
    return np.where(valid, local // DAY, 0)


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _reporting(cents: IntArray, rate: npt.NDArray[np.float64]) -> IntArray:
    """`round(cents * rate)` as SQLite computes it for amounts of 0 or more."""
    out: IntArray = np.floor(cents * rate + 0.5).astype(np.int64)
    return out


def _as_text(numbers: IntArray, unit: str) -> Column:
    """Days or months since 1970 as ISO text, formatting each distinct one once."""
    if numbers.size == 0:
        return np.empty(0, dtype=object)
    low = int(numbers.min())
    names = np.datetime_as_string(np.arange(low, int(numbers.max()) + 1).astype(unit)).astype(object)
    out: Column = names[numbers - low]
    return out


def _positions(rows: Column, refs: Column) -> IntArray:
    pos: IntArray = np.searchsorted(rows, refs).astype(np.int64)
    return pos


def _grouped(keys: Sequence[Column], sums: Sequence[Column], key_names: Sequence[str],
             sum_names: Sequence[str]) -> Columns:
    """Exact sums of `sums` per distinct combination of the integer `keys`, sorted by the keys."""
    size = keys[0].size if keys else 0
    if size == 0:
        return {name: np.empty(0, dtype=np.int64) for name in (*key_names, *sum_names)}
    lows = [int(k.min()) for k in keys]
    dims = [int(k.max()) - low + 1 for k, low in zip(keys, lows, strict=True)]
    combined = np.ravel_multi_index([k - low for k, low in zip(keys, lows, strict=True)], dims)
    groups, group_of = np.unique(combined, return_inverse=True)
    parts = np.unravel_index(groups, dims)
    out: Columns = {name: (p + low).astype(np.int64)
                    for name, p, low in zip(key_names, parts, lows, strict=True)}
    for name, values in zip(sum_names, sums, strict=True):
        total = np.zeros(groups.size, dtype=np.int64)
        np.add.at(total, group_of.reshape(-1), values.astype(np.int64))
        out[name] = total
    return out


def _nonzero(columns: Columns) -> Columns:
    """Rows whose sums are not all zero (a zero row holds nothing, and the selects leave it out)."""
    sums = [v for k, v in columns.items() if k not in ("day", "category_id", "product_id")]
    keep = np.logical_or.reduce([s != 0 for s in sums]) if sums else np.ones(0, dtype=bool)
    return {k: v[keep] for k, v in columns.items()}


def _months(day: IntArray) -> IntArray:
    """Days (since 1970) as months (since 1970)."""
    month: IntArray = day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return month


def _customer_months(customer: IntArray, day: IntArray, gross: IntArray, refunded: IntArray) -> Columns:
    """`rollup_customer_months` of the counted orders given: per customer and month, with the months around."""
    month = _months(day)
    rows = _grouped([customer, month], [np.ones(customer.size, dtype=np.int64), gross, refunded],
                    ("customer_id", "month"), ("orders", "gross_cents", "refunded_cents"))
    who, month = rows["customer_id"], rows["month"]
    same = who[1:] == who[:-1]
    prev = np.full(who.size, -1, dtype=np.int64)
    prev[1:][same] = month[:-1][same]
    after = np.full(who.size, -1, dtype=np.int64)
    after[:-1][same] = month[1:][same]
    return {**rows, "prev_month": prev, "next_month": after}


def _cohorts(months: Columns) -> Columns:
    """`rollup_cohorts` rows of customer-month rows sorted by customer and month."""
    who = months["customer_id"]
    first = np.concatenate(([True], who[1:] != who[:-1])) if who.size else np.zeros(0, dtype=bool)
    cohort = months["month"][first][np.cumsum(first) - 1] if who.size else months["month"]
    return _grouped([cohort, months["month"]],
                    [np.ones(who.size, dtype=np.int64), months["orders"], months["gross_cents"],
                     months["refunded_cents"]], COHORTS.keys, COHORTS.sums)


def _firsts(orders: Columns, known: npt.NDArray[np.bool_], day: IntArray, channel: Column,
            country: Column) -> Columns:
    """`rollup_customer_firsts`: each customer's earliest counted order (ties: the lowest id)."""
    index = known.nonzero()[0]
    customer = orders["customer_id"][index]
    order = np.lexsort((orders["id"][index], orders["created_at"].view(np.int64)[index], customer))
    index, customer = index[order], customer[order]
    first = np.concatenate(([True], customer[1:] != customer[:-1])) if customer.size else np.zeros(0, dtype=bool)
    chosen = index[first]
    return {"customer_id": customer[first], "day": day[chosen], "store_id": orders["store_id"][chosen],
            "channel": channel[chosen], "country": country[chosen]}
