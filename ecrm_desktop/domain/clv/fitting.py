"""Maximum likelihood on log-parameters, shared by the BG/NBD and Gamma-Gamma fits."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import minimize  # type: ignore[import-untyped]

from ecrm_desktop.domain.arrays import FloatArray, IntArray

# The negative mean log-likelihood and its gradient with respect to the (positive) parameters.
Objective = Callable[[FloatArray], tuple[float, FloatArray]]
WARM_START_ROWS = 50_000
LOG_BOUND = 25.0  # parameters stay within e^±25: finite even on degenerate data (every order the same amount)


def maximise(objective_for: Callable[[IntArray | slice], Objective], rows: int, start: FloatArray) -> FloatArray:
    """Minimise `objective_for(all rows)` over θ = exp(φ) with L-BFGS-B on φ, so every parameter stays positive
    (chain rule: ∂f/∂φ = θ · ∂f/∂θ), and return θ at the optimum (|φ| ≤ `LOG_BOUND`).

    Above `WARM_START_ROWS` rows it first fits an evenly spaced sample of that many rows and starts from there:
    the full-data fit then needs a handful of iterations instead of twenty or more.
    """
    if rows > WARM_START_ROWS:
        start = _minimise(objective_for(np.linspace(0, rows - 1, WARM_START_ROWS).astype(np.int64)), start)
    return _minimise(objective_for(slice(None)), start)


def _minimise(objective: Objective, start: FloatArray) -> FloatArray:
    def on_logs(phi: FloatArray) -> tuple[float, FloatArray]:
        theta = np.exp(phi)
        value, grad = objective(theta)
        return value, grad * theta

    result = minimize(on_logs, np.log(start), jac=True, method="L-BFGS-B",
                      bounds=[(-LOG_BOUND, LOG_BOUND)] * start.size,
                      options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-8})
    return np.exp(np.asarray(result.x, dtype=np.float64))
