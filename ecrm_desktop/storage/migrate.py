"""Bring a workspace database to the newest schema with alembic, inside one transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")
HAND_MADE_TABLES = ("customer_search", "ticket_search")  # FTS5 indexes and shadow tables, made by SQL in migrations


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Autogenerate filter: leave the hand-made FTS5 tables alone."""
    return not (type_ == "table" and name is not None and name.startswith(HAND_MADE_TABLES))


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every pending migration; a failure rolls the whole upgrade back."""
    _migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Step the schema back to `revision` (tests and emergency rollbacks)."""
    _migrate(engine, lambda config: command.downgrade(config, revision))


def _migrate(engine: Engine, step: Callable[[Config], None]) -> None:
    """Run `step` in one transaction with foreign keys off, as SQLite's procedure for schema changes asks: a
    batch operation recreates a table, and dropping the old one would otherwise cascade-delete the rows that
    refer to it (a ticket's messages, say). The references are checked before the transaction commits."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection  # outside SQLAlchemy's BEGIN, where SQLite honours the pragma
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                step(alembic_config(conn))
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:
                    raise RuntimeError(f"The schema change left a broken reference in table {broken[0]}.")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
