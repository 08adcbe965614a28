"""Every dashboard figure equals an independent computation in plain Python over the records that were written.

The store data is random (two stores, one converting at 1.5 so amounts have halves to round; orders across a
daylight saving change, refunds made up to two months later, cancellations), written through the store writer
with the rollups refreshed after each write as the writer will; the reference below never reads the database.
"""

from __future__ import annotations

import random
import statistics
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from ecrm_desktop.domain import kpis
from ecrm_desktop.domain.enums import FinancialStatus, TicketChannel, TicketStatus
from ecrm_desktop.domain.kpis import Period
from ecrm_desktop.domain.records import LineRecord, OrderRecord, RefundLineRecord, RefundRecord
from ecrm_desktop.services.dashboard import DashboardService
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import rollups
from ecrm_desktop.storage.settings import write_setting
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import (
    AbandonedCheckout,
    CurrencyRate,
    CustomerIdentity,
    Product,
    Store,
    Ticket,
)
from tests.factories import T0, customer, make_store, order

ZONE = ZoneInfo("Europe/Berlin")
RATES = {"US": 1.0, "EU": 1.5}
CATEGORIES = ["Shoes", "Apparel", None]
CHANNELS = ["web", "pos", "instagram", None]
COUNTRIES = ["DE", "FR", None]
PRODUCTS = {f"p{i}": f"Product {i}" for i in range(6)}
CUSTOMERS = [f"c-{i}" for i in range(14)]
NOW = datetime(2025, 12, 20, 12, tzinfo=UTC)


@dataclass
class Written:
    rec: OrderRecord
    region: str


def half_up(x: float) -> int:
    return int(x + 0.5) if x >= 0 else -int(-x + 0.5)


def local(t: datetime) -> date:
    return t.astimezone(ZONE).date()


def month(d: date) -> str:
    return d.strftime("%Y-%m")


# -- the reference --------------------------------------------------------------------------------------------

