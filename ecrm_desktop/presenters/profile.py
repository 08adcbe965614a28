"""The 360° view of one customer, and its edits: ecrm tags and notes (saved by the service, audited there)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ecrm_desktop.domain.profile import CustomerProfile
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.tasks import Runner, TaskState


class Profiles(Protocol):
    """What the screen needs of `services.customer_profile.CustomerProfileService`."""

    def profile(self, customer_id: int) -> CustomerProfile: ...

    def set_tags(self, customer_id: int, names: Sequence[str]) -> None: ...

    def add_note(self, customer_id: int, body: str) -> int: ...

    def edit_note(self, note_id: int, body: str) -> None: ...


class ProfileView(Protocol):
    def show_loading(self, customer_id: int) -> None: ...

    def show_profile(self, profile: CustomerProfile) -> None: ...


class ProfilePresenter:
    def __init__(self, view: ProfileView, profiles: Profiles, runner: Runner,
                 navigate: Callable[[Place], None]) -> None:
        self.view, self.profiles, self.runner, self.navigate = view, profiles, runner, navigate
        self.customer_id: int | None = None
        self._loading: TaskState | None = None

    def open(self, customer_id: int) -> None:
        if self._loading is not None:
            self._loading.cancel()
        self.customer_id = customer_id
        self.view.show_loading(customer_id)
        self._loading = self.runner.submit(lambda _s: self.profiles.profile(customer_id), self.view.show_profile,
                                           "Opening customer")

    def save_tags(self, names: Sequence[str]) -> None:
        cid = self._current()
        self._edit(lambda: self.profiles.set_tags(cid, list(names)), "Saving tags")

    def add_note(self, body: str) -> None:
        cid = self._current()
        self._edit(lambda: self.profiles.add_note(cid, body), "Adding note")

    def edit_note(self, note_id: int, body: str) -> None:
        self._edit(lambda: self.profiles.edit_note(note_id, body), "Saving note")

    def open_order(self, order_id: int) -> None:
        self.navigate(Place(Screen.ORDER, order_id))

    def _edit(self, write: Callable[[], object], label: str) -> None:
        cid = self._current()

        def job(_state: TaskState) -> CustomerProfile:
            write()
            return self.profiles.profile(cid)

        self.runner.submit(job, self.view.show_profile, label)

    def _current(self) -> int:
        if self.customer_id is None:
            raise RuntimeError("no customer is open")
        return self.customer_id
