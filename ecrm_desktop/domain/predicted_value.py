"""What the dashboard shows of the predictions (issue 11): value by segment, churn risk, and how good the model is.

- *Predicted CLV by segment*: per saved segment (members as of its latest evaluation) and for everyone, the
  customers with a prediction, the sum of their predicted CLV and its mean (sum / customers).
- *Churn-risk distribution*: customers per churn-risk band (`domain.clv.clv.ChurnRisk`) and the predicted CLV
  they hold: the value at risk.
- *Holdout check*: the model fitted on the orders up to a calibration end, its predicted repeat purchases in the
  holdout period after it against the actual ones, per customer by calibration frequency (repeat purchase days
  in the calibration period; 7+ together), as Fader, Hardie & Lee (2005) Fig. 3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ecrm_desktop.domain.clv.clv import CHURN_BANDS

HOLDOUT_DAYS = 182  # the holdout the dashboard checks the model on: the last half year of orders


@dataclass(frozen=True)
class SegmentValue:
    segment: str
    customers: int
    predicted_clv_cents: int

    @property
    def mean_cents(self) -> int | None:
        return round(self.predicted_clv_cents / self.customers) if self.customers else None


@dataclass(frozen=True)
class RiskBand:
    risk: str  # a `ChurnRisk` value
    customers: int
    predicted_clv_cents: int


@dataclass(frozen=True)
class HoldoutRow:
    frequency: str  # "0" … "6", "7+"
    customers: int
    predicted_mean: float | None
    actual_mean: float | None


@dataclass(frozen=True)
class HoldoutCheck:
    """The model's predictions over a holdout period against what happened; `note` says why there are none."""

    calibration_end: date | None
    holdout_end: date | None
    predicted_total: float
    actual_total: int
    rows: tuple[HoldoutRow, ...]
    note: str = ""

    @classmethod
    def from_report(cls, report: Mapping[str, Any]) -> HoldoutCheck:
        """From the JSON of `ecrm clv validate` (`services.clv.validate_workspace`)."""
        return cls(date.fromisoformat(report["calibration_end"]), date.fromisoformat(report["holdout_end"]),
                   float(report["predicted_repeat_purchases"]), int(report["actual_repeat_purchases"]),
                   tuple(HoldoutRow(r["frequency"], r["customers"], r["predicted_mean"], r["actual_mean"])
                         for r in report["by_frequency"]))

    @classmethod
    def impossible(cls, why: str) -> HoldoutCheck:
        return cls(None, None, 0.0, 0, (), why)


@dataclass(frozen=True)
class PredictionFigures:
    """The dashboard's prediction charts; `holdout` is None until the check has run (it fits the model again)."""

    by_segment: tuple[SegmentValue, ...] = ()
    churn: tuple[RiskBand, ...] = ()
    holdout: HoldoutCheck | None = None
    scored: bool = False  # whether predictions exist at all


def risk_bands(counts: Mapping[str, tuple[int, int]]) -> tuple[RiskBand, ...]:
    """Every band, highest risk first, from (customers, predicted CLV) per band (missing bands: zero)."""
    return tuple(RiskBand(band.value, *counts.get(band.value, (0, 0))) for band in CHURN_BANDS)
