"""The rules and SLA editor: routing rules in order, and the SLA targets per priority (administrators change
them; everyone else sees them and is told why saving is refused)."""

from __future__ import annotations

from typing import Protocol

from ecrm_desktop.domain.enums import TicketPriority
from ecrm_desktop.domain.helpdesk.rules import RuleDef
from ecrm_desktop.domain.helpdesk.sla import SlaTargets
from ecrm_desktop.presenters.macro_editor import attempt
from ecrm_desktop.presenters.tasks import Runner


class RuleStore(Protocol):
    """What the editor needs of `services.ticket_rules.RuleService`."""

    def rules(self) -> list[RuleDef]: ...
    def segment_names(self) -> list[str]: ...
    def save_rule(self, rule: RuleDef) -> int: ...
    def delete_rule(self, rule_id: int) -> None: ...
    def sla_targets(self) -> dict[TicketPriority, SlaTargets]: ...
    def set_sla(self, priority: TicketPriority, targets: SlaTargets) -> None: ...


class RulesEditorView(Protocol):
    def show_rules(self, rules: list[RuleDef], selected: int | None) -> None: ...
    def show_sla(self, targets: dict[TicketPriority, SlaTargets]) -> None: ...
    def show_problem(self, text: str) -> None: ...


class RulesEditorPresenter:
    def __init__(self, view: RulesEditorView, rules: RuleStore, runner: Runner) -> None:
        self.view, self.rules, self.runner = view, rules, runner
        self.closed = False

    def close(self) -> None:
        """The dialog is gone: results still on their way are dropped."""
        self.closed = True

    def start(self, selected: int | None = None) -> None:
        self.runner.submit(lambda _s: (self.rules.rules(), self.rules.sla_targets()),
                           lambda found: self._loaded(found, selected), "Rules")

    def save_rule(self, rule: RuleDef) -> None:
        self.runner.submit(lambda _s: attempt(lambda: self.rules.save_rule(rule)), self._saved, "Saving rule")

    def delete_rule(self, rule_id: int) -> None:
        self.runner.submit(lambda _s: attempt(lambda: self.rules.delete_rule(rule_id)), self._saved, "Deleting rule")

    def save_sla(self, targets: dict[TicketPriority, SlaTargets]) -> None:
        def job() -> None:
            for priority, target in targets.items():
                self.rules.set_sla(priority, target)

        self.runner.submit(lambda _s: attempt(job), self._saved, "Saving SLA targets")

    def _loaded(self, found: tuple[list[RuleDef], dict[TicketPriority, SlaTargets]], selected: int | None) -> None:
        if self.closed:
            return
        self.view.show_rules(found[0], selected)
        self.view.show_sla(found[1])

    def _saved(self, outcome: tuple[object, str | None]) -> None:
        result, problem = outcome
        if self.closed:
            return
        self.view.show_problem(problem or "")
        if problem is None:
            self.start(result if isinstance(result, int) else None)
