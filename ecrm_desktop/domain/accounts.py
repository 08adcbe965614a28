"""Local users as screens show them, and the second factor's enrolment and state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ecrm_desktop.domain.enums import Role


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: Role
    created_at: datetime
    last_login_at: datetime | None
    disabled: bool


@dataclass(frozen=True)
class Enrolment:
    """A secret not yet stored: shown as a QR code (`uri`) and as text, kept only once a code confirms it."""

    secret: str
    uri: str


@dataclass(frozen=True)
class MfaStatus:
    enrolled: bool
    recovery_codes_left: int
