"""Dashboard refresh on a big workspace, against DuckDB computing the same figures over the raw orders.

Times `DashboardService.load` (every tile of the period and the period before, charts and tables) for a quarter
and for twelve months, store-wide and for a saved segment; the incremental rollup refresh a sync page pays
(250 orders, rolled back); and, as the reference for speed and values, DuckDB computing gross and net revenue,
orders, AOV, new, active and returning customers, repeat rate, retention and revenue by channel from the orders
and refunds (copied out of SQLCipher first; the copy is timed apart). Every DuckDB value must equal the
dashboard's. Prints one JSON document and rewrites the dashboard section of benchmarks/RESULTS.md.

Usage: ECRM_PASSWORD=... python benchmarks/dashboard_benchmark.py WORKSPACE [--runs 5] [--rebuild] [--no-segment]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import results_file
from sqlalchemy import delete, func, select

from ecrm_desktop.domain.kpis import Dashboard, Period, Preset
from ecrm_desktop.domain.zones import workspace_zone
from ecrm_desktop.services.dashboard import DashboardService
from ecrm_desktop.services.segments import SegmentService, build_segment_rollups
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage import rollups
from ecrm_desktop.storage.rollups import BUILD_STEP
from ecrm_desktop.storage.tables import Customer, Order, Segment, SegmentMember, SegmentRollupsBuilt

SEGMENT = ("Benchmark big spenders", "amount_spent > 1000")
TARGET_SECONDS = 1.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(run: Callable[[], Any], runs: int) -> tuple[float, Any, float]:
    """Median seconds of `runs` runs after one warm-up, the last result, and the warm-up's seconds."""
    started = time.perf_counter()
    result = run()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result, first


# -- the reference ------------------------------------------------------------------------------------------------

def load_duckdb(session: UserSession) -> tuple[duckdb.DuckDBPyConnection, float]:
    """Orders and refunds copied from the workspace into DuckDB, with local days computed as the rollups do."""
    started = time.perf_counter()
    raw = session.workspace.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SELECT id, coalesce(customer_id, 0), created_at, cancelled_at IS NOT NULL, total_reporting_cents,"
                    " exchange_rate, coalesce(sales_channel, '') FROM orders")
        orders = cur.fetchall()
        cur.execute("SELECT order_id, created_at, amount_cents FROM refunds")
        refunds = cur.fetchall()
        cur.execute("SELECT value_json FROM settings WHERE key = 'rollups_zone'")
        zone_name = json.loads(cur.fetchone()[0])
    finally:
        raw.close()
    zone = workspace_zone(zone_name)

    def local_days(stamps: list[str]) -> np.ndarray:
        moments = np.array(stamps, dtype="datetime64[s]")
        if not len(moments):
            return moments
        spans = rollups.zone_spans(zone, moments.min().astype(datetime).replace(tzinfo=UTC),
                                   moments.max().astype(datetime).replace(tzinfo=UTC))
        untils = np.array([u.replace(tzinfo=None) for u in spans.untils], dtype="datetime64[s]")
        offsets = np.array(spans.offsets, dtype="timedelta64[s]")
        local = moments + offsets[np.searchsorted(untils, moments, side="right")]
        return local.astype("datetime64[D]").astype("datetime64[s]")  # midnight of the local day

    columns = list(zip(*orders, strict=True)) if orders else [[]] * 7
    o = {"id": np.array(columns[0], dtype=np.int64), "customer_id": np.array(columns[1], dtype=np.int64),
         "day": local_days(list(columns[2])), "cancelled": np.array(columns[3], dtype=bool),
         "total": np.array(columns[4], dtype=np.int64), "rate": np.array(columns[5], dtype=np.float64),
         "channel": np.array(columns[6], dtype=object)}
    r_columns = list(zip(*refunds, strict=True)) if refunds else [[]] * 3
    r = {"order_id": np.array(r_columns[0], dtype=np.int64), "day": local_days(list(r_columns[1])),
         "amount": np.array(r_columns[2], dtype=np.int64)}
    con = duckdb.connect()
    con.register("orders_in", o)
    con.register("refunds_in", r)
    con.execute("CREATE TABLE orders AS SELECT * REPLACE (CAST(day AS DATE) AS day) FROM orders_in")
    con.execute("CREATE TABLE refunds AS SELECT * REPLACE (CAST(day AS DATE) AS day) FROM refunds_in")
    return con, time.perf_counter() - started


