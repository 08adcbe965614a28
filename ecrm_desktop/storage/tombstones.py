"""Tombstones: keyed hashes that let a sync recognise an erased person without keeping who they were.

A tombstone is HMAC-SHA256, under a random per-workspace pepper (a setting inside the encrypted database), of
either a store account (`account`, store id, the store's customer id) or a normalised email. Without the pepper
a digest cannot even be tested against a guessed email; with it, only a guess can be confirmed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ecrm_desktop.storage.batch import chunks, insert_sql
from ecrm_desktop.storage.lookups import normalise_email
from ecrm_desktop.storage.settings import read_setting, write_setting
from ecrm_desktop.storage.tables import Tombstone, utcnow

PEPPER_SETTING = "privacy_pepper"
ADD = insert_sql("privacy_tombstones", ("digest", "customer_id", "reason", "created_at"))


def pepper(session: Session) -> bytes:
    """The workspace's tombstone pepper, created on first use in the caller's transaction."""
    value = read_setting(session, PEPPER_SETTING)
    if value is None:
        value = secrets.token_hex(32)
        write_setting(session, PEPPER_SETTING, value)
        session.flush()
    return bytes.fromhex(str(value))


def _digest(key: bytes, *parts: object) -> str:
    return hmac.new(key, "\x1f".join(str(p) for p in parts).encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class TombstoneKeys:
    """Computes digests with one workspace's pepper."""

    key: bytes

    def account(self, store_id: int, external_id: str) -> str:
        return _digest(self.key, "account", store_id, external_id)

    def email(self, email: str | None) -> str | None:
        normalised = normalise_email(email)
        return _digest(self.key, "email", normalised) if normalised else None


def bury(session: Session, tombstones: Iterable[tuple[str, int | None]], reason: str) -> int:
    """Add tombstones, (digest, blank customer kept for them), in the caller's transaction; a digest already
    buried keeps its customer. Returns how many were added."""
    wanted = dict(tombstones)
    known: set[str] = set()
    for chunk in chunks(sorted(wanted)):
        known.update(session.execute(select(Tombstone.digest).where(Tombstone.digest.in_(chunk))).scalars())
    at = utcnow().strftime("%Y-%m-%dT%H:%M:%S")
    rows = [(d, cid, reason, at) for d, cid in wanted.items() if d not in known]
    if rows:
        session.connection().exec_driver_sql(ADD, rows)
    return len(rows)


class TombstoneCheck:
    """What a writer asks for each page: which of these digests are tombstones, and of which customer.

    A workspace with no tombstones answers without hashing anything."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.active = bool(session.execute(select(exists().where(Tombstone.digest.is_not(None)))).scalar())
        self.keys = TombstoneKeys(pepper(session)) if self.active else None

    def erased(self, store_id: int, refs: Sequence[tuple[str | None, str | None]]) -> dict[int, int | None]:
        """Which of these (store account id, email) references name an erased person: position in `refs` →
        the blank customer kept for them (None when that record was deleted too)."""
        if self.keys is None:
            return {}
        keys = self.keys
        digests = [(keys.account(store_id, ext) if ext else None, keys.email(email)) for ext, email in refs]
        wanted = sorted({d for pair in digests for d in pair if d})
        buried: dict[str, int | None] = {}
        for chunk in chunks(wanted):
            buried.update(self.session.execute(select(Tombstone.digest, Tombstone.customer_id)
                                               .where(Tombstone.digest.in_(chunk))).all())
        found: dict[int, int | None] = {}
        for i, pair in enumerate(digests):
            hits = [d for d in pair if d and d in buried]
            if hits:
                found[i] = next((buried[d] for d in hits if buried[d] is not None), None)
        return found
