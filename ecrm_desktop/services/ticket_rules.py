"""Setting up routing rules and SLA policies: administrators change them; agents may read them."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select

from ecrm_desktop.domain.enums import TicketPriority
from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.domain.helpdesk.rules import STRATEGIES, RuleDef
from ecrm_desktop.domain.helpdesk.sla import SlaTargets
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.ticket_automation import AGENT_ROLES, rule_defs, sla_targets
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import Segment, SlaPolicy, TicketRule, User


class RuleService:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def rules(self) -> list[RuleDef]:
        require(self.session, Operation.VIEW_TICKETS)
        with self.session.workspace.sessions() as s:
            return rule_defs(s)

    def save_rule(self, rule: RuleDef) -> int:
        """Create (no id) or update a rule; a new rule goes last."""
        self._require_admin()
        rule = replace(rule.check(), name=rule.name.strip(),
                       keywords=tuple(k.strip().lower() for k in rule.keywords if k.strip()))
        with self.session.workspace.sessions() as s, s.begin():
            if rule.segment and s.execute(select(Segment.id).where(Segment.name == rule.segment)).scalar() is None:
                raise UsageError(f"There is no saved segment named {rule.segment}.")
            if rule.assign and rule.assign not in STRATEGIES and s.execute(select(User.id).where(
                    User.name == rule.assign, User.role.in_(AGENT_ROLES))).scalar() is None:
                raise UsageError(f"{rule.assign} is not a support agent or administrator; assign to an agent, "
                                 f"or use {' or '.join(STRATEGIES)}.")
            if s.execute(select(TicketRule.id).where(TicketRule.name == rule.name,
                                                     TicketRule.id != (rule.id or 0))).scalar() is not None:
                raise UsageError(f"A rule named {rule.name} already exists.")
            row = s.get(TicketRule, rule.id) if rule.id else TicketRule(
                position=(s.execute(select(func.max(TicketRule.position))).scalar() or 0) + 1)
            if row is None:
                raise NotFound(f"There is no rule {rule.id}.")
            row.name, row.enabled, row.on_new, row.on_update = rule.name, rule.enabled, rule.on_new, rule.on_update
            row.segment, row.keywords, row.channel = rule.segment, ",".join(rule.keywords) or None, rule.channel
            row.min_order_cents, row.assign, row.add_tag = rule.min_order_cents, rule.assign, rule.add_tag
            row.set_priority = rule.set_priority
            s.add(row)
            s.flush()
            audit.append(s, self.session.user_name, "ticket_rule.save", "ticket_rule", row.id, name=rule.name)
            return row.id

    def delete_rule(self, rule_id: int) -> None:
        self._require_admin()
        with self.session.workspace.sessions() as s, s.begin():
            row = s.get(TicketRule, rule_id)
            if row is None:
                raise NotFound(f"There is no rule {rule_id}.")
            s.delete(row)
            audit.append(s, self.session.user_name, "ticket_rule.delete", "ticket_rule", rule_id, name=row.name)

    def segment_names(self) -> list[str]:
        """The saved segments a rule's condition may name."""
        require(self.session, Operation.VIEW_TICKETS)
        with self.session.workspace.sessions() as s:
            return list(s.execute(select(Segment.name).order_by(Segment.name)).scalars())

    def sla_targets(self) -> dict[TicketPriority, SlaTargets]:
        require(self.session, Operation.VIEW_TICKETS)
        with self.session.workspace.sessions() as s:
            return sla_targets(s)

    def set_sla(self, priority: TicketPriority, targets: SlaTargets) -> None:
        """Targets for new tickets of `priority` (tickets already open keep their deadlines)."""
        self._require_admin()
        if not 0 < targets.first_response_minutes <= targets.resolution_minutes:
            raise UsageError("The first-response target must be positive and no later than the resolution target.")
        with self.session.workspace.sessions() as s, s.begin():
            row = s.get(SlaPolicy, priority) or SlaPolicy(priority=priority)
            row.first_response_minutes, row.resolution_minutes = (targets.first_response_minutes,
                                                                  targets.resolution_minutes)
            s.add(row)
            audit.append(s, self.session.user_name, "sla.set", "sla_policy", None, priority=priority.value,
                         first_response_minutes=targets.first_response_minutes,
                         resolution_minutes=targets.resolution_minutes)

    def _require_admin(self) -> None:
        """Rules and SLA policies are workspace settings (administrators by default)."""
        require(self.session, Operation.MANAGE_SETTINGS)
