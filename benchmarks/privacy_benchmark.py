"""How long the privacy and key tools take on a demo workspace: a retention preview and its application, erasing
one person, a backup, verifying and restoring it, and a key rotation (each once, on a throwaway workspace).

The figures go to stdout as JSON and between the `privacy` markers of benchmarks/RESULTS.md (the rest is kept).

Usage: .venv/bin/python benchmarks/privacy_benchmark.py [--customers 50000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import results_file
from sqlalchemy import func, select

from ecrm_desktop.domain.privacy import RetentionAction, RetentionPolicy
from ecrm_desktop.services.backups import BackupService, restore
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.keys import KeyService
from ecrm_desktop.services.privacy import PrivacyService
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.storage.tables import Customer, Order

PASSWORD = "privacy-benchmark-2026"
T = TypeVar("T")


def timed(results: dict[str, float], name: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    value = work()
    results[name] = round(time.perf_counter() - start, 3)
    print(f"{name}: {results[name]:.3f} s", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ecrm-privacy-bench-", dir=args.workdir))
    seconds: dict[str, float] = {}
    try:
        session = WorkspaceService().create(workdir / "ws", "admin", PASSWORD)
        timed(seconds, "demo fill", lambda: fill_demo(session, args.customers, seed=5))
        with session.workspace.sessions() as s:
            orders = s.execute(select(func.count()).select_from(Order)).scalar_one()
            email = s.execute(select(Customer.email).where(Customer.orders_count > 2).limit(1)).scalar_one()
        privacy = PrivacyService(session)
        policy = RetentionPolicy(2, RetentionAction.ANONYMISE)
        preview = timed(seconds, "retention preview (2 years)", lambda: privacy.preview_retention(policy))
        timed(seconds, "erase one person", lambda: privacy.erase(privacy.customers_of(str(email))))
        applied = timed(seconds, "retention apply (anonymise)", lambda: privacy.apply_retention(preview))
        backup = workdir / "b.ecrmbackup"
        timed(seconds, "backup", lambda: BackupService(session).create(backup))
        timed(seconds, "key rotation", lambda: KeyService(session).rotate())
        db_bytes = session.workspace.paths.database.stat().st_size
        session.close()
        timed(seconds, "verify and restore", lambda: restore(backup, workdir / "restored", "admin", PASSWORD))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report: dict[str, Any] = {"customers": args.customers, "orders": orders, "database_mb": round(db_bytes / 1e6, 1),
                              "retention_customers": preview.count, "retention_erased": applied.erased.customers,
                              "seconds": seconds, "machine": f"{platform.machine()}, {os.cpu_count()} cores"}
    print(json.dumps(report))
    _write(report)


def _write(report: dict[str, Any]) -> None:
    lines = ["## Privacy, keys and backups (`benchmarks/privacy_benchmark.py`)", "",
             f"{report['customers']:,} demo customers, {report['orders']:,} orders, a {report['database_mb']} MB "
             f"database; {report['machine']}, shared with other work. A retention preview of customers inactive "
             f"for 2 years found {report['retention_customers']:,}; applying it anonymised "
             f"{report['retention_erased']:,}.", "", "| operation | seconds |", "|---|---:|"]
    lines += [f"| {name} | {value:.3f} |" for name, value in report["seconds"].items()]
    results_file.write_section("privacy", lines)


if __name__ == "__main__":
    main()
