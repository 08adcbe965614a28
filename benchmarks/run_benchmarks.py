"""Storage at scale: fill an encrypted demo workspace, copy it unencrypted, and time the hot queries on both.

Prints one JSON document on stdout (progress goes to stderr) and rewrites benchmarks/RESULTS.md.

Usage: .venv/bin/python benchmarks/run_benchmarks.py [--customers N] [--seed S] [--workdir DIR]
       [--skip-generate] [--runs R] [--tuning]

--skip-generate reuses the workspace (and plain copy) a previous run left in --workdir. --tuning also times the
scans with a 1 GiB page cache and on copies with 16 KiB pages.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import results_file
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session

from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.customer_queries import search_ids
from ecrm_desktop.storage.engine import CACHE_KIB, PAGE_SIZE, export_plaintext, open_engine
from ecrm_desktop.storage.tables import Base

PASSWORD = "benchmark-workspace-password"  # of a throwaway workspace
FILL_TARGET_SECONDS = 300
INTERACTIVE_TARGET = 1.3
RESULTS = results_file.RESULTS
BIG_CACHE_KIB = 1024 * 1024
BIG_PAGE = 16 * 1024


@dataclass(frozen=True)
class Operation:
    name: str
    run: Callable[[Connection], int]  # returns the number of rows it read
    interactive: bool
    explain: str | None = None  # SQL whose plan the results show


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "ecrm-benchmarks")
    parser.add_argument("--skip-generate", action="store_true", help="reuse the workspace in --workdir")
    parser.add_argument("--runs", type=int, default=7, help="timed warm runs per query (median reported)")
    parser.add_argument("--tuning", action="store_true", help="also try a bigger page cache and bigger pages")
    args = parser.parse_args(argv)

    folder, plain_path = args.workdir / "workspace", args.workdir / "plain.db"
    service = WorkspaceService()
    report: dict[str, Any] = {"customers": args.customers, "seed": args.seed, "machine": _machine()}
    if args.skip_generate:
        session = service.unlock(folder, "admin", PASSWORD)
    else:
        shutil.rmtree(args.workdir, ignore_errors=True)
        args.workdir.mkdir(parents=True)
        session = service.create(folder, "admin", PASSWORD)
        report["fill"] = _fill(session, args.customers, args.seed)
    try:
        if not plain_path.exists():
            started = time.perf_counter()
            export_plaintext(session.workspace.engine, plain_path)
            report["plain_export_seconds"] = round(time.perf_counter() - started, 1)
        report["database_bytes"] = {"encrypted": _size(session.workspace.paths.database), "plain": _size(plain_path)}
        encrypted, plain = session.workspace.engine, open_engine(plain_path, None)
        operations = _operations(encrypted)
        report["operations"] = _compare(operations, encrypted, plain, args.runs)
        plain.dispose()
        if args.tuning:
            report["tuning"] = _tuning(session, args.workdir, [o for o in operations if not o.interactive],
                                       args.runs)
    finally:
        session.close()
    print(json.dumps(report, indent=2))
    RESULTS.write_text(_markdown(report) + results_file.kept_sections(), encoding="utf-8")
    return 0


def _fill(session: UserSession, customers: int, seed: int) -> dict[str, Any]:
    def progress(done: int, total: int) -> None:
        log(f"  filled {done:,} of {total:,} customers after {time.perf_counter() - started:.0f} s")

    log(f"Filling an encrypted workspace with {customers:,} demo customers ...")
    started = time.perf_counter()
    summary = fill_demo(session, customers, seed, progress=progress)
    with session.workspace.engine.connect() as conn:
        rows = {t: int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one())
                for t in sorted(Base.metadata.tables)}
    total = sum(rows.values()) + summary.customers  # and one search document per customer
    return {"seconds": round(summary.seconds, 1), "customers": summary.customers, "orders": summary.orders,
            "tickets": summary.tickets, "rows": total, "rows_per_second": round(total / summary.seconds),
            "rows_by_table": {t: n for t, n in rows.items() if n}, "target_seconds": FILL_TARGET_SECONDS}


def _operations(engine: Engine) -> list[Operation]:
    """The timed queries, with parameters chosen from the data itself so that every one finds rows."""
    with engine.connect() as conn:
        customers = int(conn.exec_driver_sql("SELECT count(*) FROM customers").scalar_one())
        busiest = int(conn.exec_driver_sql("SELECT id FROM customers ORDER BY orders_count DESC LIMIT 1")
                      .scalar_one())
        last_name, email = (str(v) for v in conn.exec_driver_sql(
            "SELECT last_name, email FROM customers WHERE id = ?", (max(1, customers // 3),)).one())
    offset = min(900_000, max(0, customers - 100))
    page = ("SELECT id, first_name, last_name, email, country, orders_count, total_spent_cents, last_order_at "
            f"FROM customers ORDER BY total_spent_cents DESC, id DESC LIMIT 100 OFFSET {offset}")
    by_month = ("SELECT substr(created_at, 1, 7) AS month, count(*), sum(total_reporting_cents) FROM orders "
                "GROUP BY month ORDER BY month")
    lines = "SELECT count(*), sum(quantity) FROM order_lines"

    def search(words: str) -> Callable[[Connection], int]:
        def run(conn: Connection) -> int:
            with Session(bind=conn) as session:
                return len(search_ids(session, words, 50))
        return run

    return [
        Operation(f"search: last-name prefix '{last_name[:4]}'", search(last_name[:4]), interactive=True),
        Operation(f"search: email prefix '{email[:8]}'", search(email[:8]), interactive=True),
        Operation(f"100 customers by total spent at offset {offset:,}", lambda conn: _rows(conn, page),
                  interactive=True, explain=page),
        Operation(f"360° view of customer {busiest} (most orders)", lambda conn: _customer_360(conn, busiest),
                  interactive=True),
        Operation("scan: revenue and orders by month, all orders", lambda conn: _rows(conn, by_month),
                  interactive=False, explain=by_month),
        Operation("scan: items over all order lines", lambda conn: _rows(conn, lines), interactive=False,
                  explain=lines),
    ]


def _rows(conn: Connection, sql: str, *params: object) -> int:
    return len(conn.exec_driver_sql(sql, params).fetchall())


def _customer_360(conn: Connection, customer_id: int) -> int:
    """What the customer view reads: the customer, tags, identities, addresses, orders with lines,
    shipments and refunds, and tickets with their messages."""
    orders = "(SELECT id FROM orders WHERE customer_id = ?)"
    tickets = "(SELECT id FROM tickets WHERE customer_id = ?)"
    queries = (
        "SELECT * FROM customers WHERE id = ?",
        "SELECT t.name, ct.source FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id = ?",
        "SELECT s.name, s.platform, i.external_id FROM customer_identities i JOIN stores s ON s.id = i.store_id "
        "WHERE i.customer_id = ?",
        "SELECT * FROM addresses WHERE customer_id = ?",
        "SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at DESC",
        f"SELECT * FROM order_lines WHERE order_id IN {orders}",
        f"SELECT * FROM fulfillments WHERE order_id IN {orders}",
        f"SELECT r.*, rl.* FROM refunds r JOIN refund_lines rl ON rl.refund_id = r.id WHERE r.order_id IN {orders}",
        "SELECT * FROM tickets WHERE customer_id = ? ORDER BY updated_at DESC",
        f"SELECT * FROM ticket_messages WHERE ticket_id IN {tickets} ORDER BY sent_at",
    )
    return sum(_rows(conn, sql, customer_id) for sql in queries)


def _compare(operations: list[Operation], encrypted: Engine, plain: Engine, runs: int) -> list[dict[str, Any]]:
    results = []
    for op in operations:
        log(f"Timing {op.name} ...")
        enc_ms, plain_ms, rows = _median_ms(op, encrypted, plain, runs)
        result: dict[str, Any] = {
            "name": op.name, "rows": rows, "encrypted_ms": enc_ms, "plain_ms": plain_ms,
            "ratio": round(enc_ms / plain_ms, 2) if plain_ms else None,
            "target": f"<= {INTERACTIVE_TARGET}x" if op.interactive else "reported",
        }
        if op.explain is not None:
            with encrypted.connect() as conn:
                result["plan"] = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {op.explain}")]
        results.append(result)
    return results


def _median_ms(op: Operation, encrypted: Engine, plain: Engine, runs: int) -> tuple[float, float, int]:
    """Median wall times of warm runs (after one warm-up each) on the encrypted and the plain database, taken
    in turns so that a busy moment of the machine hits both alike. Each keeps one connection, since SQLite
    caches pages per connection."""
    times: tuple[list[float], list[float]] = ([], [])
    with encrypted.connect() as enc, plain.connect() as pln:
        rows = op.run(enc)
        op.run(pln)
        for _ in range(runs if op.interactive else max(3, runs // 2)):
            for conn, samples in ((enc, times[0]), (pln, times[1])):
                started = time.perf_counter()
                op.run(conn)
                samples.append((time.perf_counter() - started) * 1000)
                conn.rollback()
    return round(statistics.median(times[0]), 2), round(statistics.median(times[1]), 2), rows


def _tuning(session: UserSession, workdir: Path, scans: list[Operation], runs: int) -> list[dict[str, Any]]:
    """The scans again with a 1 GiB page cache, and on copies of both databases with 16 KiB pages."""
    key = session.workspace.database_key
    db = session.workspace.paths.database
    big_pages = {"encrypted": workdir / "encrypted-16k.db", "plain": workdir / "plain-16k.db"}
    for kind, path in big_pages.items():
        if not path.exists():
            log(f"Copying the database with {BIG_PAGE // 1024} KiB pages ({kind}) ...")
            _copy_with_page_size(session.workspace.engine, path, key if kind == "encrypted" else None)
    setups: list[tuple[str, Callable[[], Engine], Callable[[], Engine]]] = [
        (f"page cache {BIG_CACHE_KIB // 1024} MiB (default {CACHE_KIB // 1024} MiB)",
         lambda: open_engine(db, key, cache_kib=BIG_CACHE_KIB),
         lambda: open_engine(workdir / "plain.db", None, cache_kib=BIG_CACHE_KIB)),
        (f"{BIG_PAGE // 1024} KiB pages (default {PAGE_SIZE // 1024} KiB)",
         lambda: _engine(big_pages["encrypted"], key, BIG_PAGE), lambda: _engine(big_pages["plain"], None, BIG_PAGE)),
    ]
    results = []
    for setting, encrypted_engine, plain_engine in setups:
        with _disposing(encrypted_engine()) as encrypted, _disposing(plain_engine()) as plain:
            for row in _compare(scans, encrypted, plain, runs):
                results.append({"setting": setting, **row})
    return results


def _copy_with_page_size(engine: Engine, target: Path, key: bytes | None) -> None:
    """sqlcipher_export into a new database with BIG_PAGE pages (encrypted with `key`, or plain)."""
    with engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        key_sql = f"\"x'{key.hex()}'\"" if key is not None else "''"
        raw.execute(f"ATTACH DATABASE '{target}' AS copy KEY {key_sql}")
        page_pragma = "cipher_page_size" if key is not None else "page_size"
        raw.execute(f"PRAGMA copy.{page_pragma} = {BIG_PAGE}")
        raw.execute("SELECT sqlcipher_export('copy')")
        raw.execute("DETACH DATABASE copy")


def _engine(path: Path, key: bytes | None, page_size: int) -> Engine:
    """A read-only engine over a copy whose (cipher) page size differs from storage.engine's."""

    def connect() -> Any:
        conn = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
        if key is not None:
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            conn.execute(f"PRAGMA cipher_page_size = {page_size}")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        return conn

    return create_engine("sqlite://", module=sqlcipher, creator=connect)


