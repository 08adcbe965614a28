"""Scoring the whole workspace and storing the result: run after a sync (in the background in the window, by
`ecrm clv score` from scripts) so the 360° view, segments and exports read predictions without refitting."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np

from ecrm_desktop.domain import recommend
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.clv import score_customers
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit, basket_queries, predictions
from ecrm_desktop.storage.tables import utcnow


@dataclass(frozen=True)
class ScoringSummary:
    customers: int
    products: int
    seconds: float


def refresh_predictions(session: UserSession, today: date | None = None) -> ScoringSummary:
    """Fit the models on every order up to `today` (default: today, UTC), score every customer with an order,
    learn each product's nearest neighbours, and replace what was stored, in one transaction. Raises
    `InsufficientData` (stored predictions stay as they were) when the history is too thin."""
    require(session, Operation.SYNC)
    started = time.perf_counter()
    scored = score_customers(session, today or datetime.now(UTC).date())
    with session.workspace.sessions() as s:
        items = basket_queries.order_items(s)
    customers, customer = np.unique(items.customer_ids, return_inverse=True)
    products, item = np.unique(items.product_ids, return_inverse=True)
    history = recommend.incidence(customer, item, (customers.size, products.size))
    product, neighbour, score = recommend.neighbours(recommend.item_similarity(history))
    with session.workspace.sessions() as s, s.begin():
        predictions.replace_predictions(s, scored, utcnow())
        predictions.replace_neighbours(s, products[product], products[neighbour], score)
        audit.append(s, session.user_name, "predictions.refresh", customers=len(scored))
    return ScoringSummary(len(scored), int(products.size), time.perf_counter() - started)
