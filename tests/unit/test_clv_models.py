"""The BG/NBD and Gamma-Gamma maths on synthetic data: parameters recovered, no overflow, plain refusals."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy.special import hyp2f1  # type: ignore[import-untyped]

from ecrm_desktop.domain.clv import bgnbd, clv, gamma_gamma
from ecrm_desktop.domain.clv.clv import ChurnRisk, SpendTier
from ecrm_desktop.domain.clv.errors import InsufficientData
from ecrm_desktop.domain.clv.prediction import CustomerPrediction
from ecrm_desktop.domain.clv.simulation import simulate
from ecrm_desktop.domain.clv.summary import Rfm, TimeUnit, merge_days, rfm

TRUE_BG = bgnbd.BgNbdParams(r=0.25, alpha=4.0, a=0.8, b=2.5, log_likelihood=0.0)
TRUE_GG = gamma_gamma.GammaGammaParams(p=6.0, q=4.0, gamma=15.0, log_likelihood=0.0)


@pytest.fixture(scope="module")
def simulated() -> Rfm:
    rng = np.random.default_rng(20050401)
    return simulate(TRUE_BG, TRUE_GG, rng.uniform(30.0, 100.0, 50_000), rng)


def test_bgnbd_recovers_the_parameters_it_was_simulated_with(simulated: Rfm) -> None:
    fitted = bgnbd.fit(simulated.frequency, simulated.recency, simulated.age)
    assert fitted.r == pytest.approx(TRUE_BG.r, rel=0.05)
    assert fitted.alpha == pytest.approx(TRUE_BG.alpha, rel=0.08)
    assert fitted.a == pytest.approx(TRUE_BG.a, rel=0.12)
    assert fitted.b == pytest.approx(TRUE_BG.b, rel=0.15)


def test_gamma_gamma_recovers_the_parameters_it_was_simulated_with(simulated: Rfm) -> None:
    fitted = gamma_gamma.fit(simulated.frequency, simulated.monetary)
    assert fitted.p == pytest.approx(TRUE_GG.p, rel=0.1)
    assert fitted.q == pytest.approx(TRUE_GG.q, rel=0.1)
    assert fitted.gamma == pytest.approx(TRUE_GG.gamma, rel=0.15)


def test_expected_purchases_match_the_untransformed_formula_for_small_x() -> None:
    p, t = TRUE_BG, 20.0
    x, t_x, age = np.array([0.0, 1.0, 3.0, 8.0]), np.array([0.0, 10.0, 25.0, 30.0]), np.array([35.0, 35.0, 35.0, 35.0])
    z = t / (p.alpha + age + t)
    bracket = 1 - ((p.alpha + age) / (p.alpha + age + t)) ** (p.r + x) * hyp2f1(p.r + x, p.b + x, p.a + p.b + x - 1, z)
    odds = (x > 0) * p.a / (p.b + np.maximum(x, 1) - 1) * ((p.alpha + age) / (p.alpha + t_x)) ** (p.r + x)
    direct = (p.a + p.b + x - 1) / (p.a - 1) * bracket / (1 + odds)
    np.testing.assert_allclose(bgnbd.expected_purchases(p, t, x, t_x, age), direct, rtol=1e-10)


def test_a_customer_with_500_purchases_neither_overflows_nor_breaks_the_fit(simulated: Rfm) -> None:
    base = 5000
    heavy = Rfm(frequency=np.append(simulated.frequency[:base], [500.0, 2000.0]),
                recency=np.append(simulated.recency[:base], [99.9, 99.98]),
                age=np.append(simulated.age[:base], [100.0, 100.0]),
                monetary=np.append(simulated.monetary[:base], [40.0, 25.0]))
    with np.errstate(all="raise"):
        models = clv.fit(heavy, TimeUnit.WEEKS)
        alive = clv.p_alive(models, heavy)[-2:]
        next_year = clv.expected_orders(models, heavy, 365)[-2:]
        value = clv.lifetime_value(models, heavy, 365)[-2:]
    assert np.isfinite(models.bgnbd.log_likelihood)
    assert np.all(alive > 0.5)  # bought within their usual gap
    pace = np.array([500.0, 2000.0]) / 100 * 365 / 7
    assert np.all((next_year > 0.3 * pace) & (next_year < pace))  # fewer only by the chance of leaving
    assert np.all(np.isfinite(value) & (value > 0))


def test_p_alive_falls_with_time_since_the_last_purchase() -> None:
    x, age = np.full(3, 4.0), np.full(3, 40.0)
    alive = bgnbd.p_alive(TRUE_BG, x, np.array([39.0, 20.0, 2.0]), age)
    assert alive[0] > alive[1] > alive[2]
    assert bgnbd.p_alive(TRUE_BG, np.zeros(1), np.zeros(1), age[:1]) == pytest.approx([1.0])


def test_too_few_repeat_buyers_or_too_short_a_history_is_refused_plainly() -> None:
    few = Rfm(frequency=np.r_[np.ones(150), np.zeros(1000)], recency=np.full(1150, 5.0),
              age=np.full(1150, 30.0), monetary=np.full(1150, 10.0))
    with pytest.raises(InsufficientData) as refused:
        clv.fit(few, TimeUnit.WEEKS)
    assert str(refused.value) == (
        "Predictions need at least 200 customers with a repeat purchase and 90 days of order history; "
        "this data has 150 repeat customers and 210 days.")
    short = Rfm(frequency=np.ones(500), recency=np.full(500, 20.0), age=np.full(500, 60.0),
                monetary=np.full(500, 10.0))
    with pytest.raises(InsufficientData, match="this data has 500 repeat customers and 60 days"):
        clv.fit(short, TimeUnit.DAYS)


def test_same_day_purchases_merge_and_the_first_purchase_is_not_a_repeat() -> None:
    customers = ["b", "a", "a", "a", "a", "b", "c"]
    days = ["2024-01-05", "2024-01-01", "2024-01-01", "2024-01-08", "2024-01-15", "2024-02-01", "2024-03-01"]
    amounts = [7.0, 10.0, 5.0, 20.0, 30.0, 99.0, 1.0]
    keys, per_customer = merge_days(np.array(customers), np.array(days, dtype="datetime64[D]"), np.array(amounts),
                                    date(2024, 1, 29))
    data = rfm(per_customer, date(2024, 1, 29), TimeUnit.WEEKS)
    assert keys.tolist() == ["a", "b"]  # c bought after the calibration end; b's February purchase is ignored
    assert data.frequency.tolist() == [2.0, 0.0]
    assert data.recency.tolist() == [2.0, 0.0]
    assert data.age.tolist() == [4.0, 24 / 7]
    assert data.monetary.tolist() == [25.0, 0.0]


def test_churn_bands_and_spend_tiers() -> None:
    models = clv.Models(TRUE_BG, TRUE_GG, TimeUnit.WEEKS)
    repeat_buyers = Rfm(frequency=np.full(6, 2.0), recency=np.full(6, 10.0), age=np.full(6, 20.0),
                        monetary=np.full(6, 30.0))
    bands = clv.churn_risk(models, repeat_buyers, np.array([0.0, 0.29, 0.3, 0.69, 0.7, 1.0]))
    assert [clv.CHURN_BANDS[i] for i in bands] == [ChurnRisk.HIGH, ChurnRisk.HIGH, ChurnRisk.MEDIUM,
                                                   ChurnRisk.MEDIUM, ChurnRisk.LOW, ChurnRisk.LOW]
    # one-time buyers: P(alive) is 1 by construction, so the band follows P(ordering again within a year)
    one_time = Rfm(frequency=np.zeros(2), recency=np.zeros(2), age=np.array([0.5, 150.0]), monetary=np.zeros(2))
    alive = clv.p_alive(models, one_time)
    assert alive.tolist() == [1.0, 1.0]
    assert [clv.CHURN_BANDS[i] for i in clv.churn_risk(models, one_time, alive)] == [ChurnRisk.MEDIUM,
                                                                                   ChurnRisk.HIGH]
    tiers = [clv.TIERS[i] for i in clv.spend_tier(np.arange(100.0))]
    counts = [tiers.count(t) for t in (SpendTier.LOW, SpendTier.MEDIUM, SpendTier.HIGH, SpendTier.TOP)]
    assert counts == [40, 30, 20, 10]


def test_lifetime_value_is_discounted_spend_times_expected_orders(simulated: Rfm) -> None:
    models = clv.Models(TRUE_BG, TRUE_GG, TimeUnit.WEEKS)
    undiscounted = clv.lifetime_value(models, simulated, 365, monthly_discount_rate=0.0)
    expected = (gamma_gamma.expected_spend(TRUE_GG, simulated.frequency, simulated.monetary)
                * clv.expected_orders(models, simulated, 365))
    np.testing.assert_allclose(undiscounted, expected, rtol=1e-9)
    assert np.all(clv.lifetime_value(models, simulated, 365) < undiscounted)


def test_each_prediction_explains_itself_in_one_line() -> None:
    def explained(orders: int, since: int, gap: int | None, risk: ChurnRisk) -> str:
        return CustomerPrediction(customer_id=1, orders=orders, days_since_last_order=since, usual_gap_days=gap,
                                  expected_orders_90d=0.1, expected_orders_365d=0.4, p_alive=0.2, churn_risk=risk,
                                  predicted_clv_cents=1200, expected_next_order_date=None,
                                  spend_tier=SpendTier.LOW).explanation

    assert explained(3, 200, 60, ChurnRisk.HIGH) == (
        "3 orders, last 200 days ago, usually buys every 60 days: churn risk high")
    assert explained(1, 1, None, ChurnRisk.LOW) == "1 order, 1 day ago, no repeat purchase yet: churn risk low"


def test_spend_without_a_finite_mean_is_refused() -> None:
    rng = np.random.default_rng(3)
    heavy_tailed = gamma_gamma.GammaGammaParams(p=6.0, q=0.7, gamma=15.0, log_likelihood=0.0)
    data = simulate(TRUE_BG, heavy_tailed, rng.uniform(30.0, 100.0, 5000), rng)
    with pytest.raises(InsufficientData, match="Order values vary too wildly"):
        clv.fit(data, TimeUnit.WEEKS)