class Reference:
    """The definitions of docs/dashboard.md, computed from the records (restricted to `members` when given)."""

    def __init__(self, orders: dict[str, Written], tickets: list[dict[str, Any]], checkouts: list[dict[str, Any]],
                 spend: dict[tuple[str, str], int], members: set[str] | None = None) -> None:
        self.orders = [w for w in orders.values() if w.rec.cancelled_at is None
                       and (members is None or w.rec.customer_external_id in members)]
        self.tickets = [t for t in tickets if members is None or t["customer"] in members]
        self.checkouts = [c for c in checkouts if members is None or c["customer"] in members]
        self.spend = spend
        self.firsts: dict[str, Written] = {}
        for w in sorted(self.orders, key=lambda w: w.rec.created_at):
            self.firsts.setdefault(w.rec.customer_external_id or "", w)

    def figures(self, p: Period) -> dict[str, Any]:
        inside = [w for w in self.orders if p.start <= local(w.rec.created_at) <= p.end]
        gross = sum(round(w.rec.total_cents * RATES[w.region]) for w in inside)
        refunds = sum(half_up(r.amount_cents * RATES[w.region]) for w in self.orders for r in w.rec.refunds
                      if p.start <= local(r.created_at) <= p.end)
        months, before = p.months(), p.previous_months()
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for w in self.orders:
            m = month(local(w.rec.created_at))
            if m in months:
                per[w.rec.customer_external_id or ""][0] += 1
            if m in before:
                per[w.rec.customer_external_id or ""][1] += 1
        active = sum(1 for n, _ in per.values() if n)
        previous = sum(1 for _, n in per.values() if n)
        retained = sum(1 for a, b in per.values() if a and b)
        new = sum(1 for w in self.firsts.values() if p.start <= local(w.rec.created_at) <= p.end)
        last_day = kpis.month_last_day(months[-1])
        acquired = [c for c, w in self.firsts.items() if local(w.rec.created_at) <= last_day]
        lifetime = sum(round(w.rec.total_cents * RATES[w.region]) - half_up(w.rec.refunded_cents * RATES[w.region])
                       for w in self.orders if local(w.rec.created_at) <= last_day)
        answered = [t["first_response_at"] - t["created_at"] for t in self.tickets
                    if t["first_response_at"] is not None and p.start <= local(t["created_at"]) <= p.end]
        abandoned = [c for c in self.checkouts
                     if c["completed_at"] is None and p.start <= local(c["created_at"]) <= p.end]
        return {
            "gross_cents": gross, "refunded_cents": refunds, "net_cents": gross - refunds, "orders": len(inside),
            "aov_cents": half_up(gross / len(inside)) if inside else None, "new_customers": new,
            "returning_customers": active - new,
            "repeat_rate": sum(1 for n, _ in per.values() if n >= 2) / active if active else None,
            "retention": retained / previous if previous else None,
            "churn": 1 - retained / previous if previous else None,
            "clv_cents": half_up(lifetime / len(acquired)) if acquired else None,
            "abandoned_checkouts": len(abandoned),
            "abandoned_cents": sum(half_up(c["total_cents"] * RATES[c["region"]]) for c in abandoned),
            "open_tickets": sum(1 for t in self.tickets if t["status"] != TicketStatus.SOLVED),
            "median_first_response": statistics.median(answered) if answered else None,
        }

    def by(self, p: Period, key: str) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for w in self.orders:
            if p.start <= local(w.rec.created_at) <= p.end:
                out[getattr(w.rec, key) or ""] += round(w.rec.total_cents * RATES[w.region])
        return dict(out)

    def categories(self, p: Period) -> dict[str, tuple[int, int, int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for w in self.orders:
            if not p.start <= local(w.rec.created_at) <= p.end:
                continue
            cat = {ln.external_id: ln.category or "Uncategorised" for ln in w.rec.lines}
            for ln in w.rec.lines:
                out[cat[ln.external_id]][0] += ln.quantity
                out[cat[ln.external_id]][1] += half_up(ln.total_cents * RATES[w.region])
            for r in w.rec.refunds:
                for rl in r.lines:
                    out[cat[rl.line_external_id]][2] += rl.quantity
        return {k: (a, b, c) for k, (a, b, c) in out.items()}

    def products(self, p: Period) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for w in self.orders:
            if p.start <= local(w.rec.created_at) <= p.end:
                for ln in w.rec.lines:
                    if ln.product_external_id:
                        title = f"{w.region} {PRODUCTS[ln.product_external_id]}"
                        out[title][0] += ln.quantity
                        out[title][1] += half_up(ln.total_cents * RATES[w.region])
        top = sorted(out.items(), key=lambda kv: (-kv[1][1], kv[0]))[:10]
        return {k: (a, b) for k, (a, b) in top}

    def acquisition(self, p: Period) -> dict[str, tuple[int, int, int]]:
        new: dict[str, int] = defaultdict(int)
        for w in self.firsts.values():
            if p.start <= local(w.rec.created_at) <= p.end:
                new[w.rec.sales_channel or ""] += 1
        revenue = self.by(p, "sales_channel")
        out = {}
        for channel in set(new) | set(revenue) | {c for c, m in self.spend if m in p.months()}:
            spent = 0.0
            for (c, m), cents in self.spend.items():
                if c != channel:
                    continue
                days = [kpis.month_first_day(m) + timedelta(days=i)
                        for i in range((kpis.month_last_day(m) - kpis.month_first_day(m)).days + 1)]
                spent += cents * sum(1 for d in days if p.start <= d <= p.end) / len(days)
            out[channel] = (new.get(channel, 0), half_up(spent), revenue.get(channel, 0))
        return out


# -- the data -------------------------------------------------------------------------------------------------

def random_order(rng: random.Random, ext: str, cust: str) -> OrderRecord:
    lines = tuple(LineRecord(external_id=f"{ext}-l{i}", title=f"Item {i}", quantity=rng.randint(1, 3),
                             unit_price_cents=rng.randint(99, 9999), category=rng.choice(CATEGORIES),
                             product_external_id=rng.choice([*PRODUCTS, None]))
                  for i in range(rng.randint(1, 3)))
    rec = order(ext, cust, rng.randint(0, 330), lines, sales_channel=rng.choice(CHANNELS),
                shipping_country=rng.choice(COUNTRIES))
    return replace(rec, created_at=rec.created_at + timedelta(hours=rng.randint(0, 23), minutes=rng.randint(0, 59)))


def with_refund(rng: random.Random, rec: OrderRecord) -> OrderRecord:
    line = rng.choice(rec.lines)
    qty = rng.randint(1, line.quantity)
    amount = qty * line.unit_price_cents
    refund = RefundRecord(external_id=f"{rec.external_id}-r{len(rec.refunds)}", reason="size", amount_cents=amount,
                          created_at=rec.created_at + timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23)),
                          lines=(RefundLineRecord(line.external_id, qty, amount),))
    return replace(rec, refunds=(*rec.refunds, refund), financial_status=FinancialStatus.PARTIALLY_REFUNDED)


