"""Encrypted backups of a workspace and their verified restore.

A backup is one tar file holding `ecrm.db` (a consistent copy of the database, still encrypted with the
workspace key), `keyslots.json` (so the same users' passwords open it) and `manifest.json`: the SHA-256 and size
of both, and an HMAC-SHA256 of the manifest under a key derived from the database key, so a backup altered or
assembled from parts of two backups is refused before anything is written.

The copy is made with `sqlcipher_export` inside one read transaction: in WAL mode the snapshot is consistent
while the app and a sync keep writing. Restoring unpacks into a hidden folder beside the target, checks the
MAC, the checksums, SQLite's integrity check and SQLCipher's page MACs, and only then moves it into place.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ecrm_desktop.domain.errors import WorkspaceError
from ecrm_desktop.storage.engine import PAGE_SIZE
from ecrm_desktop.storage.keyslots import KeySlotFile
from ecrm_desktop.storage.workspace import DB_NAME, KEYSLOTS_NAME, Workspace, WorkspacePaths

FORMAT = "ecrm-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEMBERS = (DB_NAME, KEYSLOTS_NAME)
CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupInfo:
    workspace_id: str
    created_at: str
    database_bytes: int
    sha256: str


def create_backup(workspace: Workspace, target: Path) -> BackupInfo:
    """Write a backup of `workspace` to `target` (replaced only once the new file is complete)."""
    partial_db = target.with_name(f".{target.name}.db.partial")
    partial = target.with_name(f".{target.name}.partial")
    try:
        _export(workspace, partial_db)
        slots = workspace.paths.keyslots.read_bytes()
        manifest = _manifest(workspace.workspace_id, {DB_NAME: _file_digest(partial_db),
                                                      KEYSLOTS_NAME: _bytes_digest(slots)})
        manifest["mac"] = _mac(workspace.database_key, workspace.workspace_id, manifest)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            tar.add(partial_db, arcname=DB_NAME, recursive=False)
            _add_bytes(tar, KEYSLOTS_NAME, slots)
            tar.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
    except OSError as exc:
        raise WorkspaceError(f"The backup could not be written to {target}: {exc.strerror}.") from None
    finally:
        partial_db.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    db = manifest["files"][DB_NAME]
    return BackupInfo(workspace.workspace_id, manifest["created_at"], db["size"], db["sha256"])


def _export(workspace: Workspace, copy: Path) -> None:
    """A consistent encrypted copy of the database (one read snapshot; writers carry on meanwhile)."""
    copy.unlink(missing_ok=True)
    os.close(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    key = f"x'{workspace.database_key.hex()}'"
    with workspace.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("ATTACH DATABASE ? AS backup KEY ?", (str(copy), key))
        try:
            raw.execute(f"PRAGMA backup.cipher_page_size = {PAGE_SIZE}")
            raw.execute("BEGIN")
            raw.execute("SELECT count(*) FROM main.sqlite_master").fetchone()  # the snapshot starts here
            raw.execute("SELECT sqlcipher_export('backup')")
            raw.execute("COMMIT")
        except BaseException:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
            raise
        finally:
            raw.execute("DETACH DATABASE backup")


def read_backup(source: Path, user: str, password: str, into: Path) -> tuple[KeySlotFile, bytes]:
    """Unpack and verify a backup into the empty folder `into`: (its key slots, the database key the user's
    password opens). Raises `WorkspaceError` for a damaged or altered backup, `AuthenticationFailed` for a
    wrong user or password."""
    try:
        with tarfile.open(source, mode="r:") as tar:
            manifest = json.loads(_member(tar, MANIFEST, 1 << 20))
            if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
                raise WorkspaceError(f"{source} is not an ecrm backup of a known version.")
            slots_raw = _member(tar, KEYSLOTS_NAME, 1 << 24)
            _extract(tar, DB_NAME, into / DB_NAME)
    except (OSError, tarfile.TarError, ValueError, KeyError) as exc:
        raise WorkspaceError(f"{source} cannot be read as an ecrm backup ({exc.__class__.__name__}).") from None
    slots = KeySlotFile.parse(slots_raw.decode("utf-8"), f"{source}:{KEYSLOTS_NAME}")
    key = _matching_key(manifest, slots.unwrap_all(user, password), slots.workspace_id)
    files = manifest["files"]
    if _bytes_digest(slots_raw) != files[KEYSLOTS_NAME] or _file_digest(into / DB_NAME) != files[DB_NAME]:
        raise WorkspaceError(f"{source} is damaged: a file in it does not match its checksum.")
    _check_integrity(into / DB_NAME, key)
    fd = os.open(into / KEYSLOTS_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(slots_raw)
    return slots, key


def restore_backup(source: Path, folder: Path, user: str, password: str, *, replace: bool,
                   check: Callable[[Path, bytes], None]) -> Path | None:
    """Restore `source` as the workspace in `folder`. An existing workspace there is kept aside (renamed, its
    new name returned) only with `replace`; without it, refused. Nothing changes unless the backup verifies and
    `check(unpacked database, key)` (the caller's own test, such as the user's role) passes."""
    if WorkspacePaths(folder).exists() and not replace:
        raise WorkspaceError(f"{folder} already holds a workspace; restore into an empty folder, or confirm "
                             "replacing it (the current one is kept aside).")
    staging = folder.with_name(f".{folder.name}.restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, mode=0o700)
    try:
        _, key = read_backup(source, user, password, staging)
        check(staging / DB_NAME, key)
        aside = None
        if folder.exists():
            if WorkspacePaths(folder).exists():
                aside = folder.with_name(f"{folder.name}.before-restore-{datetime.now(UTC):%Y%m%dT%H%M%S}")
                folder.rename(aside)
            else:
                folder.rmdir()  # an empty folder; anything else in it makes this fail, changing nothing
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return aside


def _manifest(workspace_id: str, files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"format": FORMAT, "version": FORMAT_VERSION, "workspace_id": workspace_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "files": files}


def _mac(key: bytes, workspace_id: str, manifest: dict[str, Any]) -> str:
    mac_key = HKDF(hashes.SHA256(), 32, salt=None, info=f"ecrm-backup-mac|{workspace_id}".encode()).derive(key)
    body = json.dumps({k: v for k, v in manifest.items() if k != "mac"}, sort_keys=True, separators=(",", ":"))
    return hmac.new(mac_key, body.encode(), hashlib.sha256).hexdigest()


def _matching_key(manifest: dict[str, Any], keys: list[bytes], workspace_id: str) -> bytes:
    """The key whose MAC matches the manifest: proof the manifest is the one this workspace's key wrote."""
    if manifest.get("workspace_id") != workspace_id:
        raise WorkspaceError("The backup's manifest and key slots belong to different workspaces.")
    for key in keys:
        if hmac.compare_digest(_mac(key, workspace_id, manifest), str(manifest.get("mac", ""))):
            return key
    raise WorkspaceError("The backup's manifest fails its authentication check: the backup was altered.")


def _check_integrity(db: Path, key: bytes) -> None:
    conn = sqlcipher.connect(str(db), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
        pages = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        result = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlcipher.Error:
        raise WorkspaceError("The backup's database cannot be read with its key: the backup is damaged.") from None
    finally:
        conn.close()
    if pages or result != [("ok",)]:
        raise WorkspaceError("The backup's database fails its integrity check: the backup is damaged.")


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _member(tar: tarfile.TarFile, name: str, limit: int) -> bytes:
    info = tar.getmember(name)
    if not info.isfile() or info.size > limit:
        raise ValueError(f"unexpected member {name}")
    fh = tar.extractfile(info)
    assert fh is not None
    return fh.read()


def _extract(tar: tarfile.TarFile, name: str, target: Path) -> None:
    """Copy one named regular member to `target` (never a path the archive chooses)."""
    info = tar.getmember(name)
    fh = tar.extractfile(info) if info.isfile() else None
    if fh is None:
        raise ValueError(f"unexpected member {name}")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        shutil.copyfileobj(fh, out, CHUNK)


def _file_digest(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return {"sha256": digest.hexdigest(), "size": path.stat().st_size}


def _bytes_digest(data: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
