"""Drawing customers from the BG/NBD and Gamma-Gamma models: test data with known parameters and benchmark
data of any size."""

from __future__ import annotations

import numpy as np

from ecrm_desktop.domain.arrays import FloatArray
from ecrm_desktop.domain.clv.bgnbd import BgNbdParams
from ecrm_desktop.domain.clv.gamma_gamma import GammaGammaParams
from ecrm_desktop.domain.clv.summary import Rfm


def simulate(bg: BgNbdParams, gg: GammaGammaParams, age: FloatArray, rng: np.random.Generator) -> Rfm:
    """One customer per entry of `age` (T), vectorised.

    λ ~ Gamma(r, 1/α), p ~ Beta(a, b); repeat purchases arrive as a Poisson process of rate λ and the customer
    leaves after the J-th one, J ~ Geometric(p). With N ~ Poisson(λT) arrivals in (0, T], x = min(N, J) and
    t_x/T is the x-th of N uniform order statistics, ~ Beta(x, N−x+1). Spend: ν ~ Gamma(q, 1/γ) and the mean of
    x values drawn from Gamma(p, 1/ν) is Gamma(px, 1/(νx)).
    """
    n = age.size
    rate = rng.gamma(bg.r, 1.0 / bg.alpha, n)
    dropout = rng.beta(bg.a, bg.b, n)
    arrivals = rng.poisson(rate * age)
    x = np.minimum(arrivals, rng.geometric(dropout)).astype(np.float64)
    repeat = x > 0
    recency = np.zeros(n)
    recency[repeat] = age[repeat] * rng.beta(x[repeat], arrivals[repeat] - x[repeat] + 1.0)
    nu = rng.gamma(gg.q, 1.0 / gg.gamma, n)
    monetary = np.zeros(n)
    monetary[repeat] = rng.gamma(gg.p * x[repeat], 1.0 / (nu[repeat] * x[repeat]))
    return Rfm(frequency=x, recency=recency, age=age.astype(np.float64), monetary=monetary)
