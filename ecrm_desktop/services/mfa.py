"""The optional second factor: TOTP (RFC 6238, as authenticator apps speak it) with ten single-use recovery
codes, enrolled by the user themself after confirming a first code; an administrator may reset it."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.accounts import Enrolment, MfaStatus
from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.second_factor import code_digest, matching_step
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import RecoveryCode, User

ISSUER = "ecrm"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
Clock = Callable[[], datetime]


class MfaService:
    """The signed-in user's own second factor; resetting someone else's needs MANAGE_USERS."""

    def __init__(self, session: UserSession, clock: Clock = lambda: datetime.now(UTC)) -> None:
        self.session = session
        self.clock = clock

    def status(self) -> MfaStatus:
        with self.session.workspace.sessions() as s:
            user = s.get_one(User, self.session.user_id)
            left = s.execute(select(func.count()).select_from(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).scalar_one()
            return MfaStatus(bool(user.totp_secret), int(left))

    def begin(self) -> Enrolment:
        """A fresh secret for the authenticator app; nothing is stored until `confirm`."""
        secret = pyotp.random_base32()
        uri = pyotp.TOTP(secret).provisioning_uri(name=self.session.user_name, issuer_name=ISSUER)
        return Enrolment(secret, uri)

    def confirm(self, enrolment: Enrolment, code: str) -> list[str]:
        """Store the secret once `code` proves the app has it; returns ten new recovery codes (shown once)."""
        step = matching_step(enrolment.secret, code.strip().replace(" ", ""), self.clock())
        if step is None:
            raise UsageError("That code does not match; check the time on your phone and enter the current code.")
        with self.session.workspace.sessions() as s, s.begin():
            user = s.get_one(User, self.session.user_id)
            user.totp_secret, user.totp_last_step = enrolment.secret, step  # the confirming code is spent
            codes = _replace_codes(s, user.id)
            audit.append(s, self.session.user_name, "mfa.enrol", "user", user.id)
        return codes

    def new_recovery_codes(self) -> list[str]:
        """Ten new recovery codes replacing the old ones (for a user with a second factor)."""
        with self.session.workspace.sessions() as s, s.begin():
            user = s.get_one(User, self.session.user_id)
            if not user.totp_secret:
                raise UsageError("Set up a second factor first; recovery codes stand in for it.")
            codes = _replace_codes(s, user.id)
            audit.append(s, self.session.user_name, "mfa.recovery_codes", "user", user.id)
        return codes

    def disable(self, user_name: str | None = None) -> None:
        """Remove the second factor of the signed-in user, or (administrators) of `user_name`."""
        if user_name is not None and user_name.casefold() != self.session.user_name.casefold():
            require(self.session, Operation.MANAGE_USERS)
        with self.session.workspace.sessions() as s, s.begin():
            name = user_name or self.session.user_name
            user = s.execute(select(User).where(func.lower(User.name) == name.lower())).scalar()
            if user is None:
                raise NotFound(f"There is no user named {name}.")
            user.totp_secret = user.totp_last_step = None
            s.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
            audit.append(s, self.session.user_name, "mfa.disable", "user", user.id, name=user.name)


def _replace_codes(s: Session, user_id: int) -> list[str]:
    s.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    s.add_all(RecoveryCode(user_id=user_id, code_hash=code_digest(c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]
