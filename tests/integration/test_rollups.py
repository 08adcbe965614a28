"""Rollups kept current write by write (the writer, deletions, merges) equal a full rebuild, whatever mix of
writes came before."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import FinancialStatus, Platform
from ecrm_desktop.domain.records import LineRecord, OrderRecord, RefundLineRecord, RefundRecord
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import merges, rollups
from ecrm_desktop.storage.settings import write_setting
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import (
    ActivityMonth,
    CohortMonth,
    CustomerDay,
    CustomerFirstOrder,
    CustomerMonth,
    DailyCategory,
    DailyNewCustomers,
    DailyProduct,
    DailySales,
    MonthlyProduct,
    Order,
    SegmentRollupsBuilt,
    Store,
)
from ecrm_desktop.storage.tables.segment_rollups import (
    SegmentActivity,
    SegmentCategory,
    SegmentCohort,
    SegmentMonthlyProduct,
    SegmentNewCustomers,
    SegmentProduct,
    SegmentSales,
)
from ecrm_desktop.sync.emulator.shopify_api import Bucket
from tests.factories import T0, customer, make_store, order
from tests.sync_support import connect, emulator, run_sync, sample_store

TABLES: tuple[type[Any], ...] = (DailySales, CustomerDay, DailyCategory, DailyProduct, CustomerFirstOrder,
                                 CustomerMonth, ActivityMonth, CohortMonth, DailyNewCustomers, MonthlyProduct)
# saved segments' rollups: compared for the segments whose rollups are kept (a merge drops them all)
SEGMENT_TABLES: tuple[type[Any], ...] = (SegmentSales, SegmentCategory, SegmentProduct, SegmentCohort,
                                         SegmentActivity, SegmentNewCustomers, SegmentMonthlyProduct)
CATEGORIES = ["Shoes", "Apparel", "Books", None]
CHANNELS = ["web", "pos", None]
COUNTRIES = ["US", "DE", None]


def snapshot(s: Session, segments: list[int] | None = None) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every rollup table, as plain tuples; of the segments' tables, the rows of `segments` (by
    default those whose rollups are kept)."""
    kept = kept_segments(s) if segments is None else segments
    out = {}
    for table in (*TABLES, *SEGMENT_TABLES):
        columns = [c for c in table.__table__.columns]
        mine = [table.segment_id.in_(kept)] if table in SEGMENT_TABLES else []
        out[table.__tablename__] = {tuple(r) for r in s.execute(select(*columns).where(*mine))}
    return out


def kept_segments(s: Session) -> list[int]:
    """The segments whose rollups count every member."""
    return list(s.execute(select(SegmentRollupsBuilt.segment_id)
                          .where(SegmentRollupsBuilt.upto == rollups.COMPLETE)).scalars())


def random_order(rng: random.Random, ext: str, cust: str) -> OrderRecord:
    lines = tuple(
        LineRecord(external_id=f"{ext}-l{i}", title=f"Item {i}", quantity=rng.randint(1, 3),
                   unit_price_cents=rng.randint(99, 20001), category=rng.choice(CATEGORIES))
        for i in range(rng.randint(1, 3)))
    rec = order(ext, cust, rng.randint(0, 400), lines, sales_channel=rng.choice(CHANNELS),
                shipping_country=rng.choice(COUNTRIES))
    return replace(rec, created_at=rec.created_at + timedelta(hours=rng.randint(0, 23)))


def random_refund(rng: random.Random, rec: OrderRecord) -> OrderRecord:
    line = rng.choice(rec.lines)
    qty = rng.randint(1, line.quantity)
    refund = RefundRecord(external_id=f"{rec.external_id}-r{len(rec.refunds)}",
                          created_at=rec.created_at + timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23)),
                          amount_cents=qty * line.unit_price_cents, reason="size",
                          lines=(RefundLineRecord(line.external_id, qty, qty * line.unit_price_cents),))
    return replace(rec, refunds=(*rec.refunds, refund), financial_status=FinancialStatus.PARTIALLY_REFUNDED)


