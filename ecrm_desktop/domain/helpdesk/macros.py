"""Macros: canned replies whose `{placeholders}` are filled from the ticket, its customer and the agent.

A placeholder whose data is missing renders a readable fallback ("there", "(no tracking link yet)"), never
"None"; an unknown placeholder is refused when the macro is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecrm_desktop.domain.enums import TicketStatus
from ecrm_desktop.domain.errors import UsageError

PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)\}")

# Each placeholder with what it says when the data is missing.
FALLBACKS: dict[str, str] = {
    "customer.first_name": "there",
    "customer.last_name": "",
    "customer.name": "there",
    "customer.email": "(no email on file)",
    "order.last.number": "(no order on file)",
    "order.last.status": "(no order on file)",
    "order.last.tracking_url": "(no tracking link yet)",
    "order.last.tracking_number": "(no tracking number yet)",
    "agent.name": "the support team",
    "ticket.id": "",
    "ticket.subject": "",
}


@dataclass(frozen=True)
class MacroFacts:
    """What a macro may say, each None when unknown."""

    values: dict[str, str | None]

    def get(self, name: str) -> str:
        value = self.values.get(name)
        return value if value else FALLBACKS[name]


@dataclass(frozen=True)
class MacroDef:
    id: int
    name: str
    body: str
    set_status: TicketStatus | None = None
    add_tag: str | None = None
    assign_to: str | None = None  # a user name


@dataclass(frozen=True)
class AppliedMacro:
    """A macro filled in for one ticket: the text the agent may still edit, and the actions it will take."""

    macro: MacroDef
    text: str


def placeholders(body: str) -> list[str]:
    return PLACEHOLDER.findall(body)


def check_body(body: str) -> str:
    """The trimmed body, or `UsageError` naming the first unknown placeholder."""
    body = body.strip()
    if not body:
        raise UsageError("A macro needs some text.")
    unknown = [p for p in placeholders(body) if p not in FALLBACKS]
    if unknown:
        raise UsageError(f"Unknown placeholder {{{unknown[0]}}}; known ones are "
                         f"{', '.join('{' + k + '}' for k in FALLBACKS)}.")
    return body


def render(body: str, facts: MacroFacts) -> str:
    """`body` with every known placeholder replaced by its value or fallback (unknown ones are left as typed)."""
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return facts.get(name) if name in FALLBACKS else match.group(0)

    text = PLACEHOLDER.sub(fill, body)
    return re.sub(r"[ \t]+([,.!?])", r"\1", text)  # "Hi {customer.last_name}," without a name: "Hi,"
