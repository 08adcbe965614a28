"""CSV import of a Shopify customer export with messy rows into an encrypted workspace that already holds a demo
store: reading the file, the dry run, the import (one transaction) and the re-import of the same file.

The file has `--rows` customers in Shopify's export columns; about 5% of the rows are messy (a malformed email,
an unknown country, a "maybe" for marketing consent, an extra cell, bytes that are not UTF-8, a duplicate email)
and 10% name customers the demo store already holds, so they are matched. Prints one JSON document and writes it
between the `csv_import` markers of benchmarks/RESULTS.md (the rest of the file is kept).

Usage: .venv/bin/python benchmarks/csv_import_benchmark.py [--rows 100000] [--existing 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import results_file
from sqlalchemy import select

from ecrm_desktop.services.csv_import import CsvImportService, ImportKind
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.storage.keyslots import KdfParams
from ecrm_desktop.storage.tables import Customer

PASSWORD = "benchmark-workspace-password"  # of a throwaway workspace
FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
HEADER = ("Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
          "Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,"
          "Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,"
          "Total Spent,Total Orders,Note,Tax Exempt,Tags")
FIRST = ("Ada", "Grace", "Søren", "Élodie", "José", "Zoë", "Mia", "Jonas", "Amara", "Kenji", "Olga", "Liam")
LAST = ("Lovelace", "Hopper", "Kierkegaard", "Durand", "Muñoz", "Brontë", "Fischer", "Weber", "Okafor", "Sato")
CITIES = (("London", "ENG", "GB"), ("Paris", "", "FR"), ("Berlin", "BE", "DE"), ("Austin", "TX", "US"),
          ("Toronto", "ON", "CA"), ("Madrid", "M", "ES"))


def shopify_export(rows: int, known: list[str], seed: int = 7) -> tuple[bytes, int]:
    """The file's bytes and how many of its rows are messy."""
    rng = random.Random(seed)
    out = [HEADER.encode()]
    messy = 0
    emails: list[str] = []
    for i in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city, province, country = rng.choice(CITIES)
        email = known[(i // 10) % len(known)] if known and i % 10 == 0 else f"{first[0].lower()}.{i}@example.com"
        cells = [str(8_000_000_000 + i), first, last, email, rng.choice(("yes", "no")), "", f"{i} High Street", "",
                 city, province, country, f"{10000 + i % 89999}", "", f"+1 555 {i:07d}" if i % 3 else "",
                 "no", f"{rng.randint(0, 90000) / 100:.2f}", str(rng.randint(0, 9)),
                 '"Prefers email.\nCall after 5."' if i % 50 == 0 else "", "no", '"VIP, newsletter"' if i % 7 else ""]
        kind = i % 100
        if kind < 5 and i > 0:  # 5% messy, one kind after another
            messy += 1
            if kind == 0:
                cells[3] = "not-an-email"
            elif kind == 1:
                cells[10] = "Atlantis"
            elif kind == 2:
                cells[4] = "maybe"
            elif kind == 3:
                cells.append("extra")
            else:
                cells[3] = emails[i - 4]  # the same email as four rows before
        emails.append(cells[3])
        line = ",".join(cells).encode()
        if kind == 4 and i % 200 == 4:
            line = line.replace(b"High", b"H\xffgh")  # a row with bytes that are not UTF-8 (also a duplicate)
        out.append(line)
    return b"\r\n".join(out) + b"\r\n", messy


ORDER_HEADER = ("Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,"
                "Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,"
                "Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,"
                "Shipping City,Shipping Country,Cancelled at,Payment Method,Refunded Amount,Id,Source")


def shopify_order_export(orders: int, emails: list[str], seed: int = 11) -> tuple[bytes, int]:
    """An order export (two or three line-item rows per order) of the file's customers, over two years;
    returns the bytes and the number of rows."""
    rng = random.Random(seed)
    out = [ORDER_HEADER.encode()]
    for n in range(orders):
        lines = [(rng.randint(1, 3), f"Product {rng.randint(1, 400)}", rng.randint(500, 9000) / 100)
                 for _ in range(rng.choice((2, 2, 3)))]
        subtotal = sum(q * p for q, _, p in lines)
        day = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        refunded = f"{subtotal / 2:.2f}" if n % 40 == 0 else "0.00"
        for k, (quantity, name, price) in enumerate(lines):
            head = (f"#{1000 + n},{emails[n % len(emails)]},{'partially_refunded' if n % 40 == 0 else 'paid'},"
                    f"{day:%Y-%m-%d %H:%M:%S} +0000,fulfilled,,no,USD,{subtotal:.2f},5.00,0.00,{subtotal + 5:.2f},"
                    f",0.00,Standard,{day:%Y-%m-%d %H:%M:%S} +0000") if k == 0 else f"#{1000 + n},,,,,,,,,,,,,,,"
            tail = f"Austin,US,,Shopify Payments,{refunded},{7_000_000 + n},web" if k == 0 else f",,,,,{7_000_000 + n},"
            out.append(f"{head},{quantity},{name},{price:.2f},,SKU-{name[8:]},{tail}".encode())
    return b"\r\n".join(out) + b"\r\n", len(out) - 1


def timed(label: str, rows: int, work: Any) -> tuple[Any, dict[str, Any]]:
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    return result, {"step": label, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--existing", type=int, default=20_000, help="demo customers already in the workspace")
    parser.add_argument("--orders", type=int, default=20_000, help="orders of the order export, after the customers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        session = WorkspaceService(kdf=FAST_KDF).create(Path(folder) / "ws", "admin", PASSWORD)
        try:
            fill_demo(session, args.existing, 1)
            with session.workspace.sessions() as s:
                known = [str(e) for e in s.execute(select(Customer.email).where(Customer.email.is_not(None))
                                       .limit(args.rows // 10)).scalars()]
            data, messy = shopify_export(args.rows, known)
            path = Path(folder) / "customers_export.csv"
            path.write_bytes(data)
            service = CsvImportService(session)
            parsed, read = timed("read and check", args.rows, lambda: service.read(path, ImportKind.CUSTOMERS))
            dry, dry_step = timed("dry run", args.rows, lambda: service.run(parsed, path.name, dry_run=True))
            done, import_step = timed("import", args.rows, lambda: service.run(parsed, path.name))
            again, again_step = timed("re-import", args.rows, lambda: service.run(service.read(
                path, ImportKind.CUSTOMERS), path.name))
            order_data, order_rows = shopify_order_export(args.orders, [r.email for _, r in parsed.records
                                                                        if r.email][:args.orders])
            orders_path = Path(folder) / "orders_export.csv"
            orders_path.write_bytes(order_data)
            orders, orders_step = timed("orders: read and import", order_rows, lambda: service.run(service.read(
                orders_path, ImportKind.ORDERS), orders_path.name))
        finally:
            session.close()
    report = {"rows": args.rows, "messy_rows": messy, "existing_customers": args.existing,
              "file_mb": round(len(data) / 1e6, 1), "encoding": parsed.encoding,
              "steps": [read, dry_step, import_step, again_step, orders_step],
              "orders": {"orders": args.orders, "rows": order_rows, "new": orders.new, "matched": orders.matched,
                         "rejected": len(orders.rejections)},
              "dry_run": {"new": dry.new, "matched": dry.matched, "updated": dry.updated,
                          "rejected": len(dry.rejections)},
              "import": {"new": done.new, "matched": done.matched, "updated": done.updated,
                         "rejected": len(done.rejections)},
              "re_import": {"new": again.new, "updated": again.updated, "matched": again.matched},
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "load_1min": round(os.getloadavg()[0], 1)}}
    print(json.dumps(report, indent=2))
    _write_results(report)
    return 0


def _write_results(report: dict[str, Any]) -> None:
    lines = ["## CSV import", "",
             f"`benchmarks/csv_import_benchmark.py --rows {report['rows']} --existing {report['existing_customers']}`:"
             f" a {report['file_mb']} MB Shopify customer export of {report['rows']:,} rows "
             f"({report['messy_rows']:,} messy, read as {report['encoding']}) into an encrypted workspace holding "
             f"{report['existing_customers']:,} demo customers ({report['machine']['cpus']} cores, load "
             f"{report['machine']['load_1min']}, Python {report['machine']['python']}).", "",
             "| step | seconds | rows/s |", "|---|---:|---:|"]
    lines += [f"| {s['step']} | {s['seconds']} | {s['rows_per_s']:,} |" for s in report["steps"]]
    d, i, r = report["dry_run"], report["import"], report["re_import"]
    lines += ["", f"Dry run and import agree: {i['new']:,} new, {i['matched']:,} matched to demo customers, "
              f"{i['rejected']:,} rows rejected (dry run: {d['new']:,} / {d['matched']:,} / {d['rejected']:,}). "
              f"The re-import of the same file: {r['new']:,} new, {r['updated']:,} updated.",
              f"The order export: {report['orders']['orders']:,} orders in {report['orders']['rows']:,} line-item rows "
              f"over two years, {report['orders']['matched']:,} matched to the imported customers, "
              f"{report['orders']['rejected']:,} rejected; its rows/s count line-item rows, reading included, and the "
              "time includes bringing the dashboard's rollups up to date.",
              "The dry run does the import's work and rolls it back, so it costs about as much as the import."]
    results_file.write_section("csv_import", lines)


if __name__ == "__main__":
    raise SystemExit(main())
