"""Per-customer aggregates stay equal to a recomputation from the orders after random writes."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from ecrm_desktop.domain.enums import FinancialStatus
from ecrm_desktop.domain.records import LineRecord, OrderRecord, RefundLineRecord, RefundRecord
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import (
    Category,
    CategoryPurchase,
    CurrencyRate,
    Customer,
    CustomerCategory,
    CustomerIdentity,
    RecentOrder,
    Store,
)
from tests.factories import T0, customer, make_store, order

CATEGORIES = ["Shoes", "Apparel", "Books", "Beauty"]


def _expected(orders: dict[str, OrderRecord], owner: dict[str, str], rate: dict[str, float]) -> dict[str, dict]:
    """Aggregates recomputed in plain Python from the records last written (the definition, independently)."""
    out: dict[str, dict] = {}
    for ext, rec in orders.items():
        if rec.cancelled_at is not None:
            continue
        cust = owner[ext]
        a = out.setdefault(cust, {"n": 0, "spent": 0, "refunded": 0, "items": 0, "returned": 0,
                                  "first": None, "last": None, "cats": {}, "times": []})
        r = rate[ext]
        a["n"] += 1
        a["spent"] += round(rec.total_cents * r)
        a["refunded"] += round(rec.refunded_cents * r)
        a["items"] += sum(ln.quantity for ln in rec.lines)
        a["returned"] += sum(rl.quantity for rf in rec.refunds for rl in rf.lines)
        a["first"] = min(filter(None, [a["first"], rec.created_at]))
        a["last"] = max(filter(None, [a["last"], rec.created_at]))
        a["times"].append(rec.created_at)
        for ln in rec.lines:
            c = a["cats"].setdefault(ln.category, {"orders": set(), "items": 0, "last": rec.created_at,
                                                   "times": set()})
            c["orders"].add(ext)
            c["times"].add(rec.created_at)
            c["items"] += ln.quantity
            c["last"] = max(c["last"], rec.created_at)
    return out


def _random_order(rng: random.Random, ext: str, cust: str) -> OrderRecord:
    lines = tuple(
        LineRecord(external_id=f"{ext}-l{i}", title=f"Item {i}", quantity=rng.randint(1, 3),
                   unit_price_cents=rng.randint(500, 20000), category=rng.choice(CATEGORIES))
        for i in range(rng.randint(1, 4)))
    return order(ext, cust, rng.randint(0, 700), lines)


def _random_refund(rng: random.Random, rec: OrderRecord) -> OrderRecord:
    line = rng.choice(rec.lines)
    qty = rng.randint(1, line.quantity)
    refund = RefundRecord(external_id=f"{rec.external_id}-r{len(rec.refunds)}",
                          created_at=rec.created_at + timedelta(days=10), amount_cents=qty * line.unit_price_cents,
                          reason="size", lines=(RefundLineRecord(line.external_id, qty, qty * line.unit_price_cents),))
    return replace(rec, refunds=(*rec.refunds, refund), financial_status=FinancialStatus.PARTIALLY_REFUNDED)


def test_aggregates_match_recomputation_after_random_writes(user_session: UserSession) -> None:
    rng = random.Random(20261123)
    ws = user_session.workspace
    with ws.sessions() as s, s.begin():
        usd = make_store(s, "US shop", "USD")
        eur = make_store(s, "EU shop", "EUR")
        s.add(CurrencyRate(currency="EUR", rate_to_reporting=1.08))
        store_ids = {"US": usd.id, "EU": eur.id}
    customers = [f"c-{i}" for i in range(12)]
    orders: dict[str, OrderRecord] = {}
    owner: dict[str, str] = {}
    rate: dict[str, float] = {}
    next_id = 0
    for step in range(30):  # each step is one transaction with a random mix of writes
        with ws.sessions() as s, s.begin():
            region = rng.choice(["US", "EU"])
            store = s.get_one(Store, store_ids[region])
            writer = StoreWriter(s, store, 1.08 if region == "EU" else 1.0)
            prefix = f"{region}:"
            if step == 0 or rng.random() < 0.2:
                writer.upsert_customers(customer(c, f"{c}@example.com") for c in customers)
            batch = []
            for _ in range(rng.randint(1, 6)):
                mine = [e for e in orders if e.startswith(prefix)]
                action = rng.random()
                if action < 0.5 or not mine:
                    ext = f"{prefix}o-{next_id}"
                    next_id += 1
                    rec = _random_order(rng, ext.split(":")[1], rng.choice(customers))
                elif action < 0.7:
                    ext = rng.choice(mine)
                    rec = replace(orders[ext], total_cents=orders[ext].total_cents + rng.randint(-100, 100),
                                  created_at=T0 + timedelta(days=rng.randint(0, 700)))
                elif action < 0.9:
                    ext = rng.choice(mine)
                    rec = _random_refund(rng, orders[ext])
                else:
                    ext = rng.choice(mine)
                    rec = replace(orders[ext], cancelled_at=T0 + timedelta(days=800),
                                  financial_status=FinancialStatus.VOIDED)
                orders[ext], owner[ext] = rec, rec.customer_external_id or ""
                rate[ext] = 1.08 if region == "EU" else 1.0
                batch.append(rec)
            writer.upsert_orders(batch)

    expected = _expected(orders, owner, rate)
    with ws.sessions() as s:
        ext_of = dict(s.execute(select(CustomerIdentity.customer_id, CustomerIdentity.external_id)
                                .where(CustomerIdentity.store_id == store_ids["US"])).all())
        cats = dict(s.execute(select(Category.id, Category.name)).all())
        assert len(ext_of) == len(customers)
        for c in s.execute(select(Customer)).scalars():
            e = expected.get(ext_of[c.id])
            if e is None:
                assert (c.orders_count, c.total_spent_cents, c.first_order_at) == (0, 0, None)
                assert s.execute(select(RecentOrder).where(RecentOrder.customer_id == c.id)).first() is None
                continue
            assert c.orders_count == e["n"]
            assert c.total_spent_cents == e["spent"]
            assert c.aov_cents == round(e["spent"] / e["n"])
            assert c.refunded_cents == e["refunded"]
            assert (c.items_count, c.returned_items) == (e["items"], e["returned"])
            assert c.return_rate == e["returned"] / e["items"]
            assert (c.first_order_at, c.last_order_at) == (e["first"], e["last"])
            rows = s.execute(select(CustomerCategory).where(CustomerCategory.customer_id == c.id)).scalars()
            got = {cats[r.category_id]: (r.orders_count, r.items, r.last_ordered_at) for r in rows}
            assert got == {k: (len(v["orders"]), v["items"], v["last"]) for k, v in e["cats"].items()}
            bought = s.execute(select(CategoryPurchase.category_id, CategoryPurchase.ordered_at)
                               .where(CategoryPurchase.customer_id == c.id)).all()
            assert sorted((cats[k], at) for k, at in bought) == sorted(
                (k, at) for k, v in e["cats"].items() for at in v["times"])
            ranked = s.execute(select(RecentOrder.rank, RecentOrder.ordered_at)
                               .where(RecentOrder.customer_id == c.id).order_by(RecentOrder.rank)).all()
            assert [tuple(r) for r in ranked] == list(enumerate(sorted(e["times"], reverse=True), start=1))


def test_same_email_in_two_stores_is_one_customer(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        a, b = make_store(s, "A"), make_store(s, "B")
        StoreWriter(s, a).upsert_customers([customer("1", "Same.Person@Example.com")])
        created, updated = StoreWriter(s, b).upsert_customers([customer("77", "same.person@example.com")])
        assert (created, updated) == (0, 1)
        ids = s.execute(select(CustomerIdentity.customer_id)).scalars().all()
    assert len(ids) == 2 and len(set(ids)) == 1


def test_order_synced_before_its_customer_is_linked_when_they_arrive(user_session: UserSession) -> None:
    line = LineRecord(external_id="l1", title="Boot", quantity=1, unit_price_cents=9900, category="Shoes")
    with user_session.workspace.sessions() as s, s.begin():
        store = make_store(s)
        writer = StoreWriter(s, store)
        writer.upsert_orders([order("o-1", "c-9", 3, (line,))])
        writer.upsert_customers([customer("c-9", "late@example.com")])
        c = s.execute(select(Customer)).scalar_one()
        assert (c.orders_count, c.total_spent_cents) == (1, 9900)