@pytest.fixture
def shop(user_session: UserSession) -> tuple[UserSession, Reference, dict[str, Any]]:
    rng = random.Random(11)
    ws = user_session.workspace
    with ws.sessions() as s, s.begin():
        write_setting(s, "timezone", "Europe/Berlin")
        s.add(CurrencyRate(currency="EUR", rate_to_reporting=RATES["EU"]))
        stores = {"US": make_store(s, "US shop", "USD"), "EU": make_store(s, "EU shop", "EUR")}
        for region, store in stores.items():
            s.add_all(Product(store_id=store.id, external_id=ext, title=f"{region} {title}")
                      for ext, title in PRODUCTS.items())
        store_ids = {k: v.id for k, v in stores.items()}
        rollups.rebuild(s)  # empty: from here on only the incremental refresh keeps them
    orders: dict[str, Written] = {}
    for step in range(12):
        region = "EU" if step % 2 else "US"
        with ws.sessions() as s, s.begin():
            store = s.get_one(Store, store_ids[region])
            writer = StoreWriter(s, store, RATES[region])
            writer.upsert_customers(customer(c, f"{c}@example.com") for c in CUSTOMERS)
            batch = []
            for _ in range(rng.randint(4, 9)):
                mine = [k for k in orders if k.startswith(region)]
                action = rng.random()
                if action < 0.6 or not mine:
                    key = f"{region}:o-{len(orders)}"
                    rec = random_order(rng, key.split(":")[1], rng.choice(CUSTOMERS))
                elif action < 0.9:
                    key = rng.choice(mine)
                    rec = with_refund(rng, orders[key].rec)
                else:
                    key = rng.choice(mine)
                    rec = replace(orders[key].rec, cancelled_at=orders[key].rec.created_at + timedelta(days=1))
                orders[key] = Written(rec, region)
                batch.append(rec)
            writer.upsert_orders(batch)
    tickets, checkouts = [], []
    with ws.sessions() as s, s.begin():
        ids = dict(s.execute(select(CustomerIdentity.external_id, CustomerIdentity.customer_id)
                             .where(CustomerIdentity.store_id == store_ids["US"])).all())
        for i in range(30):
            created = T0 + timedelta(days=rng.randint(0, 330), hours=rng.randint(0, 23))
            t = {"customer": rng.choice(CUSTOMERS), "created_at": created,
                 "status": rng.choice(list(TicketStatus)),
                 "first_response_at": rng.choice([None, created + timedelta(minutes=rng.randint(5, 3000))])}
            tickets.append(t)
            s.add(Ticket(subject=f"Ticket {i}", status=t["status"], channel=TicketChannel.EMAIL,
                         customer_id=ids[t["customer"]], created_at=created, first_response_at=t["first_response_at"]))
            region = rng.choice(["US", "EU"])
            c = {"customer": rng.choice(CUSTOMERS), "created_at": created, "region": region,
                 "total_cents": rng.randint(101, 30001),
                 "completed_at": rng.choice([None, None, created + timedelta(hours=2)])}
            checkouts.append(c)
            s.add(AbandonedCheckout(store_id=store_ids[region], external_id=f"ck{i}", customer_id=ids[c["customer"]],
                                    created_at=created, updated_at=created, completed_at=c["completed_at"],
                                    currency="USD" if region == "US" else "EUR", total_cents=c["total_cents"]))
    spend = {("web", "2025-05"): 31_000, ("web", "2025-06"): 12_345, ("instagram", "2025-06"): 50_001}
    service = DashboardService(user_session, clock=lambda: NOW)
    service.import_spend([(c, m, cents) for (c, m), cents in spend.items()])
    data = {"orders": orders, "tickets": tickets, "checkouts": checkouts, "spend": spend}
    return user_session, Reference(orders, tickets, checkouts, spend), data


