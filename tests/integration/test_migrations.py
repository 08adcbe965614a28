"""Migrations run from an empty database to head, match the ORM tables, and go down and up again."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from ecrm_desktop.storage import migrate
from ecrm_desktop.storage.engine import open_engine
from ecrm_desktop.storage.keyslots import KeySlotFile
from ecrm_desktop.storage.tables import Base


def test_upgrade_from_empty_matches_the_models(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "m.db", KeySlotFile.new_database_key())
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": migrate.include_object, "compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []
        assert "customer_search" in inspect(conn).get_table_names()
    engine.dispose()


def test_downgrade_to_empty_and_up_again(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "m.db", KeySlotFile.new_database_key())
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    engine.dispose()
