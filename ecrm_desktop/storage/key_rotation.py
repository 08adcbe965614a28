"""Rotating the database key: SQLCipher re-encrypts every page under a new random key, and every user's slot
is sealed the new key, in an order that leaves a workspace that opens whatever instant a crash strikes:

1. the key-slot file is saved with both keys sealed for every user (new first): the database still opens;
2. `PRAGMA rekey` re-encrypts the database in one transaction (SQLite's journal makes it all or nothing);
3. the key-slot file is saved with only the new key: the old key no longer opens anything.

A crash after 1 leaves slots with two keys, of which opening (`open_unlocked`) tries each and then finishes (or
undoes) the rotation by keeping only the key that works. No user's password is needed (see `storage.keyslots`).
"""

from __future__ import annotations

from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher

from ecrm_desktop.domain.errors import WorkspaceError
from ecrm_desktop.storage.engine import PAGE_SIZE
from ecrm_desktop.storage.keyslots import KeySlotFile
from ecrm_desktop.storage.workspace import Workspace, open_workspace


def rotate_key(workspace: Workspace, slots: KeySlotFile) -> None:
    """Re-encrypt `workspace` under a new key and seal it for every user in `slots`; the workspace's engine is
    reopened with the new key. Other connections to the database must be closed (the caller's engine is)."""
    old, new = workspace.database_key, KeySlotFile.new_database_key()
    path = workspace.paths.keyslots
    slots.reseal([new, old])
    slots.save(path)
    workspace.engine.dispose()
    try:
        rekey(workspace.paths.database, old, new)
    except BaseException:
        slots.reseal([old])
        slots.save(path)
        workspace.reopen(old)
        raise
    slots.reseal([new])
    slots.save(path)
    workspace.reopen(new)


def rekey(database: Path, old: bytes, new: bytes) -> None:
    """Re-encrypt the database file from `old` to `new` on a connection of its own."""
    conn = sqlcipher.connect(str(database), isolation_level=None, timeout=10)
    try:
        conn.execute(f"PRAGMA key = \"x'{old.hex()}'\"")
        conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(f"PRAGMA rekey = \"x'{new.hex()}'\"")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlcipher.Error as exc:
        raise WorkspaceError(
            "The database key could not be changed because the database is busy; close other ecrm windows and "
            f"scheduled syncs of this workspace and try again ({exc.__class__.__name__}).") from None
    finally:
        conn.close()


def open_unlocked(folder: Path, slots: KeySlotFile, keys: list[bytes]) -> Workspace:
    """Open the workspace with the first of `keys` that works; when the slots held more than one (a rotation was
    interrupted), keep only that one in every slot."""
    last: WorkspaceError | None = None
    for key in keys:
        try:
            workspace = open_workspace(folder, key, slots.workspace_id)
        except WorkspaceError as exc:
            last = exc
            continue
        if len(keys) > 1:
            slots.reseal([key])
            slots.save(workspace.paths.keyslots)
        return workspace
    assert last is not None
    raise last
