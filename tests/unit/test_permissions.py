"""The permission model without a workspace: the issue's default table, the stored form, refusals."""

from __future__ import annotations

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.lockout import wait_after
from ecrm_desktop.domain.permissions import (
    DEFAULT_GRANTS,
    DESCRIPTIONS,
    Operation,
    changed,
    denial,
    grants_from_json,
    grants_to_json,
)

Op = Operation


def test_defaults_follow_the_issue_table() -> None:
    assert DEFAULT_GRANTS[Role.ADMINISTRATOR] == frozenset(Operation)
    sales, support, marketing = (DEFAULT_GRANTS[r] for r in (Role.SALES, Role.SUPPORT, Role.MARKETING))
    assert {Op.VIEW_CUSTOMERS, Op.VIEW_ORDERS, Op.VIEW_NOTES, Op.VIEW_SEGMENT_MEMBERS} <= sales
    assert not {Op.VIEW_PAYMENT, Op.VIEW_SENSITIVE_NOTES} & sales
    assert {Op.VIEW_CUSTOMERS, Op.VIEW_ORDERS, Op.VIEW_SENSITIVE_NOTES, Op.HANDLE_TICKETS} <= support
    assert Op.VIEW_PAYMENT not in support
    assert {Op.VIEW_DASHBOARD, Op.VIEW_SEGMENT_COUNTS, Op.EXPORT_CONTACTS} <= marketing
    assert not {Op.VIEW_CUSTOMERS, Op.EXPORT_CUSTOMERS, Op.VIEW_SEGMENT_MEMBERS, Op.VIEW_TICKETS} & marketing
    assert set(DESCRIPTIONS) == set(Operation)


def test_stored_grants_round_trip_and_never_weaken_administrators() -> None:
    edited = {**DEFAULT_GRANTS, Role.SALES: frozenset({Op.VIEW_CUSTOMERS})}
    stored = grants_to_json(edited)
    assert "administrator" not in stored
    assert grants_from_json(stored) == edited
    tampered = {"administrator": [], "support": ["view_customers", "launch_rockets"], "marketing": "all"}
    loaded = grants_from_json(tampered)
    assert loaded[Role.ADMINISTRATOR] == frozenset(Operation)
    assert loaded[Role.SUPPORT] == frozenset({Op.VIEW_CUSTOMERS})
    assert loaded[Role.MARKETING] == DEFAULT_GRANTS[Role.MARKETING]
    assert grants_from_json(None) == DEFAULT_GRANTS


def test_changes_and_refusal_sentence() -> None:
    assert changed({Op.SYNC, Op.VIEW_ORDERS}, {Op.SYNC, Op.VIEW_PAYMENT}) == (["view_payment"], ["view_orders"])
    assert denial(Role.MARKETING, Op.VIEW_CUSTOMERS) == (
        "Your role (Marketing) may not view individual customer records; an administrator can change this under "
        "Settings → Roles.")


def test_lock_out_waits() -> None:
    assert wait_after(0) == wait_after(4) == 0
    assert wait_after(5) == 30 and wait_after(6) == 60
