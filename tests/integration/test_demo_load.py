"""The demo store loaded into a real encrypted workspace: summaries, search and references all hold."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Row, func, select, text

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.services import demo
from ecrm_desktop.services.demo import DemoSummary, fill_demo
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage import aggregates
from ecrm_desktop.storage.customer_queries import search_ids
from ecrm_desktop.storage.tables import (
    AuditEntry,
    CategoryPurchase,
    Customer,
    CustomerCategory,
    Order,
    RecentOrder,
    Ticket,
)
from ecrm_desktop.sync.emulator import demo_store
from tests.conftest import FAST_KDF, PASSWORD

CUSTOMERS = 2_000
AGGREGATES = (Customer.id, Customer.orders_count, Customer.total_spent_cents, Customer.aov_cents,
              Customer.first_order_at, Customer.last_order_at, Customer.refunded_cents, Customer.items_count,
              Customer.returned_items, Customer.return_rate)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[UserSession, DemoSummary, list[int]]]:
    session = WorkspaceService(kdf=FAST_KDF).create(tmp_path_factory.mktemp("demo") / "ws", "admin", PASSWORD)
    calls: list[int] = []
    summary = fill_demo(session, CUSTOMERS, seed=3, progress=lambda done, total: calls.append(done))
    yield session, summary, calls
    session.close()


Snapshot = tuple[list[Row[tuple[object, ...]]], ...]


def _snapshot(session: UserSession) -> Snapshot:
    """The customers' aggregate columns and every aggregate table, in a fixed order."""
    with session.workspace.sessions() as s:
        customers = list(s.execute(select(*AGGREGATES).order_by(Customer.id)))
        categories = list(s.execute(select(CustomerCategory.customer_id, CustomerCategory.category_id,
                                           CustomerCategory.orders_count, CustomerCategory.items,
                                           CustomerCategory.last_ordered_at)
                                    .order_by(CustomerCategory.customer_id, CustomerCategory.category_id)))
        purchases = list(s.execute(select(CategoryPurchase.category_id, CategoryPurchase.ordered_at,
                                          CategoryPurchase.customer_id).order_by(*CategoryPurchase.__table__.c)))
        ranks = list(s.execute(select(RecentOrder.customer_id, RecentOrder.rank, RecentOrder.ordered_at)
                               .order_by(RecentOrder.customer_id, RecentOrder.rank)))
    return customers, categories, purchases, ranks


def test_fill_reports_what_it_wrote(filled: tuple[UserSession, DemoSummary, list[int]]) -> None:
    session, summary, calls = filled
    assert summary.customers == CUSTOMERS
    assert calls == [CUSTOMERS]
    with session.workspace.sessions() as s:
        assert s.execute(select(func.count()).select_from(Customer)).scalar_one() == CUSTOMERS
        assert s.execute(select(func.count()).select_from(Order)).scalar_one() == summary.orders
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == summary.tickets
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "demo.fill")).scalar_one()
    assert '"customers": 2000' in entry.detail_json and '"seed": 3' in entry.detail_json
    assert 4 * CUSTOMERS < summary.orders < 6 * CUSTOMERS


def test_loaded_aggregates_equal_a_recomputation(filled: tuple[UserSession, DemoSummary, list[int]]) -> None:
    session, _, _ = filled
    before = _snapshot(session)
    assert sum(r.orders_count for r in before[0]) > 0 and all(before[1:])
    assert len(before[3]) == sum(r.orders_count for r in before[0])
    with session.workspace.sessions() as s, s.begin():
        aggregates.refresh_customers(s, [r.id for r in before[0]])
    assert _snapshot(session) == before


def test_search_finds_a_customer_by_email_prefix_and_order_number(
        filled: tuple[UserSession, DemoSummary, list[int]]) -> None:
    session, _, _ = filled
    with session.workspace.sessions() as s:
        customer_id, email, number = s.execute(
            select(Customer.id, Customer.email, Order.number).join(Order, Order.customer_id == Customer.id)
            .where(Customer.orders_count > 1).order_by(Customer.id).limit(1)).one()
        assert customer_id in search_ids(s, email.split("@")[0][:7])
        assert customer_id in search_ids(s, number)
        assert search_ids(s, number.lstrip("#")) == [customer_id]


def test_foreign_keys_hold(filled: tuple[UserSession, DemoSummary, list[int]]) -> None:
    session, _, _ = filled
    with session.workspace.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []


def test_ticket_subjects_name_orders_of_their_customer(filled: tuple[UserSession, DemoSummary, list[int]]) -> None:
    session, _, _ = filled
    with session.workspace.sessions() as s:
        tickets = s.execute(select(Ticket.customer_id, Ticket.subject)).all()
        numbers = {(c, n) for c, n in s.execute(select(Order.customer_id, Order.number))}
    mentioned = [(c, m.group(1)) for c, subject in tickets if (m := re.search(r"(#?\d{4,})", subject))]
    assert len(mentioned) > 0.5 * len(tickets) > 0
    assert all(pair in numbers for pair in mentioned)


def test_a_workspace_with_customers_is_refused(filled: tuple[UserSession, DemoSummary, list[int]]) -> None:
    session, _, _ = filled
    with pytest.raises(EcrmError, match="already holds customers"):
        fill_demo(session, 10)


def test_cancelling_keeps_whole_chunks(monkeypatch: pytest.MonkeyPatch, user_session: UserSession) -> None:
    monkeypatch.setattr(demo_store, "BLOCK", 300)
    monkeypatch.setattr(demo, "CHUNK_CUSTOMERS", 300)
    asked: list[int] = []

    def cancel_after_first() -> bool:
        asked.append(1)
        return len(asked) > 1

    summary = fill_demo(user_session, 700, should_cancel=cancel_after_first)
    assert summary.customers == 300
    with user_session.workspace.sessions() as s:
        assert s.execute(select(func.count()).select_from(Customer)).scalar_one() == 300
        assert s.execute(select(func.count()).select_from(Order)).scalar_one() == summary.orders > 0


def test_demo_replies_count_as_sent_and_nothing_else_waits_to_be_mailed(
        filled: tuple[UserSession, DemoSummary, list[int]]) -> None:
    session, _summary, _calls = filled
    with session.workspace.sessions() as s:
        states = {str(k): int(n) for k, n in s.execute(text(
            "SELECT kind || ':' || coalesce(delivery_state, '-'), count(*) FROM ticket_messages GROUP BY 1"))}
        undated = s.execute(text("SELECT count(*) FROM ticket_messages WHERE kind = 'REPLY' AND "
                                 "delivered_at IS NULL")).scalar_one()
    assert set(states) == {"INBOUND:-", "REPLY:sent", "NOTE:-"} and undated == 0
