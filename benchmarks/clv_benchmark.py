"""Fit and score time of the CLV models for 100k and 1M synthetic customers (no database), printed as JSON.

Customers are drawn from BG/NBD and Gamma-Gamma with CDNOW-like parameters and 0 to 3 years of history, in
weeks. Usage: .venv/bin/python benchmarks/clv_benchmark.py [SIZES...]
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date

import numpy as np

from ecrm_desktop.domain.clv import clv
from ecrm_desktop.domain.clv.bgnbd import BgNbdParams
from ecrm_desktop.domain.clv.gamma_gamma import GammaGammaParams
from ecrm_desktop.domain.clv.prediction import predictions, score
from ecrm_desktop.domain.clv.simulation import simulate
from ecrm_desktop.domain.clv.summary import TimeUnit

TRUE_BG = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0)
TRUE_GG = GammaGammaParams(p=6.25, q=3.74, gamma=15.44, log_likelihood=0.0)
SIZES = (100_000, 1_000_000)


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


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or SIZES
    print(json.dumps({"benchmark": "clv", "results": [run(n) for n in sizes]}, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
