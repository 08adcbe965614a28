"""Where the user is and how they got there: places, the history behind Alt+Left, and the view protocol."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Screen(StrEnum):
    CUSTOMERS = "Customers"
    CUSTOMER = "Customer"
    ORDERS = "Orders"
    ORDER = "Order"
    INBOX = "Inbox"
    SEGMENTS = "Segments"
    DASHBOARD = "Dashboard"
    SYNC = "Sync"
    SETTINGS = "Settings"
    AUDIT = "Audit"
    PRIVACY = "Privacy"


# The sections of the navigation bar, in order; the detail screens belong to the section before them.
SECTIONS = (Screen.CUSTOMERS, Screen.ORDERS, Screen.INBOX, Screen.SEGMENTS, Screen.DASHBOARD, Screen.SYNC,
            Screen.SETTINGS, Screen.AUDIT, Screen.PRIVACY)
SECTION_OF = {Screen.CUSTOMER: Screen.CUSTOMERS, Screen.ORDER: Screen.ORDERS}


@dataclass(frozen=True)
class Place:
    screen: Screen
    item_id: int | None = None

    @property
    def section(self) -> Screen:
        return SECTION_OF.get(self.screen, self.screen)


class NavigationView(Protocol):
    def show_place(self, place: Place, can_go_back: bool) -> None: ...


class NavigationPresenter:
    """Keeps the history; `go` shows a place, `back` returns to the previous one.

    `openers[screen](item_id)` loads a screen's content each time it is shown (a detail screen reloads, so
    going back shows current data)."""

    def __init__(self, view: NavigationView, openers: Mapping[Screen, Callable[[int | None], None]],
                 limit: int = 100) -> None:
        self.view, self.openers, self.limit = view, openers, limit
        self.history: list[Place] = []

    @property
    def current(self) -> Place | None:
        return self.history[-1] if self.history else None

    def go(self, place: Place) -> None:
        if place == self.current:
            return
        self.history = [*self.history, place][-self.limit:]
        self._show(place)

    def back(self) -> None:
        if len(self.history) > 1:
            self.history.pop()
            self._show(self.history[-1])

    def _show(self, place: Place) -> None:
        opener = self.openers.get(place.screen)
        if opener is not None:
            opener(place.item_id)
        self.view.show_place(place, len(self.history) > 1)
