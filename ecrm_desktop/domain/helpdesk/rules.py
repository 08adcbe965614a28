"""Routing rules: conditions on a ticket and its sender, and the actions that follow when all of them hold."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ecrm_desktop.domain.enums import TicketChannel, TicketPriority
from ecrm_desktop.domain.errors import UsageError

# `RuleDef.assign` takes a user name or one of these strategies.
ROUND_ROBIN = "round-robin"
LEAST_LOADED = "least-loaded"
STRATEGIES = (ROUND_ROBIN, LEAST_LOADED)


@dataclass(frozen=True)
class RuleDef:
    """A rule as saved. Empty conditions always hold; a rule with no action is refused."""

    name: str
    segment: str | None = None
    keywords: tuple[str, ...] = ()
    channel: TicketChannel | None = None
    min_order_cents: int | None = None
    assign: str | None = None
    add_tag: str | None = None
    set_priority: TicketPriority | None = None
    on_new: bool = True
    on_update: bool = False
    enabled: bool = True
    id: int | None = None
    position: int = 0

    def check(self) -> RuleDef:
        if not self.name.strip():
            raise UsageError("A rule needs a name.")
        if not (self.assign or self.add_tag or self.set_priority):
            raise UsageError("A rule needs at least one action: assign, tag or set priority.")
        if not (self.on_new or self.on_update):
            raise UsageError("A rule must run on new tickets, updated tickets or both.")
        if self.min_order_cents is not None and self.min_order_cents < 0:
            raise UsageError("The order value of a rule cannot be negative.")
        return self


@dataclass(frozen=True)
class TicketFacts:
    """What the conditions look at. `segments` holds the names of the rule segments the sender is in."""

    subject: str
    body: str
    channel: TicketChannel
    last_order_cents: int | None
    segments: frozenset[str] = field(default_factory=frozenset)


def parse_keywords(text: str) -> tuple[str, ...]:
    """Comma-separated keywords or phrases, trimmed and lower-cased."""
    return tuple(k.strip().lower() for k in text.split(",") if k.strip())


def matches(rule: RuleDef, facts: TicketFacts) -> bool:
    if rule.channel is not None and facts.channel is not rule.channel:
        return False
    if rule.min_order_cents is not None and (facts.last_order_cents or 0) < rule.min_order_cents:
        return False
    if rule.segment is not None and rule.segment not in facts.segments:
        return False
    if rule.keywords:
        text = f"{facts.subject}\n{facts.body}".lower()
        return any(re.search(rf"\b{re.escape(k)}\b", text) for k in rule.keywords)
    return True
