"""What each role may do: the operations services check, the default grants of the issue's table, and the
sentence that explains a refusal.

Administrators always hold every operation (so nobody can lock the workspace out of its own settings); the
grants of the other roles are editable by an administrator and stored in the workspace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from ecrm_desktop.domain.enums import Role


class Operation(StrEnum):
    """One thing a service lets a signed-in user do. The value is the stored spelling."""

    VIEW_CUSTOMERS = "view_customers"
    VIEW_ORDERS = "view_orders"
    VIEW_PAYMENT = "view_payment"
    VIEW_NOTES = "view_notes"
    VIEW_SENSITIVE_NOTES = "view_sensitive_notes"
    VIEW_TICKETS = "view_tickets"
    HANDLE_TICKETS = "handle_tickets"
    EDIT_CUSTOMERS = "edit_customers"
    MERGE_CUSTOMERS = "merge_customers"
    EXPORT_CUSTOMERS = "export_customers"
    EXPORT_CONTACTS = "export_contacts"
    VIEW_SEGMENT_COUNTS = "view_segment_counts"
    VIEW_SEGMENT_MEMBERS = "view_segment_members"
    MANAGE_SEGMENTS = "manage_segments"
    VIEW_DASHBOARD = "view_dashboard"
    MANAGE_MARKETING_SPEND = "manage_marketing_spend"
    RUN_MODELS = "run_models"
    SYNC = "sync"
    MANAGE_STORES = "manage_stores"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    ROTATE_KEYS = "rotate_keys"
    BACKUP = "backup"
    PRIVACY_REQUESTS = "privacy_requests"


# What a refusal says the user may not do ("Your role (Sales) may not <this>.").
DESCRIPTIONS: Mapping[Operation, str] = {
    Operation.VIEW_CUSTOMERS: "view individual customer records",
    Operation.VIEW_ORDERS: "view order history",
    Operation.VIEW_PAYMENT: "view payment details",
    Operation.VIEW_NOTES: "read notes",
    Operation.VIEW_SENSITIVE_NOTES: "read or write sensitive notes",
    Operation.VIEW_TICKETS: "view support tickets",
    Operation.HANDLE_TICKETS: "handle support tickets",
    Operation.EDIT_CUSTOMERS: "change customer records (tags, notes)",
    Operation.MERGE_CUSTOMERS: "merge customer records",
    Operation.EXPORT_CUSTOMERS: "export full customer records",
    Operation.EXPORT_CONTACTS: "export contact lists of consenting customers",
    Operation.VIEW_SEGMENT_COUNTS: "view segments and their counts",
    Operation.VIEW_SEGMENT_MEMBERS: "list the customers in a segment",
    Operation.MANAGE_SEGMENTS: "save or delete segments",
    Operation.VIEW_DASHBOARD: "view dashboards and reports",
    Operation.MANAGE_MARKETING_SPEND: "enter marketing spend",
    Operation.RUN_MODELS: "run predictive models",
    Operation.SYNC: "sync stores",
    Operation.MANAGE_STORES: "connect, remove or inspect stores",
    Operation.MANAGE_SETTINGS: "change workspace settings",
    Operation.MANAGE_USERS: "manage users and roles",
    Operation.VIEW_AUDIT: "read the audit trail",
    Operation.ROTATE_KEYS: "rotate the database key",
    Operation.BACKUP: "back up or restore the workspace",
    Operation.PRIVACY_REQUESTS: "handle privacy requests",
}

_O = Operation
DEFAULT_GRANTS: Mapping[Role, frozenset[Operation]] = {
    Role.ADMINISTRATOR: frozenset(Operation),
    Role.SALES: frozenset({
        _O.VIEW_CUSTOMERS, _O.VIEW_ORDERS, _O.VIEW_NOTES, _O.VIEW_TICKETS, _O.EDIT_CUSTOMERS, _O.MERGE_CUSTOMERS,
        _O.EXPORT_CUSTOMERS, _O.EXPORT_CONTACTS, _O.VIEW_SEGMENT_COUNTS, _O.VIEW_SEGMENT_MEMBERS,
        _O.MANAGE_SEGMENTS, _O.VIEW_DASHBOARD, _O.RUN_MODELS, _O.SYNC}),
    Role.SUPPORT: frozenset({
        _O.VIEW_CUSTOMERS, _O.VIEW_ORDERS, _O.VIEW_NOTES, _O.VIEW_SENSITIVE_NOTES, _O.VIEW_TICKETS,
        _O.HANDLE_TICKETS, _O.EDIT_CUSTOMERS, _O.MERGE_CUSTOMERS, _O.SYNC}),
    Role.MARKETING: frozenset({
        _O.VIEW_DASHBOARD, _O.VIEW_SEGMENT_COUNTS, _O.MANAGE_SEGMENTS, _O.EXPORT_CONTACTS,
        _O.MANAGE_MARKETING_SPEND, _O.RUN_MODELS, _O.SYNC}),
}

ROLE_TITLES: Mapping[Role, str] = {Role.ADMINISTRATOR: "Administrator", Role.SALES: "Sales",
                                   Role.SUPPORT: "Support", Role.MARKETING: "Marketing"}

Grants = Mapping[Role, frozenset[Operation]]


def denial(role: Role, operation: Operation) -> str:
    """The one sentence a refused user reads."""
    return (f"Your role ({ROLE_TITLES[role]}) may not {DESCRIPTIONS[operation]}; "
            "an administrator can change this under Settings → Roles.")


def grants_from_json(stored: object) -> dict[Role, frozenset[Operation]]:
    """The effective grants from the stored setting (role → list of operation names): unknown names are
    ignored, roles not stored keep their defaults, and administrators always hold everything."""
    grants = dict(DEFAULT_GRANTS)
    if isinstance(stored, dict):
        known = {o.value for o in Operation}
        for role in Role:
            names = stored.get(role.value)
            if role is not Role.ADMINISTRATOR and isinstance(names, list):
                grants[role] = frozenset(Operation(n) for n in names if n in known)
    return grants


def grants_to_json(grants: Grants) -> dict[str, list[str]]:
    """The stored form of the editable roles' grants (administrators are never stored)."""
    return {role.value: sorted(o.value for o in ops) for role, ops in grants.items()
            if role is not Role.ADMINISTRATOR}


def changed(before: Iterable[Operation], after: Iterable[Operation]) -> tuple[list[str], list[str]]:
    """(granted, revoked) operation names between two grant sets, sorted."""
    old, new = set(before), set(after)
    return sorted(o.value for o in new - old), sorted(o.value for o in old - new)
