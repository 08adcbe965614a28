"""Every role × every service operation: allowed exactly where the default grants say, refused with
`PermissionDenied` (and a sentence saying why) everywhere else."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from ecrm_desktop.domain.audit import AuditFilter
from ecrm_desktop.domain.directory import CustomerQuery
from ecrm_desktop.domain.enums import Platform, Role
from ecrm_desktop.domain.errors import PermissionDenied
from ecrm_desktop.domain.kpis import Preset
from ecrm_desktop.domain.orders import OrderQuery
from ecrm_desktop.domain.permissions import DEFAULT_GRANTS, Operation
from ecrm_desktop.domain.sync_status import SyncSchedule
from ecrm_desktop.services import after_sync, clv, predictions, recommend
from ecrm_desktop.services.audit import AuditService
from ecrm_desktop.services.customer_directory import CustomerDirectory
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.customers import CustomerService
from ecrm_desktop.services.dashboard import DashboardService
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.orders import OrderService
from ecrm_desktop.services.permissions import RoleService
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.settings import SettingsService
from ecrm_desktop.services.stores import StoreService
from ecrm_desktop.services.sync import SyncService
from ecrm_desktop.services.sync_history import SyncHistory
from ecrm_desktop.services.sync_schedule import SyncScheduleService
from ecrm_desktop.services.users import UserService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.tables import Order
from tests.conftest import FAST_KDF, PASSWORD


@dataclass(frozen=True)
class Seeded:
    customer: int
    other: int
    order: int
    note: int
    sensitive_note: int


Call = Callable[[UserSession, Seeded], Any]


def _merge_and_undo(s: UserSession, d: Seeded) -> None:
    service = CustomerProfileService(s)
    service.undo_merge(service.merge(d.customer, d.other))


def _save_and_delete(s: UserSession, _d: Seeded) -> None:
    service = SegmentService(s)
    service.save(f"tmp {s.role}", "number_of_orders > 1")
    service.delete(f"tmp {s.role}")


CASES: list[tuple[str, Operation, Call]] = [
    ("customers.search", Operation.VIEW_CUSTOMERS, lambda s, _d: CustomerService(s).search("a")),
    ("customers.export", Operation.EXPORT_CUSTOMERS, lambda s, _d: next(CustomerService(s).export())),
    ("directory.count", Operation.VIEW_CUSTOMERS, lambda s, _d: CustomerDirectory(s).count(CustomerQuery())),
    ("directory.page", Operation.VIEW_CUSTOMERS, lambda s, _d: CustomerDirectory(s).page(CustomerQuery(), 0, 5)),
    ("profile.view", Operation.VIEW_CUSTOMERS, lambda s, d: CustomerProfileService(s).profile(d.customer)),
    ("profile.tags", Operation.EDIT_CUSTOMERS, lambda s, d: CustomerProfileService(s).set_tags(d.customer, [s.role])),
    ("profile.add_note", Operation.EDIT_CUSTOMERS, lambda s, d: CustomerProfileService(s).add_note(d.customer, "hi")),
    ("profile.add_sensitive_note", Operation.VIEW_SENSITIVE_NOTES,
     lambda s, d: CustomerProfileService(s).add_note(d.customer, "private", sensitive=True)),
    ("profile.edit_note", Operation.EDIT_CUSTOMERS, lambda s, d: CustomerProfileService(s).edit_note(d.note, "ok")),
    ("profile.edit_sensitive_note", Operation.VIEW_SENSITIVE_NOTES,
     lambda s, d: CustomerProfileService(s).edit_note(d.sensitive_note, "still private")),
    ("profile.merge_candidates", Operation.MERGE_CUSTOMERS,
     lambda s, d: CustomerProfileService(s).merge_candidates(d.customer, "a")),
    ("profile.merge", Operation.MERGE_CUSTOMERS, _merge_and_undo),
    ("orders.count", Operation.VIEW_ORDERS, lambda s, _d: OrderService(s).count(OrderQuery())),
    ("orders.page", Operation.VIEW_ORDERS, lambda s, _d: OrderService(s).page(OrderQuery(), 0, 5)),
    ("orders.detail", Operation.VIEW_ORDERS, lambda s, d: OrderService(s).detail(d.order)),
    ("segments.count", Operation.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).count("number_of_orders > 0")),
    ("segments.list", Operation.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).list()),
    ("segments.get", Operation.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).get("Repeat")),
    ("segments.history", Operation.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).history("Repeat")),
    ("segments.rfm_grid", Operation.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).rfm_grid()),
    ("segments.member_ids", Operation.VIEW_SEGMENT_MEMBERS,
     lambda s, _d: SegmentService(s).member_ids("number_of_orders > 0")),
    ("segments.count_rows", Operation.VIEW_SEGMENT_MEMBERS,
     lambda s, _d: SegmentService(s).count_rows("number_of_orders > 0", CustomerQuery())),
    ("segments.page_rows", Operation.VIEW_SEGMENT_MEMBERS,
     lambda s, _d: SegmentService(s).page_rows("number_of_orders > 0", CustomerQuery(), 0, 5)),
    ("segments.changes", Operation.VIEW_SEGMENT_MEMBERS, lambda s, _d: SegmentService(s).changes("Repeat")),
    ("segments.save_delete", Operation.MANAGE_SEGMENTS, _save_and_delete),
    ("segments.export", Operation.EXPORT_CUSTOMERS, lambda s, _d: list(SegmentService(s).export("Repeat"))),
    ("segments.export_contacts", Operation.EXPORT_CONTACTS,
     lambda s, _d: list(SegmentService(s).export("Repeat", contacts_only=True))),
    ("segments.refresh_all", Operation.SYNC, lambda s, _d: SegmentService(s).refresh_all()),
    ("segments.refresh_rfm", Operation.SYNC, lambda s, d: SegmentService(s).refresh_rfm([d.customer])),
    ("dashboard.load", Operation.VIEW_DASHBOARD,
     lambda s, _d: (svc := DashboardService(s)).load(svc.preset(Preset.LAST_30_DAYS))),
    ("dashboard.today", Operation.VIEW_DASHBOARD, lambda s, _d: DashboardService(s).today()),
    ("dashboard.segment_names", Operation.VIEW_DASHBOARD, lambda s, _d: DashboardService(s).segment_names()),
    ("dashboard.spend", Operation.MANAGE_MARKETING_SPEND,
     lambda s, _d: DashboardService(s).set_spend("ads", "2026-01", 100)),
    ("dashboard.rebuild", Operation.SYNC, lambda s, _d: DashboardService(s).rebuild_rollups()),
    ("clv.validate", Operation.RUN_MODELS, lambda s, _d: clv.validate_workspace(s, date(2025, 6, 1))),
    ("clv.predict", Operation.RUN_MODELS, lambda s, _d: clv.predict_workspace(s, date(2026, 1, 1))),
    ("recommend.evaluate", Operation.RUN_MODELS, lambda s, _d: recommend.evaluate(s)),
    ("predictions.refresh", Operation.SYNC, lambda s, _d: predictions.refresh_predictions(s)),
    ("after_sync.refresh", Operation.SYNC, lambda s, _d: after_sync.refresh_derived_data(s)),
    ("stores.list", Operation.SYNC, lambda s, _d: StoreService(s).list()),
    ("stores.add", Operation.MANAGE_STORES, lambda s, _d: StoreService(s).add_shopify("X", "https://x.invalid", "")),
    ("stores.check", Operation.MANAGE_STORES,
     lambda s, _d: StoreService(s).check(Platform.SHOPIFY, "http://127.0.0.1:9", "token")),
    ("stores.disconnect", Operation.MANAGE_STORES, lambda s, _d: StoreService(s).disconnect("nowhere")),
    ("sync.run", Operation.SYNC, lambda s, _d: SyncService(s).run()),
    ("sync_history.runs", Operation.SYNC, lambda s, _d: SyncHistory(s).runs()),
    ("sync_history.quarantined", Operation.SYNC, lambda s, _d: SyncHistory(s).quarantined()),
    ("sync_history.payload", Operation.MANAGE_STORES, lambda s, _d: SyncHistory(s).payload(1)),
    ("sync_schedule.read", Operation.SYNC, lambda s, _d: SyncScheduleService(s).read()),
    ("sync_schedule.write", Operation.MANAGE_SETTINGS,
     lambda s, _d: SyncScheduleService(s).write(SyncSchedule(30, False, False))),
    ("settings.idle_lock", Operation.MANAGE_SETTINGS, lambda s, _d: SettingsService(s).set_idle_lock_minutes(20)),
    ("users.add", Operation.MANAGE_USERS,
     lambda s, _d: UserService(s, FAST_KDF).add(f"new-{s.role}", Role.SALES, "another-long-password-7")),
    ("users.set_role", Operation.MANAGE_USERS, lambda s, _d: UserService(s).set_role("sam", Role.SALES)),
    ("roles.read", Operation.MANAGE_USERS, lambda s, _d: RoleService(s).grants()),
    ("roles.reset", Operation.MANAGE_USERS, lambda s, _d: RoleService(s).reset(Role.SALES)),
    ("audit.verify", Operation.VIEW_AUDIT, lambda s, _d: AuditService(s).verify()),
    ("demo.fill", Operation.MANAGE_STORES, lambda s, _d: fill_demo(s, 1)),
]


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[UserSession, Seeded]]:
    """A small demo store with an order that carries payment details, a plain and a sensitive note, a saved
    segment and a second (sales) user."""
    service = WorkspaceService(kdf=FAST_KDF)
    session = service.create(tmp_path_factory.mktemp("matrix") / "ws", "admin", PASSWORD)
    fill_demo(session, 40, seed=5)
    profiles = CustomerProfileService(session)
    with session.workspace.sessions() as s, s.begin():
        order_id, customer_id = s.execute(select(Order.id, Order.customer_id).where(Order.customer_id.is_not(None))
                                          .order_by(Order.id).limit(1)).one()
        s.execute(update(Order).where(Order.id == order_id)
                  .values(payment_gateway="shopify_payments", card_brand="Visa", card_last4="4242"))
        other = s.execute(select(Order.customer_id).where(Order.customer_id.is_not(None),
                                                          Order.customer_id != customer_id).limit(1)).scalar_one()
    note = profiles.add_note(customer_id, "Prefers email")
    sensitive = profiles.add_note(customer_id, "Disputed a charge", sensitive=True)
    SegmentService(session).save("Repeat", "number_of_orders > 1")
    UserService(session, FAST_KDF).add("sam", Role.SALES, "sales-password-long-1")
    yield session, Seeded(customer_id, other, order_id, note, sensitive)
    session.close()


def as_role(session: UserSession, role: Role) -> UserSession:
    """The same workspace, signed in under `role` with its default grants."""
    return replace(session, role=role, role_grants=DEFAULT_GRANTS, user_name=f"{role}-user")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "operation", "call"), CASES, ids=[c[0] for c in CASES])
def test_role_may_do_exactly_what_its_grants_say(admin: tuple[UserSession, Seeded], role: Role, name: str,
                                                  operation: Operation, call: Call) -> None:
    session, seeded = admin
    user = as_role(session, role)
    if operation in DEFAULT_GRANTS[role]:
        try:
            call(user, seeded)
        except PermissionDenied as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{role} was refused {name}: {exc}")
        except Exception:
            pass
    else:
        with pytest.raises(PermissionDenied, match=r"^Your role \(\w+\) may not .+Settings → Roles\.$"):
            call(user, seeded)


def test_every_operation_is_checked_by_some_case() -> None:
    """The privacy, key and backup operations belong to their own services; every other one is exercised."""
    covered = {op for _, op, _ in CASES}
    assert set(Operation) - covered == {Operation.VIEW_PAYMENT, Operation.VIEW_NOTES, Operation.VIEW_TICKETS,
                                        Operation.HANDLE_TICKETS, Operation.ROTATE_KEYS, Operation.BACKUP,
                                        Operation.PRIVACY_REQUESTS}


def test_profile_hides_payment_and_sensitive_notes_by_role(admin: tuple[UserSession, Seeded]) -> None:
    session, seeded = admin

    def seen(role: Role) -> tuple[bool, bool, tuple[str, ...]]:
        p = CustomerProfileService(as_role(session, role)).profile(seeded.customer)
        paid = next(o for o in p.orders if o.row.id == seeded.order)
        return paid.payment is not None, any(n.sensitive for n in p.notes), p.withheld

    assert seen(Role.ADMINISTRATOR) == (True, True, ())
    assert seen(Role.SALES) == (False, False, ("payment details", "sensitive notes"))
    assert seen(Role.SUPPORT) == (False, True, ("payment details",))
    order = OrderService(as_role(session, Role.SALES)).detail(seeded.order)
    assert order.payment is None and order.payment_hidden
    full = OrderService(session).detail(seeded.order).payment
    assert full is not None and full.card_last4 == "4242"


def test_edited_grants_apply_at_next_sign_in_and_are_audited(admin: tuple[UserSession, Seeded]) -> None:
    session, _ = admin
    roles = RoleService(session)
    roles.set_grants(Role.SALES, DEFAULT_GRANTS[Role.SALES] | {Operation.VIEW_PAYMENT})
    folder: Path = session.workspace.paths.folder
    sam = WorkspaceService(kdf=FAST_KDF).unlock(folder, "sam", "sales-password-long-1")
    try:
        assert sam.may(Operation.VIEW_PAYMENT)
    finally:
        sam.close()
        roles.reset(Role.SALES)
    rows = AuditService(session).search(AuditFilter(action="role.grants"))
    assert [r.detail_json for r in rows[:2]] == ['{"granted": [], "revoked": ["view_payment"], "role": "sales"}',
                                                 '{"granted": ["view_payment"], "revoked": [], "role": "sales"}']


def test_administrators_always_hold_everything(admin: tuple[UserSession, Seeded]) -> None:
    session, _ = admin
    with pytest.raises(Exception, match="Administrators always hold every permission"):
        RoleService(session).set_grants(Role.ADMINISTRATOR, frozenset())


def test_last_administrator_cannot_be_demoted(admin: tuple[UserSession, Seeded]) -> None:
    session, _ = admin
    with pytest.raises(Exception, match="at least one administrator"):
        UserService(session).set_role("admin", Role.SALES)
