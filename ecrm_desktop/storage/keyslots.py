"""The key-slot file: the database key, wrapped once per local user.

The database is encrypted with a random 256-bit key. Each user's password derives (Argon2id) a key-encryption
key that wraps the database key with AES-GCM; the slot's associated data binds it to this workspace and user,
so a slot copied to another workspace or renamed to another user no longer opens. Changing a password rewrites
one slot; removing a user deletes one slot; the database itself is never re-encrypted for either.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ecrm_desktop.domain.errors import AuthenticationFailed, WorkspaceError

FORMAT_VERSION = 1
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The defaults take about a quarter of a second on a 2-core laptop."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 2

    def derive(self, password: str, salt: bytes) -> bytes:
        return hash_secret_raw(
            password.encode("utf-8"), salt, time_cost=self.time_cost, memory_cost=self.memory_kib,
            parallelism=self.parallelism, hash_len=KEY_BYTES, type=Type.ID,
        )


@dataclass(frozen=True)
class KeySlot:
    user: str
    salt: bytes
    nonce: bytes
    wrapped_key: bytes
    kdf: KdfParams

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "kdf": {"name": "argon2id", "time_cost": self.kdf.time_cost,
                    "memory_kib": self.kdf.memory_kib, "parallelism": self.kdf.parallelism},
            "salt": _b64(self.salt), "nonce": _b64(self.nonce), "wrapped_key": _b64(self.wrapped_key),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeySlot:
        kdf = data["kdf"]
        if kdf["name"] != "argon2id":
            raise ValueError(f"unknown KDF {kdf['name']!r}")
        return cls(
            user=str(data["user"]), salt=_unb64(data["salt"]), nonce=_unb64(data["nonce"]),
            wrapped_key=_unb64(data["wrapped_key"]),
            kdf=KdfParams(int(kdf["time_cost"]), int(kdf["memory_kib"]), int(kdf["parallelism"])),
        )


@dataclass
class KeySlotFile:
    """All slots of one workspace; `workspace_id` is bound into every slot's associated data."""

    workspace_id: str
    slots: list[KeySlot] = field(default_factory=list)

    @staticmethod
    def new_database_key() -> bytes:
        return secrets.token_bytes(KEY_BYTES)

    def add(self, user: str, password: str, database_key: bytes, kdf: KdfParams | None = None) -> None:
        """Wrap `database_key` for `user` (replacing that user's slot if there is one)."""
        kdf = kdf or KdfParams()
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        wrapped = AESGCM(kdf.derive(password, salt)).encrypt(nonce, database_key, self._aad(user))
        self.remove(user)
        self.slots.append(KeySlot(user=user, salt=salt, nonce=nonce, wrapped_key=wrapped, kdf=kdf))

    def remove(self, user: str) -> None:
        self.slots = [s for s in self.slots if s.user.casefold() != user.casefold()]

    def has(self, user: str) -> bool:
        return any(s.user.casefold() == user.casefold() for s in self.slots)

    def unwrap(self, user: str, password: str) -> bytes:
        """The database key, or `AuthenticationFailed` for an unknown user or a wrong password."""
        for slot in self.slots:
            if slot.user.casefold() == user.casefold():
                try:
                    return AESGCM(slot.kdf.derive(password, slot.salt)).decrypt(
                        slot.nonce, slot.wrapped_key, self._aad(slot.user))
                except InvalidTag:
                    break
        raise AuthenticationFailed("Wrong user name or password.")

    def _aad(self, user: str) -> bytes:
        return f"ecrm-keyslot-v{FORMAT_VERSION}|{self.workspace_id}|{user.casefold()}".encode()

    # -- file I/O ---------------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write atomically (temporary file, fsync, rename) with owner-only permissions."""
        doc = {"format": "ecrm-keyslots", "version": FORMAT_VERSION, "workspace_id": self.workspace_id,
               "slots": [s.to_json() for s in self.slots]}
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        """Read the file, or raise `WorkspaceError` saying plainly whether it is missing or damaged."""
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise WorkspaceError(
                f"The key-slot file {path} is missing, so the workspace cannot be unlocked; "
                "restore it from a backup of this workspace.") from None
        try:
            doc = json.loads(raw)
            if doc.get("format") != "ecrm-keyslots" or doc.get("version") != FORMAT_VERSION:
                raise ValueError("not an ecrm key-slot file of a known version")
            return cls(workspace_id=str(doc["workspace_id"]),
                       slots=[KeySlot.from_json(s) for s in doc["slots"]])
        except (ValueError, KeyError, TypeError) as exc:
            raise WorkspaceError(
                f"The key-slot file {path} is damaged ({exc.__class__.__name__}); "
                "restore it from a backup of this workspace.") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
