"""Checking a user's second factor as they sign in (TOTP or a single-use recovery code)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.errors import AuthenticationFailed, SecondFactorRequired
from ecrm_desktop.storage.tables import RecoveryCode, User, utcnow

Clock = Callable[[], datetime]


def verify(s: Session, user: User, code: str | None, clock: Clock = lambda: datetime.now(UTC)) -> str | None:
    """Check the second factor of `user` in the caller's transaction: None when they have none, else "totp" or
    "recovery" (a recovery code is used up). Raises `SecondFactorRequired` or `AuthenticationFailed`."""
    if not user.totp_secret:
        return None
    code = (code or "").strip().replace(" ", "").replace("-", "").lower()
    if not code:
        raise SecondFactorRequired("Enter the 6-digit code from your authenticator app (ECRM_TOTP on the command "
                                   "line), or one of your recovery codes.")
    if code.isdigit():
        step = matching_step(user.totp_secret, code, clock())
        if step is not None:
            if user.totp_last_step is not None and step <= user.totp_last_step:
                raise AuthenticationFailed("That authentication code was already used; wait for the next one.")
            user.totp_last_step = step
            return "totp"
    digest = code_digest(code)
    for row in s.execute(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                    RecoveryCode.used_at.is_(None))).scalars():
        if hmac.compare_digest(row.code_hash, digest):
            row.used_at = utcnow()
            return "recovery"
    raise AuthenticationFailed("Wrong authentication code.")


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The TOTP time step (the current one or a neighbour, for clock drift) whose code is `code`, else None."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def code_digest(code: str) -> str:
    """What is stored of a recovery code."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()
