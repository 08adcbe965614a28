"""The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma model of monetary
value"; Colombo & Jiang 1999).

A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, independent of the
purchase process. It is fitted on repeat buyers: x repeat transactions with mean value m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln  # type: ignore[import-untyped]

from ecrm_desktop.domain.arrays import FloatArray
from ecrm_desktop.domain.clv.fitting import maximise


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float
    log_likelihood: float


def fit(x: FloatArray, m: FloatArray) -> GammaGammaParams:
    """Maximum-likelihood p, q, γ over the customers with x > 0, from the density of the mean m of x values:

    ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + m x).
    """
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    p, q, gamma = maximise(lambda rows: _Objective(x[rows], m[rows]), x.size,
                           np.array([1.0, 1.0, max(float(np.mean(m)), 1e-3)]))
    return GammaGammaParams(float(p), float(q), float(gamma), -_Objective(x, m)(np.array([p, q, gamma]))[0] * x.size)


def expected_spend(p: GammaGammaParams, x: FloatArray, m: FloatArray) -> FloatArray:
    """E[M | x, m] = (γ + m x) p / (p x + q − 1): the population mean pγ/(q−1) shrunk towards the customer's
    own mean m as x grows (needs q > 1; a customer with x = 0 gets the population mean)."""
    return np.asarray((p.gamma + m * x) * p.p / (p.p * x + p.q - 1.0), dtype=np.float64)


class _Objective:
    """Negative mean log-likelihood of repeat buyers and its gradient in (p, q, γ); the Γ and ψ terms depend on
    x alone and are summed once per distinct x (weighted by count)."""

    def __init__(self, x: FloatArray, m: FloatArray) -> None:
        self.n = x.size
        self.x, self.mx = x, m * x
        self.ux, self.count = np.unique(x, return_counts=True)
        self.x_log_mx = float(x @ (np.log(m) + np.log(x)))
        self.log_m_sum = float(np.log(m).sum())

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        p, q, gamma = theta
        n, x, ux, count = self.n, self.x, self.ux, self.count
        pux = p * ux
        log_gmx = np.log(gamma + self.mx)
        psi_pxq = digamma(pux + q)
        ll = float(count @ (gammaln(pux + q) - gammaln(pux)) - n * gammaln(q) + n * q * np.log(gamma)
                   + p * self.x_log_mx - self.log_m_sum - (p * x + q) @ log_gmx)
        grad = np.array([
            (count * ux) @ (psi_pxq - digamma(pux)) + self.x_log_mx - x @ log_gmx,
            count @ psi_pxq - n * digamma(q) + n * np.log(gamma) - log_gmx.sum(),
            n * q / gamma - np.sum((p * x + q) / (gamma + self.mx)),
        ])
        return -ll / n, -grad / n