PERIODS = [Period(date(2025, 4, 1), date(2025, 6, 30)),  # a quarter (its previous one too)
           Period(date(2025, 3, 20), date(2025, 4, 9)),  # across the change to summer time, off month edges
           Period(date(2025, 1, 1), date(2025, 12, 31)),
           Period(date(2024, 6, 1), date(2024, 6, 30)),  # before any order
           Period(date(2025, 3, 20), date(2025, 6, 9))]  # whole months and days either side


def check(service: DashboardService, ref: Reference, period: Period, segment: str | None = None) -> None:
    got = service.load(period, segment)
    for p, figures in ((period, got.current), (period.previous(), got.previous)):
        want = ref.figures(p)
        have = {k: getattr(figures, k) for k in want}
        assert have == want, p
    assert got.by_channel == ref.by(period, "sales_channel")
    assert got.by_country == ref.by(period, "shipping_country")
    assert {c.category: (c.items, c.sales_cents, c.returned_items) for c in got.categories} == ref.categories(period)
    assert {p.product: (p.items, p.sales_cents) for p in got.products} == ref.products(period)
    assert {a.channel: (a.new_customers, a.spend_cents, a.gross_cents) for a in got.acquisition} \
        == ref.acquisition(period)
    assert sum(p.gross_cents for p in got.series) == ref.figures(period)["gross_cents"]


def test_figures_match_an_independent_computation(shop: tuple[UserSession, Reference, dict[str, Any]]) -> None:
    session, ref, data = shop
    written = [w for w in data["orders"].values() if w.rec.cancelled_at is None]
    late = [r for w in written for r in w.rec.refunds if month(local(r.created_at)) != month(local(w.rec.created_at))]
    halves = [w for w in written if w.region == "EU" and w.rec.total_cents % 2]
    assert late and halves  # the edge cases are in the data: refunds after the order's period, halves to round
    for period in PERIODS:
        check(DashboardService(session, clock=lambda: NOW), ref, period)


def test_a_segment_keeps_to_its_members(shop: tuple[UserSession, Reference, dict[str, Any]]) -> None:
    session, _, data = shop
    SegmentService(session).save("Regulars", "number_of_orders >= 6")
    counted: dict[str, int] = defaultdict(int)
    for w in data["orders"].values():
        if w.rec.cancelled_at is None:
            counted[w.rec.customer_external_id or ""] += 1
    members = {c for c, n in counted.items() if n >= 6}
    assert 0 < len(members) < len(CUSTOMERS)
    ref = Reference(data["orders"], data["tickets"], data["checkouts"], data["spend"], members)
    check(DashboardService(session, clock=lambda: NOW), ref, PERIODS[0], "Regulars")