@contextmanager
def _disposing(engine: Engine) -> Iterator[Engine]:
    try:
        yield engine
    finally:
        engine.dispose()


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _machine() -> dict[str, Any]:
    conn = sqlcipher.connect(":memory:")
    version = conn.execute("PRAGMA cipher_version").fetchone()[0]
    conn.close()
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "sqlcipher": version}


def _markdown(report: dict[str, Any]) -> str:
    out = ["# Storage benchmarks", "",
           f"Written by `benchmarks/run_benchmarks.py` for {report['customers']:,} demo customers (seed "
           f"{report['seed']}) on {report['machine']['cpus']} CPUs, {report['machine']['platform']}, SQLCipher "
           f"{report['machine']['sqlcipher']}. Query times are medians of warm runs on one connection, in "
           "milliseconds; the plain database is `export_plaintext` of the encrypted one.", ""]
    fill = report.get("fill")
    if fill:
        verdict = "met" if fill["seconds"] < fill["target_seconds"] else "missed"
        out += ["## Filling the demo (encrypted)", "",
                "| customers | orders | tickets | rows written | seconds | rows/s | target |",
                "|---:|---:|---:|---:|---:|---:|---|",
                f"| {fill['customers']:,} | {fill['orders']:,} | {fill['tickets']:,} | {fill['rows']:,} | "
                f"{fill['seconds']} | {fill['rows_per_second']:,} | < {fill['target_seconds']} s ({verdict}) |", ""]
    sizes = report["database_bytes"]
    out += ["## Queries, encrypted and plain", "",
            f"Database files: {sizes['encrypted'] / 2**30:.2f} GiB encrypted, {sizes['plain'] / 2**30:.2f} GiB "
            "plain.", "", *_table(report["operations"])]
    plans = [f"- {op['name']}: `{'; '.join(op['plan'])}`" for op in report["operations"] if "plan" in op]
    out += ["", "Query plans (encrypted database):", "", *plans, ""]
    if "tuning" in report:
        out += ["## Tuning tried for the scans", "", *_table(report["tuning"]), ""]
    return "\n".join(out)


def _table(rows: list[dict[str, Any]]) -> list[str]:
    setting = bool(rows) and "setting" in rows[0]
    lines = [("| setting " if setting else "") + "| operation | encrypted ms | plain ms | ratio | target |",
             ("|---" if setting else "") + "|---|---:|---:|---:|---|"]
    for r in rows:
        lines.append((f"| {r['setting']} " if setting else "")
                     + f"| {r['name']} | {r['encrypted_ms']} | {r['plain_ms']} | {r['ratio']}x | {r['target']} |")
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
