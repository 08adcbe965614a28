"""The CLV models reproduce the published estimates on the CDNOW sample (Fader, Hardie & Lee 2005).

The sample ships inside the `lifetimes` 0.11.3 wheel; the wheel is downloaded once into a cache folder and read
with zipfile (lifetimes itself is never installed).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from ecrm_desktop.domain.clv.summary import TimeUnit, merge_days, rfm
from ecrm_desktop.services.clv import fit_transactions_csv

CACHE = Path.home() / ".cache" / "ecrm-test-data"
MEMBER = "lifetimes/datasets/CDNOW_sample.txt"
CALIBRATION_END = date(1997, 9, 30)  # the end of week 39


def _cdnow_lines() -> list[list[str]]:
    wheels = sorted(CACHE.glob("[Ll]ifetimes-0.11.3-*.whl"))
    if not wheels:
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                               "lifetimes==0.11.3", "-d", str(CACHE)],
                              check=False, capture_output=True, text=True, timeout=300)
        wheels = sorted(CACHE.glob("[Ll]ifetimes-0.11.3-*.whl"))
        if done.returncode != 0 or not wheels:
            pytest.fail(f"cannot download the CDNOW sample (lifetimes wheel): {done.stderr.strip()[-300:]}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        text = wheel.read(MEMBER).decode("ascii")
    return [line.split() for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def cdnow_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample as a transaction CSV in CLI.md's format: customer id, ISO date, dollars."""
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.csv"
    rows = [f"{cid},{ymd[:4]}-{ymd[4:6]}-{ymd[6:]},{dollars}" for _, cid, ymd, _, dollars in _cdnow_lines()]
    path.write_text("customer,date,amount\n" + "\n".join(rows) + "\n", encoding="ascii")
    return path


def test_sample_is_the_published_one(cdnow_csv: Path) -> None:
    lines = cdnow_csv.read_text().splitlines()[1:]
    customers, days, amounts = zip(*(line.split(",") for line in lines), strict=True)
    keys, per_customer = merge_days(np.array(customers), np.array(days, dtype="datetime64[D]"),
                                    np.array(amounts, dtype=float), CALIBRATION_END)
    data = rfm(per_customer, CALIBRATION_END, TimeUnit.WEEKS)
    assert len(lines) == 6919
    assert keys.size == 2357
    assert int(np.count_nonzero(data.frequency)) == 946
    assert data.age.max() == pytest.approx(272 / 7)


def test_bgnbd_and_gamma_gamma_reproduce_fader_hardie_lee(cdnow_csv: Path) -> None:
    result = fit_transactions_csv(cdnow_csv, calibration_end=CALIBRATION_END)

    bg, gg = result["bgnbd"], result["gamma_gamma"]
    assert set(result) == {"bgnbd", "gamma_gamma", "customers", "time_unit", "seconds"}
    assert set(bg) == {"r", "alpha", "a", "b", "log_likelihood"}
    assert set(gg) == {"p", "q", "gamma", "log_likelihood"}
    assert result["customers"] == 2357
    assert result["time_unit"] == "weeks"
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4}
    assert {k: _three_figures(bg[k]) for k in published} == {k: _three_figures(v) for k, v in published.items()}
    assert round(bg["log_likelihood"], 1) == -9582.4
    published_spend = {"p": 6.25, "q": 3.74, "gamma": 15.44}
    assert ({k: _three_figures(gg[k]) for k in published_spend}
            == {k: _three_figures(v) for k, v in published_spend.items()})


def _three_figures(value: float) -> float:
    return float(f"{value:.3g}")


def test_clv_fit_command_reproduces_the_paper(tmp_path: Path) -> None:
    """`ecrm clv fit` as IT runs it: a CSV with named columns, one JSON document out (CLI.md)."""
    import json

    from tests.integration.test_cli import ecrm

    csv_file = tmp_path / "cdnow.csv"
    rows = ["cust,day,spend"] + [f"{c},{d[:4]}-{d[4:6]}-{d[6:]},{amount}" for _, c, d, _, amount in _cdnow_lines()]
    csv_file.write_text("\n".join(rows) + "\n")
    result = ecrm("clv", "fit", "--transactions", str(csv_file), "--customer-col", "cust", "--date-col", "day",
                  "--amount-col", "spend", "--calibration-end", "1997-09-30", "--json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == {"bgnbd", "gamma_gamma", "customers", "time_unit", "seconds"}
    assert doc["customers"] == 2357 and doc["time_unit"] == "weeks"
    assert round(doc["bgnbd"]["r"], 3) == 0.243 and round(doc["bgnbd"]["log_likelihood"], 1) == -9582.4
    assert round(doc["gamma_gamma"]["q"], 2) == 3.74

    broken = tmp_path / "broken.csv"
    broken.write_text("cust,day,spend\n1,1997-01-01,12.5\n2,not-a-date,3\n")
    bad = ecrm("clv", "fit", "--transactions", str(broken), "--customer-col", "cust", "--date-col", "day",
               "--amount-col", "spend", "--calibration-end", "1997-09-30")
    assert bad.returncode == 2 and "line 3" in bad.stderr
