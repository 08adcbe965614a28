"""Recommendations find a planted "bought X, later buys its partner" signal that popularity cannot."""

from __future__ import annotations

import random

from ecrm_desktop.domain.records import LineRecord
from ecrm_desktop.services.recommend import evaluate
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import Product
from tests.factories import customer, make_store, order

PAIRS = 15  # product k is later followed by its partner k + PAIRS
BESTSELLERS = 5  # products 2·PAIRS .. 2·PAIRS + 4, bought by everyone at random


def _line(ext: str, product: int) -> LineRecord:
    return LineRecord(external_id=ext, title=f"Product {product}", quantity=1, unit_price_cents=1000,
                      product_external_id=f"p{product}")


def test_co_occurrence_beats_popularity_on_a_planted_signal(user_session: UserSession) -> None:
    rng = random.Random(7)
    bestsellers = range(2 * PAIRS, 2 * PAIRS + BESTSELLERS)
    orders, n = [], 0
    with user_session.workspace.sessions() as s, s.begin():
        store = make_store(s)
        s.add_all(Product(store_id=store.id, external_id=f"p{i}", title=f"Product {i}")
                  for i in range(2 * PAIRS + BESTSELLERS))
        s.flush()
        writer = StoreWriter(s, store)
        people = [customer(f"c-{i}", f"c{i}@example.com") for i in range(100)]
        writer.upsert_customers(people)
        for i in range(100):
            k = rng.randrange(PAIRS)
            baskets: list[tuple[int, ...]]
            if i < 40:  # one basket holding the pair: what the model learns from
                baskets = [(k, k + PAIRS, rng.choice(bestsellers))]
            else:  # first the product, later its partner (the hidden last order)
                baskets = [(k, rng.choice(bestsellers)), (k + PAIRS,)]
            for day, products in enumerate(baskets):
                n += 1
                orders.append(order(f"o-{n}", f"c-{i}", 10 * day + i % 7,
                                    tuple(_line(f"o-{n}-{j}", p) for j, p in enumerate(products))))
        writer.upsert_orders(orders)

    result = evaluate(user_session)

    assert result["customers"] == 60
    assert result["items"] == 2 * PAIRS + BESTSELLERS
    assert result["hit_rate_at_10"] > 0.9
    assert result["popularity_hit_rate_at_10"] < 0.6
    assert result["hit_rate_at_10"] > result["popularity_hit_rate_at_10"] + 0.3


def test_an_empty_workspace_evaluates_to_zero(user_session: UserSession) -> None:
    assert evaluate(user_session) == {"customers": 0, "items": 0, "k": 10, "hit_rate_at_10": 0.0,
                                      "popularity_hit_rate_at_10": 0.0}
