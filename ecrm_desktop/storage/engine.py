"""The SQLCipher engine: one place that opens the database, applies the key and tunes SQLite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, SessionTransaction, SessionTransactionOrigin, sessionmaker
from sqlalchemy.pool import QueuePool

from ecrm_desktop.domain.errors import WorkspaceError

# The driver binds None and bools through its adapter lookup, which without an adapter ends in a failed attribute
# lookup: about ten times the cost of binding an int. Adapters that return the same values make it a dict hit.
sqlcipher.register_adapter(type(None), lambda value: value)
sqlcipher.register_adapter(bool, int)

# Decrypted pages live in SQLite's page cache, so a generous cache saves decryptions (negative = KiB).
CACHE_KIB = 128 * 1024
PAGE_SIZE = 4096


def open_engine(db_path: Path, key: bytes | None, *, cache_kib: int = CACHE_KIB) -> Engine:
    """An engine over `db_path` encrypted with the raw 256-bit `key` (None opens a plain SQLite file,
    which only benchmarks and the plaintext-export test do).

    Every connection runs in WAL mode with foreign keys on; transactions are begun explicitly so that reads
    inside a unit of work see one snapshot. Raises `WorkspaceError` when the file cannot be read with the key.
    """
    key_pragma = f"PRAGMA key = \"x'{key.hex()}'\"" if key is not None else None

    def connect() -> Any:
        conn = sqlcipher.connect(str(db_path), check_same_thread=False, isolation_level=None)
        if key_pragma:
            conn.execute(key_pragma)
            conn.execute(f"PRAGMA cipher_page_size = {PAGE_SIZE}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails here on a wrong key or damage
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA cache_size = -{cache_kib}")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA busy_timeout = 10000")
        return conn

    engine = create_engine(
        f"sqlite:///{db_path}", module=sqlcipher, creator=connect, poolclass=QueuePool,
        pool_size=4, max_overflow=4,
        hide_parameters=True,  # SQL errors must never carry customer data into messages or logs
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    try:
        with engine.connect() as conn:
            mode: str = conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()
    except DBAPIError as exc:
        engine.dispose()
        raise WorkspaceError(
            f"The database {db_path.name} cannot be read: it is damaged or does not belong to this "
            "workspace's key-slot file. Restore the workspace from a backup.") from exc
    if str(mode).lower() != "wal":
        engine.dispose()
        raise WorkspaceError(f"The database {db_path.name} could not switch to WAL mode ({mode}).")
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions over `engine` whose explicit `begin()` (a unit of work that writes) takes SQLite's write lock
    before its first read. A deferred transaction that reads and then writes fails at once with "database is
    locked" when another connection wrote in between (its snapshot is stale); taken up front, the lock makes it
    wait for the other writer (busy timeout) instead. Reads (autobegin) never wait for writers (WAL)."""
    factory = sessionmaker(engine, expire_on_commit=False)

    @event.listens_for(factory, "after_begin")
    def _lock_for_writing(_session: Session, transaction: SessionTransaction, connection: Connection) -> None:
        if transaction.origin is SessionTransactionOrigin.BEGIN:
            connection.exec_driver_sql("ROLLBACK")  # the BEGIN just sent has read nothing yet
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return factory


def export_plaintext(engine: Engine, target: Path) -> None:
    """Copy the whole encrypted database to an unencrypted file (benchmarks compare the two)."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute(f"ATTACH DATABASE '{target}' AS plaintext KEY ''")
        raw.execute("SELECT sqlcipher_export('plaintext')")
        raw.execute("DETACH DATABASE plaintext")
