"""The demo store generator on its own: deterministic, and shaped like a real store."""

from __future__ import annotations

import numpy as np
import pytest

from ecrm_desktop.storage.columnar import Tables
from ecrm_desktop.sync.emulator.catalogue import CATEGORIES
from ecrm_desktop.sync.emulator.demo_store import BLOCK, DemoStore

CUSTOMERS = 20_000


def generate(customers: int, seed: int, chunk: int) -> Tables:
    """Every block of the demo concatenated into one set of tables."""
    blocks = [b for c in DemoStore(customers, seed).chunks(chunk) for b in c.blocks]
    return {t: {c: np.concatenate([b[t][c] for b in blocks]) for c in blocks[0][t]} for t in blocks[0]}


@pytest.fixture(scope="module")
def demo() -> Tables:
    return generate(CUSTOMERS, 1, CUSTOMERS)


def test_the_same_seed_gives_the_same_store_whatever_the_chunk_size() -> None:
    customers = 2 * BLOCK + 123
    one, other = generate(customers, 7, BLOCK), generate(customers, 7, 3 * BLOCK)
    assert one.keys() == other.keys()
    for table, columns in one.items():
        for name, values in columns.items():
            same = values.view(np.int64) if values.dtype.kind == "M" else values
            assert np.array_equal(same, other[table][name].view(same.dtype)), f"{table}.{name} differs"


def test_another_seed_gives_another_store() -> None:
    one, other = generate(1_000, 1, BLOCK), generate(1_000, 2, BLOCK)
    assert not np.array_equal(one["customers"]["email"], other["customers"]["email"])
    assert one["orders"]["id"].size != other["orders"]["id"].size


def test_orders_per_customer_are_heavy_tailed(demo: Tables) -> None:
    counts = np.bincount(demo["orders"]["customer_id"], minlength=CUSTOMERS)
    assert 0.08 < np.mean(counts == 0) < 0.14
    assert 0.40 < np.mean(counts == 1) < 0.50
    assert 4.5 < counts.mean() < 5.5
    top = np.sort(counts)[::-1]
    assert top[: CUSTOMERS // 100].sum() > 0.08 * counts.sum()  # the best 1% place over 8% of the orders
    assert top[0] >= 60


def test_november_and_december_are_busier_than_june(demo: Tables) -> None:
    months = demo["orders"]["created_at"].astype("datetime64[M]").astype(str)
    june, november, december = (np.sum(months == m) for m in ("2025-06", "2025-11", "2025-12"))
    assert november > 1.5 * june
    assert december > 1.5 * june


def test_return_rates_differ_by_category(demo: Tables) -> None:
    lines, returned = demo["order_lines"], demo["refund_lines"]
    was_returned = np.isin(lines["id"], returned["order_line_id"])
    rate = {c.name: was_returned[lines["category_id"] == i].mean() for i, c in enumerate(CATEGORIES)}
    assert rate["Shoes"] > 0.15
    assert rate["Books"] < 0.04
    assert rate["Shoes"] > 5 * rate["Books"]
    assert rate["Dresses"] > 3 * rate["Skincare"]


def test_about_one_in_two_hundred_customers_is_known_to_both_stores(demo: Tables) -> None:
    identities = demo["customer_identities"]
    per_customer = np.bincount(identities["customer_id"], minlength=CUSTOMERS)
    assert set(np.unique(per_customer).tolist()) == {1, 2}
    assert 0.003 < np.mean(per_customer == 2) < 0.008
    both = np.flatnonzero(per_customer == 2)
    stores = identities["store_id"][np.isin(identities["customer_id"], both)]
    assert np.array_equal(np.bincount(stores), [both.size, both.size])


def test_euro_orders_carry_the_exchange_rate(demo: Tables) -> None:
    orders = demo["orders"]
    euro = orders["currency"] == "EUR"
    assert 0.1 < euro.mean() < 0.5
    assert np.all(orders["exchange_rate"][~euro] == 1.0)
    assert np.array_equal(orders["total_reporting_cents"][euro],
                          np.rint(orders["total_cents"][euro] * 1.08).astype(np.int64))


def test_recent_orders_are_not_yet_fulfilled_and_a_few_are_cancelled(demo: Tables) -> None:
    orders = demo["orders"]
    cancelled = ~np.isnat(orders["cancelled_at"])
    assert 0.01 < cancelled.mean() < 0.03
    assert np.all(orders["financial_status"][cancelled] == "VOIDED")
    last_day = orders["created_at"] > np.datetime64("2026-10-31T00:00:00")
    assert np.all(orders["fulfillment_status"][last_day & (orders["sales_channel"] != "pos")] == "UNFULFILLED")


def test_tickets_reach_a_few_percent_of_customers(demo: Tables) -> None:
    tickets = demo["tickets"]
    share = np.unique(tickets["customer_id"]).size / CUSTOMERS
    assert 0.03 < share < 0.05
    assert {"OPEN", "PENDING", "SOLVED"} <= set(tickets["status"].tolist())
    messages = demo["ticket_messages"]
    assert set(messages["kind"].tolist()) == {"INBOUND", "REPLY", "NOTE"}
    assert np.all(messages["sent_at"] >= tickets["created_at"][np.searchsorted(tickets["id"],
                                                                                 messages["ticket_id"])])
