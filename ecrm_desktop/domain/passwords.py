"""The password policy every local user's password must meet (CLI.md: 10+ characters, not common)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from ecrm_desktop.domain.errors import PasswordPolicyError

MIN_LENGTH = 10


@cache
def _common_passwords() -> frozenset[str]:
    text = files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_password(password: str) -> None:
    """Raise `PasswordPolicyError` when `password` is too short or appears in the common-password list."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(f"The password must have at least {MIN_LENGTH} characters.")
    if password.lower() in _common_passwords():
        raise PasswordPolicyError("That password is on a list of common passwords; choose another one.")
