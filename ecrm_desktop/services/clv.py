"""Predictive customer value: fitting on a transaction file, scoring the workspace, and holdout validation."""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ecrm_desktop.domain.arrays import DayArray
from ecrm_desktop.domain.clv import clv
from ecrm_desktop.domain.clv.clv import Models
from ecrm_desktop.domain.clv.prediction import CustomerPrediction, predictions, score
from ecrm_desktop.domain.clv.summary import TimeUnit, merge_days, rfm
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require, require_any
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import clv_queries

WORKSPACE_UNIT = TimeUnit.WEEKS
FREQUENCY_GROUPS = 8  # holdout report rows: calibration frequency 0, 1, ..., 6 and 7+
_EPOCH = date(1970, 1, 1).toordinal()


def fit_transactions_csv(path: str | Path, *, customer_col: str = "customer", date_col: str = "date",
                         amount_col: str = "amount", calibration_end: date,
                         time_unit: str = "weeks") -> dict[str, Any]:
    """Fit BG/NBD and Gamma-Gamma on a transaction CSV (CLI.md, "Predictive models"); the JSON of `clv fit`."""
    started = time.perf_counter()
    try:
        unit = TimeUnit(time_unit)
    except ValueError:
        raise UsageError(f"The time unit must be 'weeks' or 'days', not '{time_unit}'.") from None
    customers, days, amounts = _read_transactions(Path(path), customer_col, date_col, amount_col)
    _, per_customer = merge_days(customers, days, amounts, calibration_end)
    models = clv.fit(rfm(per_customer, calibration_end, unit), unit)
    return {**_models_json(models), "customers": int(per_customer.days.size), "time_unit": unit.value,
            "seconds": round(time.perf_counter() - started, 3)}


def predict_workspace(session: UserSession, today: date, lap: Callable[[str], None] | None = None,
                      horizon_days: int = 365) -> list[CustomerPrediction]:
    """Fit on every customer's orders up to `today` and predict each one's next orders, churn risk and CLV over
    `horizon_days` (amounts in the reporting currency); `lap(step)` is called as each step ends."""
    require(session, Operation.RUN_MODELS)
    return score_customers(session, today, lap, horizon_days)


def score_customers(session: UserSession, today: date, lap: Callable[[str], None] | None = None,
                    horizon_days: int = 365) -> list[CustomerPrediction]:
    """The predictions of every customer: for those who run models, and for the refresh after a sync."""
    require_any(session, Operation.RUN_MODELS, Operation.SYNC)
    lap = lap or (lambda _step: None)
    with session.workspace.sessions() as s:
        history = clv_queries.order_history(s, today)
    lap("read order history")
    data = rfm(history.days, today, WORKSPACE_UNIT)
    models = clv.fit(data, WORKSPACE_UNIT)
    lap("fit")
    scores = score(models, data, horizon_days)
    lap("score")
    rows = predictions(history.customer_ids, history.orders, data, scores, unit_days=WORKSPACE_UNIT.days,
                       today=today)
    lap("build records")
    return rows


def validate_workspace(session: UserSession, calibration_end: date) -> dict[str, Any]:
    """Fit on orders up to `calibration_end`, predict the repeat purchase days until the last order, and compare
    with what happened: overall and by calibration frequency (0..6, 7+), as FHL 2005 Fig. 3."""
    require(session, Operation.RUN_MODELS)
    with session.workspace.sessions() as s:
        holdout_end = clv_queries.last_order_day(s)
        if holdout_end is None or holdout_end <= calibration_end:
            raise UsageError("The calibration end must be before the last order, so that some orders are left "
                             "to check the predictions against.")
        history = clv_queries.order_history(s, calibration_end, holdout_end)
    data = rfm(history.days, calibration_end, WORKSPACE_UNIT)
    models = clv.fit(data, WORKSPACE_UNIT)
    holdout_days = (holdout_end - calibration_end).days
    predicted = clv.expected_orders(models, data, holdout_days)
    actual = history.holdout_order_days
    group = np.minimum(data.frequency, FREQUENCY_GROUPS - 1).astype(np.int64)
    by_frequency = []
    for g in range(FREQUENCY_GROUPS):
        members = group == g
        n = int(members.sum())
        by_frequency.append({
            "frequency": f"{g}+" if g == FREQUENCY_GROUPS - 1 else str(g), "customers": n,
            "predicted_mean": float(predicted[members].mean()) if n else None,
            "actual_mean": float(actual[members].mean()) if n else None})
    return {**_models_json(models), "calibration_end": calibration_end.isoformat(),
            "holdout_end": holdout_end.isoformat(), "holdout_days": holdout_days, "customers": int(actual.size),
            "predicted_repeat_purchases": float(predicted.sum()), "actual_repeat_purchases": int(actual.sum()),
            "by_frequency": by_frequency}


def _models_json(models: Models) -> dict[str, Any]:
    return {"bgnbd": asdict(models.bgnbd), "gamma_gamma": asdict(models.gamma_gamma)}


def _read_transactions(path: Path, customer_col: str, date_col: str,
                       amount_col: str) -> tuple[list[str], DayArray, list[float]]:
    """Customers, days and amounts of a CSV with a header row; `UsageError` names the line and column of the
    first value that cannot be read."""
    customers: list[str] = []
    ordinals: list[int] = []
    amounts: list[float] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            want = (customer_col, date_col, amount_col)
            missing = [c for c in want if c not in header]
            if missing:
                raise UsageError(f"{path}: line 1: no column named '{missing[0]}' in the header "
                                 f"(columns: {', '.join(header)}).")
            ci, di, ai = (header.index(c) for c in want)
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                line = reader.line_num
                customers.append(_cell(path, line, row, ci, customer_col))
                ordinals.append(_parse_day(path, line, _cell(path, line, row, di, date_col), date_col))
                amounts.append(_parse_amount(path, line, _cell(path, line, row, ai, amount_col), amount_col))
    except OSError as e:
        raise UsageError(f"Cannot read {path}: {e.strerror or e}.") from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise UsageError(f"{path} is not a readable UTF-8 CSV file: {e}.") from None
    days = (np.array(ordinals, dtype=np.int64) - _EPOCH).astype("datetime64[D]")
    return customers, days, amounts


def _cell(path: Path, line: int, row: list[str], index: int, column: str) -> str:
    value = row[index].strip() if index < len(row) else ""
    if not value:
        raise UsageError(f"{path}: line {line}, column '{column}': the value is missing.")
    return value


def _parse_day(path: Path, line: int, value: str, column: str) -> int:
    try:
        return datetime.fromisoformat(value).date().toordinal()
    except ValueError:
        raise UsageError(f"{path}: line {line}, column '{column}': '{value}' is not an ISO 8601 date.") from None


def _parse_amount(path: Path, line: int, value: str, column: str) -> float:
    try:
        amount = float(value)
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount):
        raise UsageError(f"{path}: line {line}, column '{column}': '{value}' is not a number.")
    return amount
