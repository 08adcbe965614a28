"""Declarative base and the column types every table shares."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Dialect, Enum, MetaData, String
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator, TypeEngine

# ISO 8601 with a "T", seconds resolution: sorts as text, reads as text, and bulk loaders can write it directly.
SQLITE_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, stored in UTC and returned timezone-aware (UTC).

    On SQLite it is the text `YYYY-MM-DDTHH:MM:SS`; elsewhere a timestamp with time zone.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sqlite.DATETIME(  # type: ignore[no-untyped-call]
                storage_format="%(year)04d-%(month)02d-%(day)02dT%(hour)02d:%(minute)02d:%(second)02d",
                regexp=r"(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)",
            ))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC-aware one is required")
        return value.astimezone(UTC).replace(tzinfo=None, microsecond=0)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def enum_type(enum: type[StrEnum]) -> Enum:
    """A portable string column holding an enum's values (no database-native enum, no CHECK)."""
    return Enum(enum, native_enum=False, create_constraint=False, length=24,
                values_callable=lambda members: [m.value for m in members], validate_strings=True)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


Email = String(320)
Name = String(200)
