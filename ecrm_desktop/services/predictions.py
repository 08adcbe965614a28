"""Scoring the whole workspace and storing the result: run after a sync (in the background in the window, by
`ecrm clv score` from scripts) so the 360° view, segments and exports read predictions without refitting."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np

from ecrm_desktop.domain import recommend
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.clv import score_customers
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit, basket_queries, prediction_queries, predictions
from ecrm_desktop.storage.tables import utcnow

CHUNK = 50_000


@dataclass(frozen=True)
class ScoringSummary:
    customers: int
    products: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)  # seconds of each step, in order


def refresh_predictions(session: UserSession, today: date | None = None,
                        progress: Callable[[int, int], None] | None = None) -> ScoringSummary:
    """Fit the models on every order up to `today` (default: today, UTC), score every customer with an order,
    learn each product's nearest neighbours, and replace what was stored: the predictions of `CHUNK` customers
    per transaction (a reader sees each customer's old or new prediction; `progress(done, total)` follows them),
    then the neighbours. Raises
    `InsufficientData` (stored predictions stay as they were) when the history is too thin."""
    require(session, Operation.SYNC)
    started = time.perf_counter()
    clock = _Phases()
    scored = score_customers(session, today or datetime.now(UTC).date(), clock.lap)
    with session.workspace.sessions() as s:
        buyer_ids, product_ids = basket_queries.customer_products(s)
    clock.lap("read purchases")
    customers, customer = np.unique(buyer_ids, return_inverse=True)
    products, item = np.unique(product_ids, return_inverse=True)
    history = recommend.incidence(customer, item, (customers.size, products.size))
    product, neighbour, score = recommend.neighbours(recommend.item_similarity(history))
    clock.lap("learn product neighbours")
    scored_at = utcnow()
    scored = sorted(scored, key=lambda p: p.customer_id)
    starts = range(0, max(len(scored), 1), CHUNK)
    for step, start in enumerate(starts, start=1):  # one short transaction per chunk of customers
        chunk = scored[start:start + CHUNK]
        low = None if start == 0 else chunk[0].customer_id
        high = None if start + CHUNK >= len(scored) else scored[start + CHUNK].customer_id - 1
        with session.workspace.sessions() as s, s.begin():
            predictions.replace_range(s, chunk, scored_at, low, high)
        if progress:
            progress(step, len(starts))
    with session.workspace.sessions() as s, s.begin():
        predictions.replace_neighbours(s, products[product], products[neighbour], score)
        prediction_queries.keep_figures(s)
        audit.append(s, session.user_name, "predictions.refresh", customers=len(scored))
    clock.lap("store")
    return ScoringSummary(len(scored), int(products.size), time.perf_counter() - started, clock.seconds)


class _Phases:
    """Seconds spent in each named step, each measured from the end of the one before."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = round(now - self._last, 3)
        self._last = now
