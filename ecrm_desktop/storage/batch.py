"""Set-based writing for the store writers: SQL sent straight to the driver in the session's transaction, ids for
new rows, chunked `IN` lists, values in the form the tables store, and pages split into rounds in which every
record's key appears once.

The writers run a few statements per page of records, so what each statement costs in Python matters more than
what it costs in SQLite: they send plain SQL through `Connection.exec_driver_sql` (errors are still SQLAlchemy's,
with parameters hidden) and bind values already in the tables' own form (`UtcDateTime` text, enum values,
integers for booleans).

New rows get their ids here rather than from the database, so that a page's orders, lines and refunds are each
one `executemany` and children can name their parents without a query back. The ids follow the largest one the
table holds, read just before the insert in the writer's transaction: SQLite lets one transaction write at a
time, and one whose snapshot another writer has overtaken cannot start writing (SQLITE_BUSY_SNAPSHOT), so no
other row can take those ids in between. (A shared PostgreSQL database will want its sequences here instead.)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.orm import Session

T = TypeVar("T")
CHUNK = 500  # values in one `IN (...)`, well under every database's limit on bound parameters


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def rounds(records: Iterable[T], key: Callable[[T], Hashable]) -> Iterator[list[T]]:
    """Consecutive runs of `records` in which no key repeats: writing the runs one after the other is writing
    the records one after the other, while each run is written as a set."""
    run: list[T] = []
    seen: set[Hashable] = set()
    for record in records:
        k = key(record)
        if k in seen:
            yield run
            run, seen = [], set()
        run.append(record)
        seen.add(k)
    if run:
        yield run


def stamp(value: datetime | None) -> str | None:
    """A UTC-aware datetime as `UtcDateTime` stores it on SQLite ('YYYY-MM-DDTHH:MM:SS')."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given where a UTC-aware one is required")
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(timespec="seconds")[:19]


class Sql:
    """Plain SQL in the transaction of a session (whose pending ORM changes are flushed first) or connection."""

    def __init__(self, session: Session | Connection) -> None:
        if isinstance(session, Session):
            session.flush()
        self.session = session

    def _connection(self) -> Connection:
        return self.session.connection() if isinstance(self.session, Session) else self.session

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self._connection().exec_driver_sql(sql, tuple(params)).all())

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._connection().exec_driver_sql(sql, tuple(params))

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One `executemany` (nothing when there are no rows)."""
        if rows:
            self._connection().exec_driver_sql(sql, list(rows))

    def rows_in(self, sql: str, values: Iterable[Any], *params: Any) -> list[Any]:
        """Rows of `sql`, whose `{marks}` stands for a list of placeholders, for all `values` (chunk by chunk, after
        the leading `params`)."""
        out: list[Any] = []
        for chunk in chunks(values):
            out += self.rows(sql.format(marks=marks(len(chunk))), (*params, *chunk))
        return out

    def run_in(self, sql: str, values: Iterable[Any], *params: Any) -> None:
        for chunk in chunks(values):
            self.run(sql.format(marks=marks(len(chunk))), (*params, *chunk))

    def next_ids(self, table: str, count: int) -> range:
        """Ids for `count` new rows of `table` (see the module docstring for why they are safe to use)."""
        if count == 0:
            return range(0)
        top = self.rows(f"SELECT max(id) FROM {table}")[0][0] or 0
        return range(top + 1, top + 1 + count)


def marks(count: int) -> str:
    return ", ".join("?" * count)


def insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks(len(columns))})"