def test_a_sync_that_changes_members_orders_updates_the_segment_figures(
        shop: tuple[UserSession, Reference, dict[str, Any]]) -> None:
    """The writer moves a segment's rollups with its members' orders; the refresh after the sync moves them by
    who entered; the dashboard says when the members were evaluated."""
    session, _, data = shop
    orders: dict[str, Written] = data["orders"]
    segments = SegmentService(session)
    segments.save("Regulars", "number_of_orders >= 6")

    def counted() -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for w in orders.values():
            if w.rec.cancelled_at is None:
                out[w.rec.customer_external_id or ""] += 1
        return out

    members = {c for c, n in counted().items() if n >= 6}
    outsider = next(c for c in CUSTOMERS if c not in members)
    member = sorted(members)[0]
    rng = random.Random(5)
    with session.workspace.sessions() as s, s.begin():  # a sync's page: new orders, a late refund
        store = s.execute(select(Store).where(Store.name == "US shop")).scalar_one()
        batch = [random_order(rng, f"late-{i}", who) for i, who in enumerate([member, member, *[outsider] * 6])]
        for rec in batch:
            orders[f"US:{rec.external_id}"] = Written(rec, "US")
        key = next(k for k, w in orders.items() if k.startswith("US:") and w.rec.customer_external_id == member
                   and w.rec.cancelled_at is None)
        orders[key] = Written(with_refund(rng, orders[key].rec), "US")
        StoreWriter(s, store, RATES["US"]).upsert_orders([*batch, orders[key].rec])
    service = DashboardService(session, clock=lambda: NOW)
    for period in (PERIODS[2], PERIODS[4]):  # the members as evaluated: the outsider's orders are not theirs yet
        check(service, Reference(orders, data["tickets"], data["checkouts"], data["spend"], members), period,
              "Regulars")
    segments.refresh_all()  # as after the sync
    grown = {c for c, n in counted().items() if n >= 6}
    assert grown == members | {outsider}
    got = service.load(PERIODS[2], "Regulars")
    assert got.members_as_of is not None and got.members_as_of > NOW - timedelta(days=3650)
    check(service, Reference(orders, data["tickets"], data["checkouts"], data["spend"], grown), PERIODS[2],
          "Regulars")


def test_a_period_with_only_a_refund(user_session: UserSession) -> None:
    line = LineRecord(external_id="l1", title="Boot", quantity=1, unit_price_cents=1001, category="Shoes")
    rec = order("o-1", "c-1", 10, (line,))
    rec = replace(rec, refunds=(RefundRecord(external_id="r1", created_at=T0 + timedelta(days=40), amount_cents=1001,
                                             lines=(RefundLineRecord("l1", 1, 1001),)),))
    with user_session.workspace.sessions() as s, s.begin():
        write_setting(s, "timezone", "UTC")
        writer = StoreWriter(s, make_store(s, "EU", "EUR"), 1.5)
        writer.upsert_customers([customer("c-1", "a@example.com")])
        writer.upsert_orders([rec])
    got = DashboardService(user_session).load(Period(date(2025, 2, 1), date(2025, 2, 28)))
    f = got.current
    assert (f.gross_cents, f.refunded_cents, f.net_cents, f.orders, f.aov_cents) == (0, 1502, -1502, 0, None)
    assert (f.new_customers, f.returning_customers, f.repeat_rate, f.retention) == (0, 0, None, 0.0)
    assert got.previous.gross_cents == 1502 and got.previous.retention is None
    assert {c.category: c.return_rate for c in got.categories} == {}


def test_repeat_and_retention_count_whole_months(user_session: UserSession) -> None:
    line = LineRecord(external_id="l1", title="Boot", quantity=1, unit_price_cents=1000)
    days = {"a-1": 100, "a-2": 160, "b-1": 70, "b-2": 101, "b-3": 102}  # a: April and June; b: March, April twice
    with user_session.workspace.sessions() as s, s.begin():
        write_setting(s, "timezone", "UTC")
        writer = StoreWriter(s, make_store(s))
        writer.upsert_customers([customer("a", "a@example.com"), customer("b", "b@example.com")])
        writer.upsert_orders([order(f"o-{i}", ext[0], day, (line,)) for i, (ext, day) in enumerate(days.items())])
    quarter = DashboardService(user_session).load(Period(date(2025, 4, 1), date(2025, 6, 30))).current
    assert (quarter.new_customers, quarter.returning_customers) == (1, 1)  # a is new in April, b came back
    assert quarter.repeat_rate == 1.0  # a: a second month in the run; b: two orders in April
    assert quarter.retention == 1.0  # b ordered in the quarter before and again
    may = DashboardService(user_session).load(Period(date(2025, 5, 1), date(2025, 5, 31))).current
    assert (may.returning_customers, may.repeat_rate, may.retention, may.churn) == (0, None, 0.0, 1.0)
