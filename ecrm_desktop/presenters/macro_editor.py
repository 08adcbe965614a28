"""The macro editor: list, edit, preview on the open ticket, save and delete macros."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.helpdesk.macros import FALLBACKS, MacroDef
from ecrm_desktop.presenters.tasks import Runner

PLACEHOLDERS = tuple("{" + name + "}" for name in FALLBACKS)


def attempt(work: Callable[[], object]) -> tuple[object, str | None]:
    """The result, or the sentence of an error the user can act on (shown in the dialog, not the banner)."""
    try:
        return work(), None
    except EcrmError as exc:
        return None, str(exc)


class MacroStore(Protocol):
    """What the editor needs of `services.macros.MacroService`."""

    def list(self) -> list[MacroDef]: ...
    def save(self, macro: MacroDef) -> int: ...
    def delete(self, macro_id: int) -> None: ...
    def preview(self, body: str, ticket_id: int) -> str: ...


class MacroEditorView(Protocol):
    def show_macros(self, macros: list[MacroDef], selected: int | None) -> None: ...
    def show_preview(self, text: str) -> None: ...
    def show_problem(self, text: str) -> None: ...


class MacroEditorPresenter:
    """`ticket_id` is the ticket previews are rendered for (None: previews say so); `changed` runs after a save
    or delete so the inbox's macro picker is current."""

    def __init__(self, view: MacroEditorView, macros: MacroStore, runner: Runner, ticket_id: int | None,
                 changed: Callable[[], None] = lambda: None) -> None:
        self.view, self.macros, self.runner = view, macros, runner
        self.ticket_id, self.changed = ticket_id, changed
        self.closed = False

    def close(self) -> None:
        """The dialog is gone: results still on their way are dropped."""
        self.closed = True

    def start(self, selected: int | None = None) -> None:
        self.runner.submit(lambda _s: self.macros.list(),
                           lambda found: None if self.closed else self.view.show_macros(found, selected), "Macros")

    def preview(self, body: str) -> None:
        ticket_id = self.ticket_id
        if ticket_id is None:
            self.view.show_preview("Open a ticket in the inbox to preview a macro on it.")
            return
        self.runner.submit(lambda _s: attempt(lambda: self.macros.preview(body, ticket_id)), self._previewed,
                           "Preview")

    def save(self, macro: MacroDef) -> None:
        self.runner.submit(lambda _s: attempt(lambda: self.macros.save(macro)), self._saved, "Saving macro")

    def delete(self, macro_id: int) -> None:
        self.runner.submit(lambda _s: attempt(lambda: self.macros.delete(macro_id)), self._saved, "Deleting macro")

    def _previewed(self, outcome: tuple[object, str | None]) -> None:
        text, problem = outcome
        if self.closed:
            return
        if problem is not None:
            self.view.show_problem(problem)
        else:
            self.view.show_problem("")
            self.view.show_preview(str(text))

    def _saved(self, outcome: tuple[object, str | None]) -> None:
        result, problem = outcome
        if self.closed:
            return
        self.view.show_problem(problem or "")
        if problem is None:
            self.changed()
            self.start(result if isinstance(result, int) else None)