def duckdb_figures(con: duckdb.DuckDBPyConnection, period: Period, members: list[int] | None) -> dict[str, Any]:
    """The dashboard's definitions (docs/dashboard.md), in DuckDB SQL over the raw orders and refunds."""
    con.execute("CREATE OR REPLACE TEMP TABLE members AS SELECT unnest($ids::BIGINT[]) AS id", {"ids": members or []})
    keep = "AND customer_id IN (SELECT id FROM members)" if members is not None else ""
    months, before = period.months(), period.previous_months()
    p = {"a": period.start, "b": period.end, "ma": months[0], "mb": months[-1], "pa": before[0], "pb": before[-1]}
    gross, orders = con.execute(f"""SELECT coalesce(sum(total), 0), count(*) FROM orders
        WHERE NOT cancelled AND day BETWEEN $a AND $b {keep}""", {"a": p["a"], "b": p["b"]}).fetchone()
    refunded = con.execute(f"""SELECT coalesce(sum(round(r.amount * o.rate)), 0) FROM refunds r JOIN orders o
        ON o.id = r.order_id WHERE NOT o.cancelled AND r.day BETWEEN $a AND $b {keep}""",
                           {"a": p["a"], "b": p["b"]}).fetchone()[0]
    new = con.execute(f"""SELECT count(*) FROM (SELECT customer_id, arg_min(day, (day, id)) AS first FROM orders
        WHERE NOT cancelled AND customer_id <> 0 {keep} GROUP BY customer_id) WHERE first BETWEEN $a AND $b""",
                      {"a": p["a"], "b": p["b"]}).fetchone()[0]
    active, repeaters, previous, retained = con.execute(f"""
        SELECT count(*) FILTER (now > 0), count(*) FILTER (now > 1), count(*) FILTER (prev > 0),
               count(*) FILTER (now > 0 AND prev > 0)
        FROM (SELECT customer_id, count(*) FILTER (strftime(day, '%Y-%m') BETWEEN $ma AND $mb) AS now,
                     count(*) FILTER (strftime(day, '%Y-%m') BETWEEN $pa AND $pb) AS prev
              FROM orders WHERE NOT cancelled AND customer_id <> 0 {keep} GROUP BY customer_id)""",
                                                  {k: p[k] for k in ("ma", "mb", "pa", "pb")}).fetchone()
    channels = dict(con.execute(f"""SELECT channel, sum(total) FROM orders WHERE NOT cancelled
        AND day BETWEEN $a AND $b {keep} GROUP BY channel""", {"a": p["a"], "b": p["b"]}).fetchall())
    return {"gross_cents": int(gross), "refunded_cents": int(refunded), "net_cents": int(gross - refunded),
            "orders": orders, "new_customers": new, "returning_customers": active - new,
            "repeat_rate": repeaters / active if active else None,
            "retention": retained / previous if previous else None,
            "by_channel": {k: int(v) for k, v in channels.items()}}


def dashboard_values(d: Dashboard) -> dict[str, Any]:
    f = d.current
    return {"gross_cents": f.gross_cents, "refunded_cents": f.refunded_cents, "net_cents": f.net_cents,
            "orders": f.orders, "new_customers": f.new_customers, "returning_customers": f.returning_customers,
            "repeat_rate": f.repeat_rate, "retention": f.retention, "by_channel": d.by_channel}


# -- the run ------------------------------------------------------------------------------------------------------

