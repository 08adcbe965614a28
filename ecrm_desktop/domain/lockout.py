"""Lock-out after repeated failed sign-ins: a few free attempts, then an exponentially growing wait."""

from __future__ import annotations

FREE_ATTEMPTS = 5
FIRST_WAIT_SECONDS = 30
MAX_WAIT_SECONDS = 60 * 60


def wait_after(failures: int) -> int:
    """Seconds a user must wait after `failures` consecutive failures before the next attempt: none for the
    first few, then 30 s, 60 s, 120 s, ... up to an hour."""
    if failures < FREE_ATTEMPTS:
        return 0
    return int(min(FIRST_WAIT_SECONDS * 2 ** (failures - FREE_ATTEMPTS), MAX_WAIT_SECONDS))
