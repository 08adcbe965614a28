"""Fast loading of generated rows: numpy columns written with `executemany` on the raw SQLCipher connection.

A producer (the demo generator) hands over `columnar.Tables`, parents before children. The loader

- turns row numbers into ids following the largest id each table held when the loader first touched it (or
  into ids the caller gives, as for users), so loaded rows never collide with rows already there; nothing
  else may write to those tables while a loader is in use;
- matches categories and tags by name (ones that exist are reused) and replaces currency rates;
- stores datetimes as 'YYYY-MM-DDTHH:MM:SS' text (`UtcDateTime`'s format on SQLite);
- stores integers given for text columns (external ids) as their decimal text (SQLite column affinity).

For the customers among them, `BulkLoader.prepare` computes their aggregate columns, their rows of the
aggregate tables (`customer_categories`, `category_purchases`, `recent_orders`) and search documents (see
`bulk_summaries`) and, given the zone to bucket days in, the dashboard's rollups (`bulk_rollups`), and `write`
writes it all in the caller's transaction, so a chunk commits whole or not at all; the store-wide rollups are
summed over the chunks and written by `write_rollups` at the end.

While a loader is open, foreign keys go unchecked (every reference it writes is one it resolved itself), which
saves a fifth of the time; and the connection's page cache may grow to `BULK_CACHE_KIB` without spilling a
transaction's changed pages before it commits, so random inserts into large indexes (orders by date, customers
by email) stay in memory instead of re-reading, decrypting and re-encrypting pages: that halves the time of a
million customers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from ecrm_desktop.storage import bulk_rollups, bulk_summaries
from ecrm_desktop.storage.columnar import NAT, Column, Columns, Tables, is_null
from ecrm_desktop.storage.tables import Base

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]
DAY = 86_400
BULK_CACHE_KIB = 1024 * 1024  # taken only as the database grows: small loads use little of it
REUSED_BY_NAME = ("categories", "tags")
REPLACED = ("currency_rates",)
SEARCH_INSERT = ("INSERT INTO customer_search(rowid, name, email, phone, tags, notes, orders) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)")


@contextmanager
def bulk_loader(connection: Connection, given_ids: Mapping[str, Sequence[int]] | None = None,
                rollups_zone: tzinfo | None = None) -> Iterator[BulkLoader]:
    """A loader writing through `connection`, which must not be in a transaction when this opens or closes.

    `given_ids` maps a table the produced rows refer to, but that the loader does not write (users), to the
    ids its row numbers stand for. With `rollups_zone`, the loader also keeps the dashboard's rollups of what
    it loads, their days in that zone."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    cache_size = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute("PRAGMA foreign_keys = OFF")
    raw.execute(f"PRAGMA cache_size = -{max(BULK_CACHE_KIB, -cache_size)}")
    raw.execute("PRAGMA cache_spill = OFF")
    try:
        yield BulkLoader(raw, given_ids or {}, rollups_zone)
    finally:
        raw.execute("PRAGMA cache_spill = ON")
        raw.execute(f"PRAGMA cache_size = {cache_size}")
        raw.execute("PRAGMA foreign_keys = ON")


@dataclass(frozen=True)
class Prepared:
    """Tables ready to write: customers carry their aggregate columns, the aggregate tables are added, and
    `search` holds the customers' search documents (column by column)."""

    tables: Tables
    search: list[list[str]]
    rollups: dict[str, Columns] = field(default_factory=dict)  # store-wide partial rows, keys as row numbers