def test_incremental_refresh_equals_rebuild_after_random_writes(user_session: UserSession) -> None:
    rng = random.Random(7)
    ws = user_session.workspace
    with ws.sessions() as s, s.begin():
        write_setting(s, "timezone", "America/New_York")  # daylight saving moves day boundaries twice a year
        store_ids = {"US": make_store(s, "US shop", "USD").id, "EU": make_store(s, "EU shop", "EUR").id}
    customers = [f"c-{i}" for i in range(10)]
    orders: dict[str, OrderRecord] = {}
    next_id = 0
    segments = SegmentService(user_session)
    for step in range(25):
        if step == 8:  # kept by the writer from here on, and moved by each evaluation's entrants and leavers
            segments.save("Regulars", "number_of_orders >= 2")
            segments.save("Big spenders", "amount_spent > 300")
        elif step in (14, 20):
            assert any(e.entered or e.left for e in segments.refresh_all())
        with ws.sessions() as s, s.begin():
            region = rng.choice(["US", "EU"])
            store = s.get_one(Store, store_ids[region])
            writer = StoreWriter(s, store, 1.5 if region == "EU" else 1.0)  # 1.5 makes halves to round
            prefix = f"{region}:"
            if step == 0 or rng.random() < 0.2:
                writer.upsert_customers(customer(c, f"{c}@example.com") for c in customers)
            batch = []
            for _ in range(rng.randint(1, 5)):
                mine = [e for e in orders if e.startswith(prefix)]
                action = rng.random()
                if action < 0.5 or not mine:
                    ext = f"{prefix}o-{next_id}"
                    next_id += 1
                    rec = random_order(rng, ext.split(":")[1], rng.choice(customers))
                elif action < 0.65:
                    ext = rng.choice(mine)
                    rec = replace(orders[ext], total_cents=orders[ext].total_cents + rng.randint(-100, 100))
                elif action < 0.9:
                    ext = rng.choice(mine)
                    rec = random_refund(rng, orders[ext])
                else:
                    ext = rng.choice(mine)
                    rec = replace(orders[ext], cancelled_at=orders[ext].created_at + timedelta(days=2),
                                  financial_status=FinancialStatus.VOIDED)
                orders[ext] = rec
                batch.append(rec)
            writer.upsert_orders(batch)
    with ws.sessions() as s, s.begin():
        assert len(kept_segments(s)) == 2
        kept = snapshot(s)
        rollups.rebuild(s)
        rebuilt = snapshot(s)
    assert kept == rebuilt
    assert len(rebuilt["rollup_daily_sales"]) > 20 and len(rebuilt["rollup_cohorts"]) > 3
    assert len(rebuilt["rollup_activity"]) > 10
    assert len(rebuilt["segment_rollup_sales"]) > 10 and rebuilt["segment_rollup_new_customers"]


def test_local_days_follow_daylight_saving(user_session: UserSession) -> None:
    line = LineRecord(external_id="l1", title="Boot", quantity=1, unit_price_cents=1000, category="Shoes")
    with user_session.workspace.sessions() as s, s.begin():
        write_setting(s, "timezone", "America/New_York")
        writer = StoreWriter(s, make_store(s))
        winter = replace(order("o-1", "c-1", 0, (line,)), created_at=T0.replace(month=1, day=10, hour=4, minute=59))
        summer = replace(order("o-2", "c-1", 0, (line,)), created_at=T0.replace(month=7, day=10, hour=3, minute=59))
        writer.upsert_orders([winter, summer])  # 23:59 local, both: EST is UTC-5, EDT UTC-4
        rollups.rebuild(s)
        days = sorted(d.isoformat() for d in s.execute(select(DailySales.day)).scalars())
    assert days == ["2025-01-09", "2025-07-09"]


def test_the_demo_fill_leaves_the_rollups_a_rebuild_makes(user_session: UserSession) -> None:
    """The bulk loader computes them from its generated columns block by block (two here), in a zone with
    daylight saving."""
    from ecrm_desktop.services.demo import fill_demo
    from ecrm_desktop.sync.emulator.demo_store import BLOCK

    with user_session.workspace.sessions() as s, s.begin():
        write_setting(s, "timezone", "America/New_York")
    fill_demo(user_session, BLOCK + 300)
    with user_session.workspace.sessions() as s:
        assert rollups.is_current(s)
    assert_kept_equals_rebuilt(user_session)


def test_a_new_time_zone_rebuilds_the_rollups_on_the_next_load(user_session: UserSession) -> None:
    from datetime import date

    from ecrm_desktop.domain.kpis import Period
    from ecrm_desktop.services.dashboard import DashboardService

    line = LineRecord(external_id="l1", title="Boot", quantity=1, unit_price_cents=1000, category="Shoes")
    late = replace(order("o-1", "c-1", 0, (line,)), created_at=T0.replace(hour=20))  # 1 Jan 20:00 UTC
    with user_session.workspace.sessions() as s, s.begin():
        write_setting(s, "timezone", "UTC")
        StoreWriter(s, make_store(s)).upsert_orders([late])
        rollups.rebuild(s)
        write_setting(s, "timezone", "Asia/Tokyo")  # 2 Jan 05:00 there
        assert not rollups.is_current(s)
    got = DashboardService(user_session).load(Period(date(2025, 1, 2), date(2025, 1, 2)))
    assert got.current.orders == 1
    with user_session.workspace.sessions() as s:
        assert rollups.is_current(s)


