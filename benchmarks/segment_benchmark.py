"""Segment counts on a demo workspace, against DuckDB over the same data exported to Parquet, in one run.

ecrm counts with `SegmentService.count` (parse, compile, one SQL query over SQLCipher, using the per-customer
aggregates); DuckDB counts the same segments from the raw rows (orders, lines, tags) in Parquet files written from
the same workspace, with no aggregates. Both use the same "today" (the day after the newest order) and the same day
boundaries. Each count is checked to agree, and medians of warm runs are written between the `segments` markers
of benchmarks/RESULTS.md (the rest of the file is kept).

Usage: ECRM_PASSWORD=... .venv/bin/python benchmarks/segment_benchmark.py WORKSPACE [--runs 7] [--workdir DIR]
(`pip install duckdb` first; `ecrm demo --customers 1000000` makes the workspace).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import results_file
from sqlalchemy import func, select

from ecrm_desktop.domain.segments.ast import RelativeDate
from ecrm_desktop.domain.zones import workspace_zone
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.segment_sql import Calendar
from ecrm_desktop.storage.settings import read_setting
from ecrm_desktop.storage.tables import Customer, Order

# Each table as the SQL that reads it from the workspace and the DuckDB types of its columns.
EXPORTS: dict[str, tuple[str, dict[str, str]]] = {
    "customers": ("SELECT id, merged_into_id IS NOT NULL, country, email_consent FROM customers",
                  {"id": "BIGINT", "merged": "BOOLEAN", "country": "VARCHAR", "email_consent": "VARCHAR"}),
    "orders": ("SELECT id, customer_id, created_at, cancelled_at IS NOT NULL, total_reporting_cents FROM orders",
               {"id": "BIGINT", "customer_id": "BIGINT", "created_at": "TIMESTAMP", "cancelled": "BOOLEAN",
                "total": "BIGINT"}),
    "order_lines": ("SELECT order_id, category_id FROM order_lines", {"order_id": "BIGINT", "category_id": "BIGINT"}),
    "categories": ("SELECT id, name FROM categories", {"id": "BIGINT", "name": "VARCHAR"}),
    "customer_tags": ("SELECT customer_id, name FROM customer_tags JOIN tags ON tags.id = tag_id",
                      {"customer_id": "BIGINT", "tag": "VARCHAR"}),
    "customer_rfm": ("SELECT customer_id, rfm_group FROM customer_rfm", {"customer_id": "BIGINT", "grp": "VARCHAR"}),
}

# Per customer, from the raw orders: what ecrm keeps as aggregates (orders that are not cancelled).
AGG = """(SELECT customer_id, count(*) AS n, sum(total) AS spent, min(created_at) AS first, max(created_at) AS last
          FROM orders WHERE NOT cancelled AND customer_id IS NOT NULL GROUP BY customer_id)"""
WITH_AGG = f"SELECT count(*) FROM customers c JOIN {AGG} a ON a.customer_id = c.id WHERE NOT c.merged AND "
LIVE = "SELECT count(*) FROM customers c WHERE NOT c.merged AND "
VIP = "c.id IN (SELECT customer_id FROM customer_tags WHERE lower(tag) = 'vip')"


def bought(category: str, window: str) -> str:
    return (f"c.id IN (SELECT o.customer_id FROM orders o JOIN order_lines l ON l.order_id = o.id "
            f"JOIN categories k ON k.id = l.category_id WHERE NOT o.cancelled AND lower(k.name) = '{category}' "
            f"AND {window})")


@dataclass(frozen=True)
class Case:
    label: str
    query: str
    duckdb: str  # `$d30` and the like are the UTC instants the days -30d etc. start


CASES = (
    Case("lapsed VIPs", "amount_spent > 500 AND last_order_date < -90d",
         WITH_AGG + "a.spent > 50000 AND a.last < $d90"),
    Case("repeat buyers", "number_of_orders >= 5", WITH_AGG + "a.n >= 5"),
    Case("average order value", "average_order_value BETWEEN 50 AND 150",
         WITH_AGG + "round_even(a.spent / a.n, 0) BETWEEN 5000 AND 15000"),  # halves to even, as ecrm
    Case("country and consent", "customer_countries CONTAINS 'US' AND email_subscription_status = SUBSCRIBED",
         LIVE + "c.country = 'US' AND c.email_consent = 'SUBSCRIBED'"),
    Case("tag", "customer_tags CONTAINS 'VIP'", LIVE + VIP),
    Case("product window: category, last 180 days", "products_purchased(category: 'Shoes', date: >= -180d) = true",
         LIVE + bought("shoes", "o.created_at >= $d180")),
    Case("product window: category between dates",
         "products_purchased(category: 'Jewelry', date: BETWEEN -365d AND -181d) = true",
         LIVE + bought("jewelry", "o.created_at >= $d365 AND o.created_at < $d180")),
    Case("nested OR", "(customer_countries CONTAINS 'DE' OR customer_countries CONTAINS 'FR') AND "
         "(number_of_orders >= 3 OR amount_spent > 1000)",
         f"SELECT count(*) FROM customers c LEFT JOIN {AGG} a ON a.customer_id = c.id WHERE NOT c.merged AND "
         "c.country IN ('DE', 'FR') AND (coalesce(a.n, 0) >= 3 OR coalesce(a.spent, 0) > 100000)"),
    Case("orders in a window", "orders_placed(count_at_least: 2, date: >= -90d) = true",
         LIVE + "c.id IN (SELECT customer_id FROM orders WHERE NOT cancelled AND created_at >= $d90 "
         "GROUP BY customer_id HAVING count(*) >= 2)"),
    Case("new customers", "first_order_date >= -365d", WITH_AGG + "a.first >= $d365"),
    Case("RFM group", "rfm_group = AT_RISK",
         LIVE + "c.id IN (SELECT customer_id FROM customer_rfm WHERE grp = 'AT_RISK')"),
    Case("recent, not VIP", "NOT (customer_tags CONTAINS 'VIP') AND last_order_date >= -30d",
         WITH_AGG + f"NOT {VIP} AND a.last >= $d30"),
)
DAYS = (30, 90, 180, 365)


@dataclass(frozen=True)
class Row:
    case: Case
    ours_ms: float
    theirs_ms: float
    ours: int
    theirs: int
    runs: int


def median_ms(run: Callable[[], Any], runs: int, budget_s: float = 10.0) -> tuple[float, Any, int]:
    """Median time of `runs` warm runs after a warm-up; a warm-up slower than `budget_s` is the one measurement.
    Returns the milliseconds, the result and how many runs the time is of."""
    started = time.perf_counter()
    result = run()
    first = time.perf_counter() - started
    if first > budget_s:
        return first * 1000, result, 1
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result, runs


def duck_count(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, datetime]) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def export(session: UserSession, folder: Path) -> float:
    """Write each table to Parquet (through CSV, which DuckDB converts); returns the seconds it took."""
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    with session.workspace.sessions() as s:
        for name, (sql, columns) in EXPORTS.items():
            staging = folder / f"{name}.csv"
            with staging.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                result = s.connection().exec_driver_sql(sql)
                while rows := result.fetchmany(50_000):
                    writer.writerows(rows)
            types = ", ".join(f"'{k}': '{v}'" for k, v in columns.items())
            duckdb.sql(f"COPY (SELECT * FROM read_csv('{staging}', header = false, columns = {{{types}}})) "
                       f"TO '{folder / name}.parquet' (FORMAT parquet)")
            staging.unlink()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "ecrm-segment-parquet")
    parser.add_argument("--reuse-parquet", action="store_true", help="keep the Parquet files a previous run wrote")
    parser.add_argument("--keep-rfm", action="store_true", help="count with the RFM scores a previous run stored")
    args = parser.parse_args()
    session = WorkspaceService().unlock(args.workspace, os.environ.get("ECRM_USER", "admin"),
                                        os.environ["ECRM_PASSWORD"])
    with session.workspace.sessions() as s:
        newest = s.execute(select(func.max(Order.created_at))).scalar_one()
        customers = s.execute(select(func.count()).select_from(Customer)).scalar_one()
        orders = s.execute(select(func.count()).select_from(Order)).scalar_one()
        zone = workspace_zone(read_setting(s, "timezone") or "local")
    now = newest + timedelta(days=1)
    service = SegmentService(session, clock=lambda: now)
    started = time.perf_counter()
    if not args.keep_rfm:
        service.refresh_rfm()
    rfm_seconds = time.perf_counter() - started
    today: date = now.astimezone(zone).date()
    calendar = Calendar(today, zone)
    params = {f"d{n}": calendar.start(RelativeDate(-n, "d")).replace(tzinfo=None) for n in DAYS}
    export_seconds = 0.0 if args.reuse_parquet else export(session, args.workdir)
    print(f"RFM refresh {rfm_seconds:.1f} s, Parquet export {export_seconds:.0f} s", flush=True)
    con = duckdb.connect()
    for name in EXPORTS:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{args.workdir / name}.parquet')")
    rows = []
    for case in CASES:
        used = {k: v for k, v in params.items() if f"${k}" in case.duckdb}
        ours_ms, ours, n = median_ms(partial(service.count, case.query), args.runs)
        theirs_ms, theirs, _ = median_ms(partial(duck_count, con, case.duckdb, used), args.runs)
        rows.append(Row(case, ours_ms, theirs_ms, ours, theirs, n))
        print(f"{case.label:<45} {ours:>9,} {ours_ms:9.1f} ms ({n})  duckdb {theirs:>9,} {theirs_ms:9.1f} ms",
              flush=True)
        write_results(rows, customers, orders, rfm_seconds, export_seconds, args.runs, today)  # a partial run counts
    session.close()


def write_results(rows: list[Row], customers: int, orders: int, rfm_seconds: float,
                  export_seconds: float, runs: int, today: date) -> None:
    ratios = [r.ours_ms / r.theirs_ms for r in rows]
    geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    lines = [
        "## Segments (issue 6): counting, against DuckDB",
        "",
        f"`benchmarks/segment_benchmark.py` on the demo workspace of {customers:,} customers and {orders:,} orders "
        f"(SQLCipher), {os.cpu_count()} CPUs, {platform.platform()}, DuckDB {duckdb.__version__}, "
        f"{datetime.now(UTC):%Y-%m-%d}; today is {today}. Medians of {runs} warm runs (a count slower than 10 s is "
        f"timed once). ecrm counts with "
        "`SegmentService.count` (parse, compile, one query over the per-customer aggregates); DuckDB counts the same "
        "segments from the raw orders, lines and tags exported to Parquet in the same run (no aggregates). Every "
        "count agreed unless marked. The load average below says whether other work shared the 2 cores.",
        "",
        "| segment | query | members | ecrm ms | DuckDB ms | ratio | target < 300 ms |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r, ratio in zip(rows, ratios, strict=True):
        agree = "" if r.ours == r.theirs else f" (DuckDB {r.theirs:,})"
        once = "" if r.runs == runs else " (1 run)"
        lines.append(f"| {r.case.label} | `{r.case.query}` | {r.ours:,}{agree} | {r.ours_ms:.0f}{once} | "
                     f"{r.theirs_ms:.0f} | {ratio:.2f}x | {'met' if r.ours_ms < 300 else 'missed'} |")
    lines += [
        "",
        f"Geometric mean of the ratios: **{geo:.2f}x** (target <= 1.0x); worst **{max(ratios):.2f}x** (target <= 5x).",
        f"Load average (1 minute) when this was written: {os.getloadavg()[0]:.1f}.",
    ]
    if rfm_seconds > 1:
        lines.append(f"Recomputing every customer's RFM scores and group: **{rfm_seconds:.1f} s** (target well under "
                     "a minute).")
    if export_seconds:
        lines.append(f"Writing the Parquet files: {export_seconds:.0f} s.")
    if len(rows) < len(CASES):
        lines.append(f"Only {len(rows)} of the {len(CASES)} segments were measured.")
    results_file.write_section("segments", lines)


if __name__ == "__main__":
    main()
