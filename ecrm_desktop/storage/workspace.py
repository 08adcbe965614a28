"""A workspace on disk: a folder holding the encrypted database, its WAL and the key-slot file.

`create_workspace` and `open_workspace` are the only ways in; both either succeed whole or leave the folder
as they found it.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from ecrm_desktop.domain.errors import WorkspaceError
from ecrm_desktop.storage import migrate
from ecrm_desktop.storage.engine import open_engine, session_factory
from ecrm_desktop.storage.keyslots import KdfParams, KeySlotFile
from ecrm_desktop.storage.tables import Setting

DB_NAME = "ecrm.db"
KEYSLOTS_NAME = "keyslots.json"


@dataclass(frozen=True)
class WorkspacePaths:
    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / DB_NAME

    @property
    def keyslots(self) -> Path:
        return self.folder / KEYSLOTS_NAME

    def exists(self) -> bool:
        return self.database.exists() or self.keyslots.exists()


@dataclass
class Workspace:
    """An unlocked workspace: its engine, a session factory and its identity."""

    paths: WorkspacePaths
    workspace_id: str
    engine: Engine
    database_key: bytes

    def __post_init__(self) -> None:
        self.sessions: Callable[[], Session] = session_factory(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def reopen(self, database_key: bytes) -> None:
        """Dispose of the engine and open a new one with `database_key` (after the key was rotated); services
        holding this workspace use it from their next unit of work."""
        self.engine.dispose()
        self.engine = open_engine(self.paths.database, database_key)
        self.database_key = database_key
        self.sessions = session_factory(self.engine)


def create_workspace(folder: Path, user: str, password: str, seed_database: Callable[[Session], None],
                     kdf: KdfParams | None = None) -> Workspace:
    """Create the folder's key slots and encrypted database, migrate it, and run `seed_database` (which adds
    the first user) in the same transaction. Anything that fails removes what was created."""
    paths = WorkspacePaths(folder)
    if paths.exists():
        raise WorkspaceError(f"A workspace already exists in {folder}; open it instead of creating one.")
    created_folder = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    workspace_id = str(uuid.uuid4())
    key = KeySlotFile.new_database_key()
    engine: Engine | None = None
    try:
        os.close(os.open(paths.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # WAL/SHM inherit 0600
        engine = open_engine(paths.database, key)
        migrate.upgrade(engine)
        with sessionmaker(engine)() as session, session.begin():
            session.add(Setting(key="workspace_id", value_json=json.dumps(workspace_id)))
            seed_database(session)
        slots = KeySlotFile(workspace_id)
        slots.add(user, password, key, kdf)
        slots.save(paths.keyslots)
    except BaseException:
        if engine is not None:
            engine.dispose()
        _remove_workspace_files(paths, created_folder)
        raise
    return Workspace(paths, workspace_id, engine, key)


def open_workspace(folder: Path, database_key: bytes, workspace_id: str) -> Workspace:
    """Open the database with an already unwrapped key; checks the key-slot file and database belong together
    and migrates the schema forward."""
    paths = WorkspacePaths(folder)
    if not paths.database.exists():
        raise WorkspaceError(
            f"There is no workspace database in {folder}. Create one with 'ecrm init' or choose another folder.")
    engine = open_engine(paths.database, database_key)
    try:
        with engine.connect() as conn:
            stored = conn.execute(select(Setting.value_json).where(Setting.key == "workspace_id")).scalar()
        if stored is None or json.loads(stored) != workspace_id:
            raise WorkspaceError(
                f"The database in {folder} does not belong to its key-slot file; restore both from one backup.")
        if migrate.current_revision(engine) != migrate.head_revision():
            migrate.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Workspace(paths, workspace_id, engine, database_key)


def read_keyslots(folder: Path) -> KeySlotFile:
    paths = WorkspacePaths(folder)
    if not paths.exists():
        raise WorkspaceError(f"There is no workspace in {folder}. Create one with 'ecrm init' or 'ecrm demo'.")
    return KeySlotFile.load(paths.keyslots)


def _remove_workspace_files(paths: WorkspacePaths, remove_folder: bool) -> None:
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", KEYSLOTS_NAME, f"{KEYSLOTS_NAME}.tmp"):
        (paths.folder / name).unlink(missing_ok=True)
    if remove_folder:
        shutil.rmtree(paths.folder, ignore_errors=True)
