"""How well the recommendations would have predicted each customer's latest order."""

from __future__ import annotations

from typing import Any

import numpy as np

from ecrm_desktop.domain import recommend
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import basket_queries


def evaluate(session: UserSession) -> dict[str, Any]:
    """Leave-last-order-out hit rate at 10 over customers with at least two orders, against recommending the
    most popular items (both skip items the customer already bought).

    Each customer's last order is hidden; item similarity is learnt from everything else, with each customer's
    remaining purchases as one basket ("customers who bought X also bought Y"), and a hit is any of the ten
    items recommended from the customer's earlier orders appearing in the hidden order.
    """
    require(session, Operation.RUN_MODELS)
    with session.workspace.sessions() as s:
        rows = basket_queries.order_items(s)
    customers, customer = np.unique(rows.customer_ids, return_inverse=True)
    products, item = np.unique(rows.product_ids, return_inverse=True)
    last_row = np.ones(customer.size, dtype=bool)  # rows come by customer, then time
    last_row[:-1] = customer[1:] != customer[:-1]
    in_last_order = rows.order_ids == rows.order_ids[last_row][customer]
    orders = np.unique(np.column_stack([customer, rows.order_ids]), axis=0)[:, 0]
    evaluated = np.bincount(orders, minlength=customers.size) >= 2
    held_out = in_last_order & evaluated[customer]
    shape = (customers.size, products.size)
    history = recommend.incidence(customer[~held_out], item[~held_out], shape)
    targets = recommend.incidence(customer[held_out], item[held_out], shape)
    similarity = recommend.item_similarity(history)
    popularity = recommend.popularity(history)
    who = np.flatnonzero(evaluated)
    return {
        "customers": int(who.size), "items": int(products.size), "k": recommend.TOP_N,
        "hit_rate_at_10": recommend.hit_rate(recommend.recommend(similarity, history[who], popularity),
                                             targets[who]),
        "popularity_hit_rate_at_10": recommend.hit_rate(recommend.most_popular(history[who], popularity),
                                                        targets[who]),
    }