def refresh_cost(session: UserSession, consecutive: bool, orders: int = 250) -> float:
    """Seconds the writer's rollup upkeep of one page of `orders` orders takes (`rollups.Change`: their figures
    taken away and added again, their customers' rows recomputed, the difference applied), rolled back: the most
    recently placed orders (a page of an incremental sync) or random ones (as many days and customers as orders)."""
    with session.workspace.sessions() as s:
        top = s.execute(select(func.max(Order.id))).scalar() or 0
        newest = list(s.execute(select(Order.id).order_by(Order.created_at.desc()).limit(orders)).scalars())
    ids = newest if consecutive else random.Random(1).sample(range(1, top + 1), min(orders, top))
    with session.workspace.sessions() as s:
        s.begin()
        customers = list(s.execute(select(Order.customer_id).where(Order.id.in_(ids))).scalars())
        started = time.perf_counter()
        change = rollups.Change(s)
        change.take_orders(ids, -1)
        change.take_orders(ids, +1)
        change.refresh_customers(customers)
        change.apply()
        seconds = time.perf_counter() - started
        s.rollback()
    return seconds


def build_seconds(session: UserSession, segment_id: int) -> float:
    """Seconds counting every member into a segment's rollups afresh takes (`build_segment_rollups`: steps of
    `rollups.BUILD_STEP` members, a transaction each, as on its first save)."""
    with session.workspace.sessions() as s, s.begin():
        s.execute(delete(SegmentRollupsBuilt).where(SegmentRollupsBuilt.segment_id == segment_id))
    started = time.perf_counter()
    build_segment_rollups(session, segment_id, datetime.now(UTC))
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="also time a full rollup rebuild")
    parser.add_argument("--no-segment", action="store_true", help="time the store-wide dashboard only")
    args = parser.parse_args(argv)
    session = WorkspaceService().unlock(args.workspace, os.environ.get("ECRM_USER", "admin"),
                                        os.environ["ECRM_PASSWORD"])
    service = DashboardService(session)
    out: dict[str, Any] = {"workspace": str(args.workspace), "runs": args.runs, "machine": platform.machine(),
                           "load": round(os.getloadavg()[0], 1),
                           "cpus": os.cpu_count(), "date": datetime.now(UTC).date().isoformat()}
    with session.workspace.sessions() as s:
        out["customers"] = s.execute(select(func.count()).select_from(Customer)).scalar()
        out["orders"] = s.execute(select(func.count()).select_from(Order)).scalar()
    if args.rebuild:
        log("full rollup rebuild …")
        started = time.perf_counter()
        service.rebuild_rollups()
        out["rebuild_seconds"] = round(time.perf_counter() - started, 1)
    segments = SegmentService(session)
    if not args.no_segment:
        if SEGMENT[0] not in service.segment_names():
            log("saving the segment …")
            started = time.perf_counter()
            segments.save(*SEGMENT)
            out["segment_save_seconds"] = round(time.perf_counter() - started, 1)
        log("counting the segment's members into its rollups …")
        out["segment_build_seconds"] = round(build_seconds(session, segments.get(SEGMENT[0]).id), 1)
    with session.workspace.sessions() as s:  # the members as evaluated: what the dashboard's figures are of
        members = list(s.execute(select(SegmentMember.customer_id).join(Segment).where(
            Segment.name == SEGMENT[0])).scalars())
    out["segment"] = {"name": SEGMENT[0], "query": SEGMENT[1], "members": len(members)}
    log("copying orders into DuckDB …")
    con, load_seconds = load_duckdb(session)
    out["duckdb_load_seconds"] = round(load_seconds, 1)
    rows = []
    for preset in (Preset.LAST_QUARTER, Preset.LAST_12_MONTHS):
        period = service.preset(preset)
        for segment in (None,) if args.no_segment else (None, SEGMENT[0]):
            log(f"{preset.value}, {segment or 'everyone'} …")
            seconds, dashboard, first = timed(lambda p=period, g=segment: service.load(p, g), args.runs)
            ids = members if segment else None
            duck_seconds, reference, _ = timed(lambda p=period, i=ids: duckdb_figures(con, p, i), args.runs)
            mine = dashboard_values(dashboard)
            rows.append({"period": preset.value, "from": str(period.start), "to": str(period.end),
                         "segment": segment, "dashboard_ms": round(seconds * 1000, 1),
                         "first_ms": round(first * 1000, 1),
                         "duckdb_ms": round(duck_seconds * 1000, 1), "values_equal": mine == reference,
                         "differences": {k: [mine[k], reference[k]] for k in mine if mine[k] != reference[k]},
                         "orders_in_period": mine["orders"], "net_cents": mine["net_cents"]})
    out["refreshes"] = rows
    log("incremental refresh …")
    out["refresh_250_newest_orders_ms"] = round(refresh_cost(session, consecutive=True) * 1000, 1)
    out["refresh_250_random_orders_ms"] = round(refresh_cost(session, consecutive=False) * 1000, 1)
    session.close()
    print(json.dumps(out, indent=2))
    write_results(out)
    return 0 if all(r["values_equal"] for r in rows) else 1


