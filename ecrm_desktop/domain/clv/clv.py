"""Customer lifetime value and what the screens show from it: churn risk, next order date, spend tier.

The BG/NBD model gives how many purchases to expect and whether the customer is still active; the Gamma-Gamma
model gives what each purchase is worth; CLV is their product, discounted period by period.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ecrm_desktop.domain.arrays import FloatArray, IntArray
from ecrm_desktop.domain.clv import bgnbd, gamma_gamma
from ecrm_desktop.domain.clv.errors import InsufficientData, require_enough
from ecrm_desktop.domain.clv.summary import Rfm, TimeUnit

DAYS_PER_MONTH = 365.25 / 12
MONTHLY_DISCOUNT_RATE = 0.01  # about 12.7 % a year, a usual cost of capital for a small retailer


class ChurnRisk(StrEnum):
    """Bands of the evidence that a customer is still buying: LOW ≥ 0.7 > MEDIUM ≥ 0.3 > HIGH.

    For a repeat buyer the evidence is P(alive): above 0.7 they are more than twice as likely active as gone,
    below 0.3 the reverse (where a win-back message is worth sending); in between the model is unsure. For a
    one-time buyer BG/NBD's P(alive) is 1 by construction (it lets customers leave only after a repeat
    purchase), so the evidence is instead P(they order again within a year), which falls as their silence
    grows.
    """

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


CHURN_CUTOFFS = (0.3, 0.7)  # evidence below the first: HIGH; below the second: MEDIUM; otherwise LOW
CHURN_BANDS = (ChurnRisk.HIGH, ChurnRisk.MEDIUM, ChurnRisk.LOW)


class SpendTier(StrEnum):
    """Rank of a customer's predicted CLV among all customers: TOP 10 %, HIGH next 20 %, MEDIUM next 30 %,
    LOW the remaining 40 % (a Pareto-shaped split: the top tier usually holds about half the value)."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    TOP = "TOP"


TIER_QUANTILES = (0.4, 0.7, 0.9)  # cumulative population shares where LOW, MEDIUM and HIGH end
TIERS = (SpendTier.LOW, SpendTier.MEDIUM, SpendTier.HIGH, SpendTier.TOP)


@dataclass(frozen=True)
class Models:
    bgnbd: bgnbd.BgNbdParams
    gamma_gamma: gamma_gamma.GammaGammaParams
    unit: TimeUnit


def fit(data: Rfm, unit: TimeUnit) -> Models:
    """Fit BG/NBD on every customer and Gamma-Gamma on the repeat buyers, after checking there is enough data;
    `InsufficientData` also when the spend model has no finite mean (q ≤ 1, E[M] = pγ/(q−1))."""
    require_enough(int(np.count_nonzero(data.frequency)), float(data.age.max(initial=0.0)) * unit.days)
    spend = gamma_gamma.fit(data.frequency, data.monetary)
    if spend.q <= 1.0:
        raise InsufficientData("Order values vary too wildly between customers for the spend model (its q is "
                               f"{spend.q:.2f}, it needs more than 1); check for test orders or outliers.")
    return Models(bgnbd.fit(data.frequency, data.recency, data.age), spend, unit)


def lifetime_value(models: Models, data: Rfm, horizon_days: float,
                   monthly_discount_rate: float = MONTHLY_DISCOUNT_RATE) -> FloatArray:
    """CLV = Σ_k E[M] · (E[Y(t_k)] − E[Y(t_{k−1})]) / (1+d)^k over months k = 1..K up to the horizon
    (t_k = min(k months, horizon); d the monthly discount rate), in the unit of the monetary values."""
    spend = gamma_gamma.expected_spend(models.gamma_gamma, data.frequency, data.monetary)
    months = int(np.ceil(horizon_days / DAYS_PER_MONTH))
    value = np.zeros_like(data.frequency)
    before = np.zeros_like(data.frequency)
    for k in range(1, months + 1):
        t = min(k * DAYS_PER_MONTH, horizon_days) / models.unit.days
        cumulative = bgnbd.expected_purchases_if_alive(models.bgnbd, t, data.frequency, data.age)
        value += (cumulative - before) / (1.0 + monthly_discount_rate) ** k
        before = cumulative
    return np.asarray(spend * value * p_alive(models, data), dtype=np.float64)


def expected_orders(models: Models, data: Rfm, days: float) -> FloatArray:
    """Expected purchase days in the next `days` days (BG/NBD conditional expectation)."""
    return bgnbd.expected_purchases(models.bgnbd, days / models.unit.days, data.frequency, data.recency, data.age)


def p_alive(models: Models, data: Rfm) -> FloatArray:
    """Probability each customer is still active at the calibration end."""
    return bgnbd.p_alive(models.bgnbd, data.frequency, data.recency, data.age)


def days_to_next_order(models: Models, data: Rfm) -> FloatArray:
    """Median days until the next order for a customer still active (see `bgnbd.median_wait_if_alive`)."""
    return bgnbd.median_wait_if_alive(models.bgnbd, data.frequency, data.age) * models.unit.days


def churn_risk(models: Models, data: Rfm, alive: FloatArray) -> IntArray:
    """Index into `CHURN_BANDS` for each customer, by `CHURN_CUTOFFS` (see `ChurnRisk` for the evidence used)."""
    again = bgnbd.p_purchase_within(models.bgnbd, 365.0 / models.unit.days, data.frequency, data.recency, data.age)
    evidence = np.where(data.frequency > 0, alive, again)
    return np.searchsorted(np.array(CHURN_CUTOFFS), evidence, side="right").astype(np.int64)


def spend_tier(value: FloatArray) -> IntArray:
    """Index into `TIERS` for each value, by its rank among all values (`TIER_QUANTILES`)."""
    if value.size == 0:
        return np.zeros(0, dtype=np.int64)
    edges = np.quantile(value, TIER_QUANTILES)
    return np.searchsorted(edges, value, side="right").astype(np.int64)
