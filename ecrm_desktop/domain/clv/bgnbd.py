"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While active, a customer buys at rate λ ~ Gamma(r, α); after each purchase they become inactive with
probability p ~ Beta(a, b). A customer is summarised by x (repeat purchases), t_x (time of the last purchase)
and T (time since the first purchase), all measured from the first purchase.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1  # type: ignore[import-untyped]

from ecrm_desktop.domain.arrays import FloatArray
from ecrm_desktop.domain.clv.fitting import maximise


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float


def fit(x: FloatArray, t_x: FloatArray, age: FloatArray) -> BgNbdParams:
    """Maximum-likelihood r, α, a, b, maximising the log-likelihood of FHL 2005 eq. (6) written in log space:

    ln L_i = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
             + logsumexp(−(r+x) ln(α+T),  [x>0] (ln a − ln(b+x−1) − (r+x) ln(α+t_x))).

    The gradient is analytic, and terms that depend on x alone are computed once per distinct x, so a million
    customers cost a few array passes per iteration.
    """
    r, alpha, a, b = maximise(lambda rows: _Objective(x[rows], t_x[rows], age[rows]), x.size,
                              np.array([1.0, max(float(np.mean(age)), 1e-3), 1.0, 1.0]))
    return BgNbdParams(float(r), float(alpha), float(a), float(b),
                       -_Objective(x, t_x, age)(np.array([r, alpha, a, b]))[0] * x.size)


def p_alive(p: BgNbdParams, x: FloatArray, t_x: FloatArray, age: FloatArray) -> FloatArray:
    """P(active at T | x, t_x, T) = 1 / (1 + [x>0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))  (FHL 2005 eq. 11)."""
    return np.asarray(expit(-_log_odds_inactive(p, x, t_x, age)), dtype=np.float64)


def expected_purchases(p: BgNbdParams, t: float, x: FloatArray, t_x: FloatArray, age: FloatArray) -> FloatArray:
    """E[Y(t) | x, t_x, T], the expected purchases in the next t periods (FHL 2005 eq. 10): the expectation for
    a customer still active (`expected_purchases_if_alive`) times P(alive)."""
    return expected_purchases_if_alive(p, t, x, age) * p_alive(p, x, t_x, age)


def expected_purchases_if_alive(p: BgNbdParams, t: float, x: FloatArray, age: FloatArray) -> FloatArray:
    """E[Y(t) | active at T, x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; z)],
    z = t/(α+T+t).

    Euler's transformation ₂F₁(A, B; C; z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z) turns the bracketed product into
    (1−z)^(a−1) · ₂F₁(a+b−1−r, a−1; a+b+x−1; z), which stays finite for customers with hundreds of purchases.
    """
    z = t / (p.alpha + age + t)
    tail = (1.0 - z) ** (p.a - 1.0) * hyp2f1(p.a + p.b - 1.0 - p.r, p.a - 1.0, p.a + p.b + x - 1.0, z)
    return np.asarray((p.a + p.b + x - 1.0) / (p.a - 1.0) * (1.0 - tail), dtype=np.float64)


def p_purchase_within(p: BgNbdParams, t: float, x: FloatArray, t_x: FloatArray, age: FloatArray) -> FloatArray:
    """P(at least one purchase in the next t periods) = P(alive) · [1 − ((α+T)/(α+T+t))^(r+x)].

    An active customer cannot drop out before buying again (dropout happens only right after a purchase), and
    their rate has the posterior Gamma(r+x, α+T), so P(no purchase in t | active) = ((α+T)/(α+T+t))^(r+x).
    """
    silent = np.exp((p.r + x) * (np.log(p.alpha + age) - np.log(p.alpha + age + t)))
    return np.asarray(p_alive(p, x, t_x, age) * (1.0 - silent), dtype=np.float64)


def median_wait_if_alive(p: BgNbdParams, x: FloatArray, age: FloatArray) -> FloatArray:
    """Median time from T to the next purchase of a customer still active at T: setting
    P(no purchase in s | active) = ((α+T)/(α+T+s))^(r+x) (see `p_purchase_within`) to ½ gives
    s = (α+T)(2^(1/(r+x)) − 1).
    """
    return np.asarray((p.alpha + age) * np.expm1(np.log(2.0) / (p.r + x)), dtype=np.float64)


def _log_odds_inactive(p: BgNbdParams, x: FloatArray, t_x: FloatArray, age: FloatArray) -> FloatArray:
    lo = (np.log(p.a) - np.log(p.b + np.maximum(x, 1.0) - 1.0)
          + (p.r + x) * (np.log(p.alpha + age) - np.log(p.alpha + t_x)))
    return np.where(x > 0, lo, -np.inf)


class _Objective:
    """Negative mean log-likelihood and its gradient in (r, α, a, b).

    Terms in x alone are summed once per distinct x (weighted by count). With A3 = −(r+x) ln(α+T) and, for
    repeat buyers, A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x) and w = e^(A4 − logaddexp(A3, A4)), the last term
    is A3 + log1p(e^(A4−A3)) and its derivatives are those of A3 plus w·(∂A4 − ∂A3).
    """

    def __init__(self, x: FloatArray, t_x: FloatArray, age: FloatArray) -> None:
        self.n = x.size
        self.ux, self.count = np.unique(x, return_counts=True)
        self.x, self.age = x, age
        repeat = x > 0
        self.rx, self.rt_x, self.rage = x[repeat], t_x[repeat], age[repeat]

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        r, alpha, a, b = theta
        ux, count, rx = self.ux, self.count, self.rx
        per_x = gammaln(r + ux) - gammaln(r) + r * np.log(alpha) + betaln(a, b + ux) - betaln(a, b)
        alpha_age, r_alpha_age, r_alpha_tx = alpha + self.age, alpha + self.rage, alpha + self.rt_x
        log_age, r_log_age, r_log_tx = np.log(alpha_age), np.log(r_alpha_age), np.log(r_alpha_tx)
        a3 = -(r + rx) * r_log_age
        a4 = np.log(a) - np.log(b + rx - 1.0) - (r + rx) * r_log_tx
        w = expit(a4 - a3)
        ll = float(count @ per_x - (r + self.x) @ log_age + np.logaddexp(0.0, a4 - a3).sum())
        psi_abx = digamma(a + b + ux)
        grad = np.array([
            count @ (digamma(r + ux) - digamma(r)) + self.n * np.log(alpha) - log_age.sum()
            + w @ (r_log_age - r_log_tx),
            self.n * r / alpha - np.sum((r + self.x) / alpha_age)
            + w @ ((r + rx) * (1.0 / r_alpha_age - 1.0 / r_alpha_tx)),
            count @ (digamma(a + b) - psi_abx) + w.sum() / a,
            count @ (digamma(b + ux) - psi_abx - digamma(b) + digamma(a + b)) - w @ (1.0 / (b + rx - 1.0)),
        ])
        return -ll / self.n, -grad / self.n