def write_results(out: dict[str, Any]) -> None:
    lines = ["## Dashboard (issue 7): refresh time, against DuckDB over the raw orders", "",
             f"`benchmarks/dashboard_benchmark.py WORKSPACE --runs {out['runs']}` on a demo workspace of "
             f"{out['customers']:,} customers and {out['orders']:,} orders (SQLCipher), {out['cpus']} cores, "
             f"{out['date']}, load average {out['load']} at the start (a higher one means other work shared the "
             "machine). Median of the runs after "
             "a warm-up. *Dashboard* is `DashboardService.load`: every tile for the period and the period before, "
             "the series, categories, products, channels, countries and the cohort heatmap. *DuckDB* computes "
             "gross and net revenue, orders, new, returning and active customers, repeat rate, retention and revenue "
             "by channel over the raw orders and refunds (in memory, after a copy out of SQLCipher that took "
             f"{out['duckdb_load_seconds']} s and is not counted). Values equal: every one of those figures is the "
             "same in both. *First load* is the warm-up run: the first refresh after the workspace was opened "
             "(the prediction figures, kept until the next scoring or evaluation, are read then). With a segment, "
             "the dashboard reads the segment's own rollups (its members as of its "
             "last evaluation, kept by the writer and by each evaluation) and DuckDB keeps to those members.", "",
             "| period | segment | dashboard ms | first load ms | DuckDB ms | values equal | target < 1 s |",
             "|---|---|---:|---:|---:|---|---|"]
    for r in out["refreshes"]:
        segment = f"{r['segment']} ({out['segment']['members']:,} members)" if r["segment"] else "everyone"
        lines.append(f"| {r['period']} ({r['from']} – {r['to']}) | {segment} | {r['dashboard_ms']} | "
                     f"{r['first_ms']} | "
                     f"{r['duckdb_ms']} | {'yes' if r['values_equal'] else 'NO'} | "
                     f"{'met' if r['dashboard_ms'] < TARGET_SECONDS * 1000 else 'missed'} |")
    lines += ["", "Keeping the rollups current in the writer's transaction (`rollups.Change`: the page's orders' "
                  "figures taken away before the write and added after it, their customers' rows recomputed, the "
                  "difference applied): the 250 most recently placed orders (a page "
                  f"of an incremental sync) {out['refresh_250_newest_orders_ms']} ms; 250 random orders (worst case: "
                  "about as many "
                  f"days and customers as orders) {out['refresh_250_random_orders_ms']} ms."]
    if "segment_build_seconds" in out:
        lines.append(f"Counting every member into the segment's rollups (`build_segment_rollups`, done once: on its "
                     f"first save, or after a merge; {BUILD_STEP:,} members per transaction): "
                     f"{out['segment_build_seconds']} s.")
    if "segment_save_seconds" in out:
        lines.append(f"Saving the segment (its evaluation, then counting its members in): "
                     f"{out['segment_save_seconds']} s.")
    if "rebuild_seconds" in out:
        lines.append(f"Full rebuild of every rollup (`rollups.rebuild`, as after the demo load): "
                     f"{out['rebuild_seconds']} s.")
    results_file.write_section("dashboard", lines)


if __name__ == "__main__":
    sys.exit(main())
