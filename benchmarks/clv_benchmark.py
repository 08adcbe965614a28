"""Fit and score time of the CLV models, and what refreshing a workspace's predictions costs, printed as JSON.

Without a workspace: customers drawn from BG/NBD and Gamma-Gamma with CDNOW-like parameters and 0 to 3 years of
history, in weeks, fitted and scored in memory (no database) at each size. With `--workspace DIR` (repeatable):
`refresh_predictions` on that workspace, as after a sync (read the order history, fit, score, build the records,
read the order items, learn the product neighbours, store it all), step by step, and `ecrm recommend evaluate`'s
hit rates against the most-popular baseline. Writes its section (between the `clv` markers) of
benchmarks/RESULTS.md; the rest of the file is kept.

Usage: [ECRM_PASSWORD=...] .venv/bin/python benchmarks/clv_benchmark.py [SIZES...] [--workspace DIR ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import results_file
from sqlalchemy import func, select

from ecrm_desktop.domain.clv import clv
from ecrm_desktop.domain.clv.bgnbd import BgNbdParams
from ecrm_desktop.domain.clv.gamma_gamma import GammaGammaParams
from ecrm_desktop.domain.clv.prediction import predictions, score
from ecrm_desktop.domain.clv.simulation import simulate
from ecrm_desktop.domain.clv.summary import TimeUnit
from ecrm_desktop.services import recommend
from ecrm_desktop.services.predictions import refresh_predictions
from ecrm_desktop.services.workspace import WorkspaceService
from ecrm_desktop.storage.tables import Customer, Order

TRUE_BG = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0)
TRUE_GG = GammaGammaParams(p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0)
SIZES = (100_000, 1_000_000)
TARGET_SECONDS = 60  # 1M customers fitted and scored (issue 11)


def run(customers: int, seed: int = 1) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    data = simulate(TRUE_BG, TRUE_GG, rng.uniform(1.0, 156.0, customers), rng)
    started = time.perf_counter()
    models = clv.fit(data, TimeUnit.WEEKS)
    fitted = time.perf_counter()
    scores = score(models, data, horizon_days=365)
    scored = time.perf_counter()
    rows = predictions(np.arange(customers, dtype=np.int64), data.frequency.astype(np.int64) + 1, data, scores,
                       unit_days=TimeUnit.WEEKS.days, today=date(2026, 1, 1))
    built = time.perf_counter()
    return {
        "customers": customers, "repeat_buyers": int(np.count_nonzero(data.frequency)),
        "fit_seconds": round(fitted - started, 2), "score_seconds": round(scored - fitted, 2),
        "records_seconds": round(built - scored, 2), "total_seconds": round(built - started, 2),
        "bgnbd": {k: round(v, 4) for k, v in vars(models.bgnbd).items() if k != "log_likelihood"},
        "gamma_gamma": {k: round(v, 4) for k, v in vars(models.gamma_gamma).items() if k != "log_likelihood"},
        "records": len(rows),
    }


def run_workspace(folder: Path) -> dict[str, Any]:
    """Refresh the workspace's predictions as of the day after its newest order, then evaluate the
    recommendations."""
    session = WorkspaceService().unlock(folder, os.environ.get("ECRM_USER", "admin"), os.environ["ECRM_PASSWORD"])
    try:
        with session.workspace.sessions() as s:
            newest = s.execute(select(func.max(Order.created_at))).scalar_one()
            customers = s.execute(select(func.count()).select_from(Customer)).scalar_one()
            orders = s.execute(select(func.count()).select_from(Order)).scalar_one()
        today = (newest + timedelta(days=1)).date()
        cpu = time.process_time()
        summary = refresh_predictions(session, today)
        cpu = time.process_time() - cpu
        started = time.perf_counter()
        hits = recommend.evaluate(session)
        evaluate_seconds = time.perf_counter() - started
    finally:
        session.close()
    return {"workspace": folder.name, "customers": customers, "orders": orders, "today": today.isoformat(),
            "scored": summary.customers, "products": summary.products, "seconds": round(summary.seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "steps": summary.phases, "recommendations": {**hits, "seconds": round(evaluate_seconds, 1)}}


def write_results(synthetic: list[dict[str, Any]], workspaces: list[dict[str, Any]]) -> None:
    lines = ["## Predictions (issue 11): fit, score and store; recommendations", "",
             f"`benchmarks/clv_benchmark.py`, {os.cpu_count()} CPUs, {platform.platform()}, "
             f"{datetime.now(UTC):%Y-%m-%d}; other engineers' work shared the machine, so the figures are "
             f"pessimistic. Target: 1M customers fitted and scored in < {TARGET_SECONDS} s."]
    if workspaces:
        steps = list(dict.fromkeys(k for w in workspaces for k in w["steps"]))
        lines += ["", "Refreshing a demo workspace's predictions (`refresh_predictions`, as after a sync; seconds of "
                  "wall time, and the CPU time the process got, which shows how much the shared machine slowed it):",
                  "", "| customers | orders | scored | " + " | ".join(steps) + " | total | CPU | target |",
                  "|---:|---:|---:|" + "---:|" * len(steps) + "---:|---:|---|"]
        for w in workspaces:
            met = "met" if w["seconds"] < TARGET_SECONDS else "missed"
            cells = " | ".join(f"{w['steps'].get(k, 0):.1f}" for k in steps)
            lines.append(f"| {w['customers']:,} | {w['orders']:,} | {w['scored']:,} | {cells} | "
                         f"{w['seconds']:.1f} | {w['cpu_seconds']:.1f} | {met} |")
        lines += ["", "Recommendations, `ecrm recommend evaluate` (each customer with two or more orders: their last "
                  "order hidden, hit = one of the ten recommended products is in it):", "",
                  "| customers | evaluated | products | hit rate at 10 | most popular | seconds |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for w in workspaces:
            r = w["recommendations"]
            lines.append(f"| {w['customers']:,} | {r['customers']:,} | {r['items']:,} | {r['hit_rate_at_10']:.3f} | "
                         f"{r['popularity_hit_rate_at_10']:.3f} | {r['seconds']:.1f} |")
    if synthetic:
        lines += ["", "The models alone, in memory, on customers drawn from BG/NBD and Gamma-Gamma (CDNOW-like "
                  "parameters, weeks; seconds):", "",
                  "| customers | repeat buyers | fit | score | records | total |", "|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['customers']:,} | {r['repeat_buyers']:,} | {r['fit_seconds']} | {r['score_seconds']} | "
                  f"{r['records_seconds']} | {r['total_seconds']} |" for r in synthetic]
    results_file.write_section("clv", lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("sizes", nargs="*", type=int, help=f"synthetic sizes (default {SIZES} without workspaces)")
    parser.add_argument("--workspace", type=Path, action="append", default=[])
    args = parser.parse_args()
    sizes = args.sizes or ([] if args.workspace else list(SIZES))
    synthetic = [run(n) for n in sizes]
    workspaces = [run_workspace(folder) for folder in args.workspace]
    print(json.dumps({"benchmark": "clv", "results": synthetic, "workspaces": workspaces}, indent=2))
    write_results(synthetic, workspaces)


if __name__ == "__main__":
    main()