class BulkLoader:
    """Writes produced tables through a raw DB-API connection, inside the caller's transaction.
    Open one with `bulk_loader`."""

    def __init__(self, raw: Any, given_ids: Mapping[str, Sequence[int]], rollups_zone: tzinfo | None = None) -> None:
        self._raw = raw
        self._zone = rollups_zone
        self._rollups = bulk_rollups.Partials()
        self._lookup: dict[str, npt.NDArray[np.int64]] = {
            table: np.asarray(ids, dtype=np.int64) for table, ids in given_ids.items()}
        self._offset: dict[str, int] = {}
        self._tag_names: ObjArray = np.empty(0, dtype=object)

    def prepare(self, tables: Tables) -> Prepared:
        """Compute what `write` adds to the tables. It reads no database, so a caller may run it in another
        thread (say, while the previous chunk commits), in the order the tables are to be written."""
        if "tags" in tables:
            self._tag_names = tables["tags"]["name"].astype(object)
        if "customers" not in tables:
            return Prepared(tables, [])
        aggregates, aggregate_rows = bulk_summaries.customer_aggregates(tables)
        per_customer, partial = ({}, {}) if self._zone is None else bulk_rollups.block_rollups(
            tables, self._zone, self._rollups.texts)
        return Prepared({**tables, "customers": {**tables["customers"], **aggregates}, **aggregate_rows,
                         **per_customer},
                        bulk_summaries.search_documents(tables, self._tag_names), partial)

    def write(self, prepared: Prepared) -> None:
        """Insert the tables in their order, then the customers' search documents."""
        for table, columns in prepared.tables.items():
            if table in REUSED_BY_NAME:
                self._merge_names(table, columns["name"])
            else:
                self._insert(table, self._rollup_ids(columns) if table.startswith("rollup_") else columns)
        if prepared.search:
            rowids = self._ids("customers", prepared.tables["customers"]["id"]).tolist()
            self._raw.executemany(SEARCH_INSERT, zip(rowids, *prepared.search, strict=True))

        for summed in bulk_rollups.STORE_WIDE:
            partial = prepared.rollups.get(summed.table.__tablename__)
            if partial is not None:
                self._rollups.add(summed, self._rollup_ids(partial))

    def write_rollups(self) -> None:
        """Add the store-wide rollups of everything written to what the tables hold (call it once, at the end)."""
        for summed in bulk_rollups.STORE_WIDE:
            names = (*summed.keys, *summed.sums)
            self._raw.executemany(
                f"INSERT INTO {summed.table.__tablename__} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
                f" ON CONFLICT ({', '.join(summed.keys)}) DO UPDATE SET "
                + ", ".join(f"{c} = {c} + excluded.{c}" for c in summed.sums),
                self._rollups.rows(summed))
        self._rollups = bulk_rollups.Partials()

    def _rollup_ids(self, columns: Columns) -> Columns:
        """Rollup columns naming stores, products and categories (not foreign keys there) by id rather than row
        number (no category: 0)."""
        out = dict(columns)
        for column, table in (("store_id", "stores"), ("product_id", "products"), ("category_id", "categories")):
            if column in out:
                out[column] = self._ids(table, out[column])
        return out

    def _insert(self, table: str, columns: Columns) -> None:
        names = list(columns)
        bound = [self._bind(table, c, columns[c]) for c in names]
        verb = "INSERT OR REPLACE" if table in REPLACED else "INSERT"
        quoted = ", ".join(f'"{c}"' for c in names)
        marks = ", ".join(mark for mark, _ in bound)
        self._raw.executemany(f"{verb} INTO {table} ({quoted}) VALUES ({marks})",
                              zip(*(values for _, values in bound), strict=True))

    def _bind(self, table: str, column: str, values: Column) -> tuple[str, list[Any]]:
        """The SQL placeholder for a column and the Python values to bind to it.

        The driver binds None and bools dozens of times slower than ints and strings (it first looks for an
        adapter), so NULLs travel as a stand-in value that the placeholder turns back into NULL."""
        target = _referenced_table(table, column)
        if target is not None:
            ids = self._ids(target, values)
            return _null_if(ids, values < 0, 0)
        if values.dtype.kind == "M":
            seconds = values.view(np.int64)
            null = seconds == NAT
            text = np.full(values.size, "", dtype=object)
            text[~null] = _datetime_text(seconds[~null])
            return _null_if(text, null, "")
        if values.dtype.kind == "b":
            return "?", values.astype(np.int64).tolist()
        if values.dtype.kind == "O":
            null = is_null(values)
            if null.any() and np.equal(values, "").any():
                raise ValueError(f"{table}.{column} holds both NULLs and empty strings")
            return _null_if(values, null, "")
        return "?", values.tolist()

    def _ids(self, table: str, rows: Column) -> IntArray:
        """Database ids of the given 0-based row numbers of `table` (rows of -1 give 0)."""
        if table in self._lookup:
            ids = self._lookup[table][np.maximum(rows, 0)]
        else:
            if table not in self._offset:
                self._offset[table] = int(self._raw.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
                                          .fetchone()[0])
            ids = rows + (self._offset[table] + 1)
        return np.where(rows < 0, 0, ids)

    def _merge_names(self, table: str, names: Column) -> None:
        """Reuse the rows of `table` that have these names, add the others, and remember every id."""
        existing = dict(self._raw.execute(f"SELECT name, id FROM {table}").fetchall())
        next_id = max(existing.values(), default=0) + 1
        new = [name for name in dict.fromkeys(names.tolist()) if name not in existing]
        self._raw.executemany(f"INSERT INTO {table} (id, name) VALUES (?, ?)",
                              enumerate(new, start=next_id))
        existing.update(zip(new, range(next_id, next_id + len(new)), strict=True))
        self._lookup[table] = np.array([existing[name] for name in names.tolist()], dtype=np.int64)


def _referenced_table(table: str, column: str) -> str | None:
    """The table whose row numbers `column` holds: its own for `id`, the referred one for a foreign key."""
    col = Base.metadata.tables[table].c[column]
    if col.primary_key and column == "id":
        return table
    keys = list(col.foreign_keys)
    return keys[0].column.table.name if keys else None


def _datetime_text(seconds: IntArray) -> ObjArray:
    """'YYYY-MM-DDTHH:MM:SS' of epoch seconds, joined from one string per day and one per second of the day
    (three times faster than formatting each, in Python or in SQLite)."""
    day, second = np.divmod(seconds, DAY)
    first = int(day.min()) if day.size else 0
    dates = np.arange(first, int(day.max()) + 1 if day.size else 0).astype("datetime64[D]")
    day_text = np.char.add(np.datetime_as_string(dates), "T").astype(object)
    text: ObjArray = day_text[day - first] + _times_of_day()[second]
    return text


@cache
def _times_of_day() -> ObjArray:
    return np.array([f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)], dtype=object)


def _null_if(values: Column, null: npt.NDArray[np.bool_], stand_in: int | str) -> tuple[str, list[Any]]:
    """Bind `stand_in` where `null`, with a placeholder that turns it back into NULL."""
    if not null.any():
        return "?", values.tolist()
    return f"NULLIF(?, {stand_in!r})", np.where(null, stand_in, values).tolist()
