"""Which screens the signed-in role may open, and why not: the window shows the others disabled with the reason
(the services refuse them anyway)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.permissions import Operation, denial
from ecrm_desktop.presenters.navigation import SECTIONS, Screen

SCREEN_NEEDS: Mapping[Screen, Operation] = {
    Screen.CUSTOMERS: Operation.VIEW_CUSTOMERS, Screen.CUSTOMER: Operation.VIEW_CUSTOMERS,
    Screen.ORDERS: Operation.VIEW_ORDERS, Screen.ORDER: Operation.VIEW_ORDERS,
    Screen.INBOX: Operation.HANDLE_TICKETS, Screen.SEGMENTS: Operation.VIEW_SEGMENT_COUNTS,
    Screen.DASHBOARD: Operation.VIEW_DASHBOARD, Screen.SYNC: Operation.SYNC, Screen.AUDIT: Operation.VIEW_AUDIT,
    Screen.PRIVACY: Operation.PRIVACY_REQUESTS,
}


Refusal = Callable[[Operation], str | None]  # why the signed-in role may not do it, or None when it may


def refusal_of(role: Role, may: Callable[[Operation], bool]) -> Refusal:
    return lambda op: None if may(op) else denial(role, op)


def denied_screens(role: Role, may: Callable[[Operation], bool]) -> dict[Screen, str]:
    """Screen → the sentence saying why this role may not open it."""
    return {screen: denial(role, op) for screen, op in SCREEN_NEEDS.items() if not may(op)}


# Where a role's day starts, when it may open it: support agents work from the inbox.
HOME: Mapping[Role, Screen] = {Role.SUPPORT: Screen.INBOX}


def first_section(denied: Mapping[Screen, str], role: Role | None = None) -> Screen:
    """Where the window opens: the role's home, else the first section of the navigation bar the role may use
    (Settings at worst)."""
    home = HOME.get(role) if role is not None else None
    if home is not None and home not in denied:
        return home
    return next((s for s in SECTIONS if s not in denied), Screen.SETTINGS)
