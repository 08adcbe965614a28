"""Failed sign-ins per user, kept beside the database (a wrong password cannot open it) in
`sign_in_attempts.json`: the count of consecutive failures, when the last one happened, and the failures not yet
written to the audit trail. Holds user names and times only."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

FILE_NAME = "sign_in_attempts.json"


@dataclass
class Attempts:
    failures: int = 0
    last_failure: datetime | None = None
    unaudited: list[str] = field(default_factory=list)  # ISO times of failures the audit trail has not seen


def read(folder: Path) -> dict[str, Attempts]:
    """Every user's record (keys are case-folded user names); an unreadable file counts as empty."""
    try:
        raw = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    out = {}
    for user, rec in raw.items():
        if isinstance(rec, dict):
            last = rec.get("last_failure")
            out[user] = Attempts(int(rec.get("failures", 0)), datetime.fromisoformat(last) if last else None,
                                 [str(t) for t in rec.get("unaudited", [])][-100:])
    return out


def write(folder: Path, records: dict[str, Attempts]) -> None:
    """Replace the file atomically (written beside it, then renamed)."""
    data = {user: {"failures": a.failures, "last_failure": a.last_failure.isoformat() if a.last_failure else None,
                   "unaudited": a.unaudited} for user, a in records.items() if a.failures or a.unaudited}
    tmp = folder / f".{FILE_NAME}.partial"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, folder / FILE_NAME)
