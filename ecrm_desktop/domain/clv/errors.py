"""When a store has too little history for the predictive models, say so plainly."""

from __future__ import annotations

from ecrm_desktop.domain.errors import EcrmError

MIN_REPEAT_CUSTOMERS = 200
MIN_HISTORY_DAYS = 90


class InsufficientData(EcrmError):
    """Too little purchase history to fit the BG/NBD and Gamma-Gamma models reliably.

    The minimum is at least 200 customers with a repeat purchase and 90 days between the first purchase and the
    end of the calibration period. Why these numbers: the Gamma-Gamma model is fitted on repeat buyers only, and
    with fewer than a couple of hundred of them the standard errors of p and q are as large as the estimates
    themselves (the CDNOW sample, the field's benchmark, has 946); and BG/NBD separates "bought rarely" from
    "stopped buying" only when the history spans several typical gaps between orders (a quarter covers one to
    three for most shops). Hosted tools ask for more (500 customers, 180 days); the models run with less, but the
    predictions would then be noise dressed as numbers.
    """


def require_enough(repeat_customers: int, history_days: float) -> None:
    """Raise `InsufficientData` unless the minimum documented on that class is met."""
    if repeat_customers < MIN_REPEAT_CUSTOMERS or history_days < MIN_HISTORY_DAYS:
        raise InsufficientData(
            f"Predictions need at least {MIN_REPEAT_CUSTOMERS} customers with a repeat purchase and "
            f"{MIN_HISTORY_DAYS} days of order history; this data has {repeat_customers} repeat customers "
            f"and {history_days:.0f} days.")