def test_a_real_sync_keeps_the_rollups_equal_to_a_rebuild(user_session: UserSession, secrets: SecretStore) -> None:
    """Pages from the emulator (small, so many transactions), then changed, refunded, cancelled and deleted orders,
    an erased customer and a merge made by hand: after each, the rollups stand as a full rebuild makes them."""
    store = sample_store(30)
    with user_session.workspace.sessions() as s, s.begin():
        write_setting(s, "timezone", "Europe/Berlin")
    with emulator(store, Platform.SHOPIFY, bucket=Bucket(restore_rate=20_000.0)) as _server:
        connect(user_session, secrets, _server, Platform.SHOPIFY)
        assert run_sync(user_session, secrets, page_size=7, reconcile_every=timedelta(0))["status"] == "complete"
        SegmentService(user_session).save("Buyers", "number_of_orders >= 1")
        assert_kept_equals_rebuilt(user_session, segments=1)

        orders = sorted(store.snapshot("orders"), key=lambda o: o.external_id)
        store.change("orders", orders[0].external_id, total_cents=orders[0].total_cents + 999)
        store.change("orders", orders[1].external_id, cancelled_at=orders[1].created_at + timedelta(days=1))
        refunded = orders[2]
        line = refunded.lines[0]
        store.change("orders", refunded.external_id, refunds=(*refunded.refunds, RefundRecord(
            external_id="r-late", created_at=refunded.created_at + timedelta(days=40),
            amount_cents=line.unit_price_cents, reason="late",
            lines=(RefundLineRecord(line.external_id, 1, line.unit_price_cents),))))
        changed = {str(o.customer_external_id) for o in orders[:3]}
        owned = [o for o in orders[3:] if o.customer_external_id and str(o.customer_external_id) not in changed]
        store.delete("orders", owned[0].external_id)  # its customer has no other change
        store.anonymise(next(str(o.customer_external_id) for o in owned
                             if o.customer_external_id != owned[0].customer_external_id))
        store.delete("products", orders[0].lines[0].product_external_id or "")  # its lines stay, productless
        report = run_sync(user_session, secrets, page_size=7, reconcile_every=timedelta(0))
        assert report["status"] == "complete" and report["stores"][0]["deleted"] == 3
        assert_kept_equals_rebuilt(user_session, segments=1)  # the writer kept the segment's rollups
        SegmentService(user_session).refresh_all()  # the erased customer's anonymised orders left it
        assert_kept_equals_rebuilt(user_session, segments=1)

    with user_session.workspace.sessions() as s, s.begin():
        buyers = list(s.execute(select(Order.customer_id).where(Order.customer_id.is_not(None))
                                .group_by(Order.customer_id).order_by(Order.customer_id).limit(2)).scalars())
        merge_id = merges.merge(s, buyers[0], buyers[1], None)
    assert_kept_equals_rebuilt(user_session)  # orders moved between customers: the segments' rollups are dropped
    with user_session.workspace.sessions() as s, s.begin():
        merges.undo(s, merge_id, None)
    assert_kept_equals_rebuilt(user_session)


def assert_kept_equals_rebuilt(user_session: UserSession, segments: int = 0) -> None:
    with user_session.workspace.sessions() as s:
        s.begin()
        built = kept_segments(s)
        kept = snapshot(s, built)
        rollups.rebuild(s)
        rebuilt = snapshot(s, built)
        s.rollback()
    assert kept == rebuilt
    assert rebuilt["rollup_daily_sales"] and rebuilt["rollup_cohorts"]
    assert len(built) == segments and (not segments or rebuilt["segment_rollup_sales"])


def test_a_segment_counted_in_steps_stays_exact_while_orders_are_written(user_session: UserSession) -> None:
    """Its members are counted in a few at a time, one transaction each; a sync's pages written between the steps
    (to members already counted and to those not yet) and an evaluation after leave what a rebuild makes."""
    rng = random.Random(3)
    ws = user_session.workspace
    customers = [f"c-{i}" for i in range(9)]
    with ws.sessions() as s, s.begin():
        write_setting(s, "timezone", "Europe/Berlin")
        store_id = make_store(s).id
        writer = StoreWriter(s, s.get_one(Store, store_id))
        writer.upsert_customers(customer(c, f"{c}@example.com") for c in customers)
        writer.upsert_orders([random_order(rng, f"o-{i}", rng.choice(customers[:6])) for i in range(30)])
    segments = SegmentService(user_session)
    segment_id = segments.save("Buyers", "number_of_orders >= 1").id
    with ws.sessions() as s, s.begin():
        rollups.forget_segments(s)  # as after a merge: counted again, in steps
    written, done, steps = 30, False, 0
    while not done:
        with ws.sessions() as s, s.begin():
            done = rollups.build_segment_step(s, segment_id, T0, size=2)
        steps += 1
        with ws.sessions() as s, s.begin():
            page = [random_order(rng, f"o-{written + i}", rng.choice(customers)) for i in range(3)]
            StoreWriter(s, s.get_one(Store, store_id)).upsert_orders(page)
        written += 3
    assert steps >= 3
    assert_kept_equals_rebuilt(user_session, segments=1)
    segments.refresh_all()  # the customers who ordered for the first time meanwhile enter
    assert_kept_equals_rebuilt(user_session, segments=1)
