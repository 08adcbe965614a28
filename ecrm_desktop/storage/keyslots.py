"""The key-slot file: the database key, made available once per local user.

The database is encrypted with a random 256-bit key. Each user has an X25519 key pair: the private key is
wrapped with AES-GCM under a key-encryption key their password derives (Argon2id), and the database key is
*sealed* to the public key (ephemeral X25519, HKDF-SHA256, AES-GCM). Unlocking needs the password; sealing a new
database key for every user (key rotation) needs no password at all, so rotating the key and removing a user go
together: the removed user's old slot opens only the old key, which no longer opens the database.

Every wrap and seal binds this workspace and user in its associated data, so a slot copied to another workspace
or renamed to another user no longer opens. During a rotation a slot holds two seals, the new key first: a crash
at any instant leaves a file that opens the database whichever key it is encrypted with (`unwrap_all`).

Version 1 slots (the database key wrapped directly under the password) are still read; the service upgrades a
user's slot to version 2 at their next sign-in, when it knows the password.
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
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ecrm_desktop.domain.errors import AuthenticationFailed, WorkspaceError

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
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

    def to_json(self) -> dict[str, Any]:
        return {"name": "argon2id", "time_cost": self.time_cost, "memory_kib": self.memory_kib,
                "parallelism": self.parallelism}

    @classmethod
    def from_json(cls, kdf: dict[str, Any]) -> KdfParams:
        if kdf["name"] != "argon2id":
            raise ValueError(f"unknown KDF {kdf['name']!r}")
        return cls(int(kdf["time_cost"]), int(kdf["memory_kib"]), int(kdf["parallelism"]))


@dataclass(frozen=True)
class Seal:
    """A database key encrypted to one user's public key."""

    ephemeral: bytes
    nonce: bytes
    ciphertext: bytes

    def to_json(self) -> dict[str, str]:
        return {"ephemeral": _b64(self.ephemeral), "nonce": _b64(self.nonce), "ciphertext": _b64(self.ciphertext)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Seal:
        return cls(_unb64(data["ephemeral"]), _unb64(data["nonce"]), _unb64(data["ciphertext"]))


@dataclass(frozen=True)
class KeySlot:
    """One user's slot. Version 2: `wrapped` is their private key, `seals` the database key(s) sealed to
    `public_key`. Version 1 (legacy): `wrapped` is the database key itself and there are no seals."""

    user: str
    salt: bytes
    nonce: bytes
    wrapped: bytes
    kdf: KdfParams
    version: int = FORMAT_VERSION
    public_key: bytes = b""
    seals: tuple[Seal, ...] = ()

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"user": self.user, "version": self.version, "kdf": self.kdf.to_json(),
                               "salt": _b64(self.salt), "nonce": _b64(self.nonce)}
        if self.version == 1:
            return doc | {"wrapped_key": _b64(self.wrapped)}
        return doc | {"wrapped_private_key": _b64(self.wrapped), "public_key": _b64(self.public_key),
                      "seals": [s.to_json() for s in self.seals]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeySlot:
        version = int(data.get("version", 1))
        user, salt, nonce = str(data["user"]), _unb64(data["salt"]), _unb64(data["nonce"])
        kdf = KdfParams.from_json(data["kdf"])
        if version == 1:
            return cls(user, salt, nonce, _unb64(data["wrapped_key"]), kdf, version=1)
        if version != 2:
            raise ValueError(f"unknown slot version {version}")
        return cls(user, salt, nonce, _unb64(data["wrapped_private_key"]), kdf, version=2,
                   public_key=_unb64(data["public_key"]), seals=tuple(Seal.from_json(s) for s in data["seals"]))


@dataclass
class KeySlotFile:
    """All slots of one workspace; `workspace_id` is bound into every slot's associated data."""

    workspace_id: str
    slots: list[KeySlot] = field(default_factory=list)

    @staticmethod
    def new_database_key() -> bytes:
        return secrets.token_bytes(KEY_BYTES)

    def add(self, user: str, password: str, database_key: bytes, kdf: KdfParams | None = None) -> None:
        """Give `user` a new key pair and the database key sealed to it (replacing that user's slot)."""
        kdf = kdf or KdfParams()
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        private = X25519PrivateKey.generate()
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        wrapped = AESGCM(kdf.derive(password, salt)).encrypt(nonce, private.private_bytes_raw(),
                                                             self._aad("private", user))
        self.remove(user)
        self.slots.append(KeySlot(user=user, salt=salt, nonce=nonce, wrapped=wrapped, kdf=kdf, public_key=public,
                                  seals=(self._seal(user, public, database_key),)))

    def remove(self, user: str) -> None:
        self.slots = [s for s in self.slots if s.user.casefold() != user.casefold()]

    def has(self, user: str) -> bool:
        return any(s.user.casefold() == user.casefold() for s in self.slots)

    def users(self) -> list[str]:
        return [s.user for s in self.slots]

    def legacy_users(self) -> list[str]:
        """Users whose slot is still version 1 (their key can only be re-wrapped with their password)."""
        return [s.user for s in self.slots if s.version == 1]

    def unwrap(self, user: str, password: str) -> bytes:
        """The database key (the newest, during a rotation), or `AuthenticationFailed`."""
        return self.unwrap_all(user, password)[0]

    def unwrap_all(self, user: str, password: str) -> list[bytes]:
        """Every database key the user's slot holds, newest first (two only while a rotation is under way);
        `AuthenticationFailed` for an unknown user or a wrong password."""
        for slot in self.slots:
            if slot.user.casefold() != user.casefold():
                continue
            try:
                if slot.version == 1:
                    return [AESGCM(slot.kdf.derive(password, slot.salt)).decrypt(
                        slot.nonce, slot.wrapped, _legacy_aad(self.workspace_id, slot.user))]
                private = X25519PrivateKey.from_private_bytes(AESGCM(slot.kdf.derive(password, slot.salt)).decrypt(
                    slot.nonce, slot.wrapped, self._aad("private", slot.user)))
                return [self._open(slot, private, seal) for seal in slot.seals]
            except InvalidTag:
                break
        raise AuthenticationFailed("Wrong user name or password.")

    def reseal(self, keys: list[bytes]) -> None:
        """Seal exactly `keys` (newest first) for every user, with no password needed. Refuses while a user's
        slot is still version 1, naming who must sign in once first."""
        legacy = self.legacy_users()
        if legacy:
            raise WorkspaceError(
                f"{', '.join(legacy)} must sign in once (to upgrade their key slot) before the key can be rotated.")
        self.slots = [KeySlot(user=s.user, salt=s.salt, nonce=s.nonce, wrapped=s.wrapped, kdf=s.kdf,
                              public_key=s.public_key, seals=tuple(self._seal(s.user, s.public_key, k) for k in keys))
                      for s in self.slots]

    def _seal(self, user: str, public: bytes, database_key: bytes) -> Seal:
        ephemeral = X25519PrivateKey.generate()
        ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        kek = self._seal_key(ephemeral.exchange(X25519PublicKey.from_public_bytes(public)), ephemeral_public,
                             public)
        nonce = secrets.token_bytes(12)
        return Seal(ephemeral_public, nonce, AESGCM(kek).encrypt(nonce, database_key, self._aad("seal", user)))

    def _open(self, slot: KeySlot, private: X25519PrivateKey, seal: Seal) -> bytes:
        shared = private.exchange(X25519PublicKey.from_public_bytes(seal.ephemeral))
        kek = self._seal_key(shared, seal.ephemeral, slot.public_key)
        return AESGCM(kek).decrypt(seal.nonce, seal.ciphertext, self._aad("seal", slot.user))

    def _seal_key(self, shared: bytes, ephemeral_public: bytes, public: bytes) -> bytes:
        return HKDF(hashes.SHA256(), KEY_BYTES, salt=ephemeral_public + public,
                    info=f"ecrm-seal-v2|{self.workspace_id}".encode()).derive(shared)

    def _aad(self, purpose: str, user: str) -> bytes:
        return f"ecrm-keyslot-v2|{purpose}|{self.workspace_id}|{user.casefold()}".encode()

    # -- file I/O ---------------------------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write atomically (temporary file, fsync, rename, fsync of the folder) with owner-only permissions."""
        doc = {"format": "ecrm-keyslots", "version": FORMAT_VERSION, "workspace_id": self.workspace_id,
               "slots": [s.to_json() for s in self.slots]}
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_folder(path.parent)

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        """Read the file, or raise `WorkspaceError` saying plainly whether it is missing or damaged."""
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise WorkspaceError(
                f"The key-slot file {path} is missing, so the workspace cannot be unlocked; "
                "restore it from a backup of this workspace.") from None
        return cls.parse(raw, str(path))

    @classmethod
    def parse(cls, raw: str, where: str) -> KeySlotFile:
        try:
            doc = json.loads(raw)
            if doc.get("format") != "ecrm-keyslots" or doc.get("version") not in READABLE_VERSIONS:
                raise ValueError("not an ecrm key-slot file of a known version")
            return cls(workspace_id=str(doc["workspace_id"]),
                       slots=[KeySlot.from_json(s) for s in doc["slots"]])
        except (ValueError, KeyError, TypeError) as exc:
            raise WorkspaceError(
                f"The key-slot file {where} is damaged ({exc.__class__.__name__}); "
                "restore it from a backup of this workspace.") from None


def _legacy_aad(workspace_id: str, user: str) -> bytes:
    return f"ecrm-keyslot-v1|{workspace_id}|{user.casefold()}".encode()


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
