"""The 360° view of one customer, and its edits: ecrm tags, notes, merges and their undoing (saved and audited
by the service)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.domain.profile import CustomerProfile
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.tasks import Runner, TaskState


class Profiles(Protocol):
    """What the screen needs of `services.customer_profile.CustomerProfileService`."""

    def profile(self, customer_id: int, opened: bool = True) -> CustomerProfile: ...

    def set_tags(self, customer_id: int, names: Sequence[str]) -> None: ...

    def add_note(self, customer_id: int, body: str) -> int: ...

    def edit_note(self, note_id: int, body: str) -> None: ...

    def merge_candidates(self, customer_id: int, user_text: str) -> list[CustomerSummary]: ...

    def merge(self, survivor_id: int, absorbed_id: int) -> int: ...

    def undo_merge(self, merge_id: int) -> int: ...


class ProfileView(Protocol):
    def show_loading(self, customer_id: int) -> None: ...

    def show_profile(self, profile: CustomerProfile) -> None: ...

    def show_merge_candidates(self, candidates: Sequence[CustomerSummary]) -> None: ...


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

    def find_merge_candidates(self, user_text: str) -> None:
        """Look for the other record of this person (the view lists what is found)."""
        cid = self._current()
        self.runner.submit(lambda _s: self.profiles.merge_candidates(cid, user_text), self.view.show_merge_candidates,
                           "Finding customers")

    def merge_with(self, absorbed_id: int) -> None:
        """Fold another customer into the open one."""
        cid = self._current()
        self._edit(lambda: self.profiles.merge(cid, absorbed_id), "Merging customers")

    def undo_merge(self, merge_id: int) -> None:
        self._edit(lambda: self.profiles.undo_merge(merge_id), "Undoing the merge")

    def open_customer(self, customer_id: int) -> None:
        self.navigate(Place(Screen.CUSTOMER, customer_id))

    def open_order(self, order_id: int) -> None:
        self.navigate(Place(Screen.ORDER, order_id))

    def _edit(self, write: Callable[[], object], label: str) -> None:
        cid = self._current()

        def job(_state: TaskState) -> CustomerProfile:
            write()
            return self.profiles.profile(cid, opened=False)

        self.runner.submit(job, self.view.show_profile, label)

    def _current(self) -> int:
        if self.customer_id is None:
            raise RuntimeError("no customer is open")
        return self.customer_id
