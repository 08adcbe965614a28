"""Recommendations find a planted "bought X, later buys its partner" signal that popularity cannot."""

from __future__ import annotations

import random
from dataclasses import replace

from sqlalchemy import select

from ecrm_desktop.domain.records import LineRecord
from ecrm_desktop.services.recommend import evaluate
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.basket_queries import customer_products, order_items
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import Order, Product
from tests.factories import T0, customer, make_store, order

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


def test_order_items_are_distinct_and_in_time_order_whatever_order_they_were_written_in(
        user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        store = make_store(s)
        s.add_all(Product(store_id=store.id, external_id=f"p{i}", title=f"Product {i}") for i in range(4))
        s.flush()
        writer = StoreWriter(s, store)
        writer.upsert_customers([customer("a", "a@example.com"), customer("b", "b@example.com")])
        late = order("o-4", "a", 30, (_line("l1", 1), _line("l2", 1), _line("l3", 2)))  # product 1 twice
        early = order("o-1", "a", 5, (_line("e1", 3),))
        gone = replace(order("o-2", "a", 10, (_line("g1", 0),)), cancelled_at=T0)
        other = order("o-3", "b", 1, (_line("x1", 2), _line("x2", 0)))
        writer.upsert_orders([late, other, gone, early])  # ids do not follow time
        ids = dict(s.execute(select(Order.external_id, Order.id)).all())
        products = dict(s.execute(select(Product.external_id, Product.id)).all())
        a, b = (s.execute(select(Order.customer_id).where(Order.external_id == e)).scalar_one()
                for e in ("o-4", "o-3"))
        items = order_items(s)
        pairs = customer_products(s)
    p = [products[f"p{i}"] for i in range(4)]
    rows_a = [(a, ids["o-1"], p[3]), *sorted([(a, ids["o-4"], p[1]), (a, ids["o-4"], p[2])], key=lambda r: r[2])]
    rows_b = sorted([(b, ids["o-3"], p[2]), (b, ids["o-3"], p[0])], key=lambda r: r[2])
    expected = rows_a + rows_b if a < b else rows_b + rows_a
    got = list(zip(items.customer_ids.tolist(), items.order_ids.tolist(), items.product_ids.tolist(), strict=True))
    assert got == expected
    assert sorted(zip(*(x.tolist() for x in pairs), strict=True)) == sorted({(c, pr) for c, _, pr in expected})
