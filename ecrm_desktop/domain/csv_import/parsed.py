"""What reading a file gives: the records that will land, each with its row, and the rows rejected with why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from ecrm_desktop.domain.csv_import.mapping import ColumnMapping, ImportKind
from ecrm_desktop.domain.csv_import.text import CsvRow
from ecrm_desktop.domain.csv_import.values import BadValue
from ecrm_desktop.domain.records import CustomerRecord, OrderRecord

R = TypeVar("R", CustomerRecord, OrderRecord)


@dataclass(frozen=True)
class Rejection:
    row: int
    reason: str


@dataclass(frozen=True)
class Parsed(Generic[R]):
    """A file read for import: its records (with the first row of each), rejections in row order."""

    kind: ImportKind
    header: tuple[str, ...]
    mapping: ColumnMapping
    encoding: str
    delimiter: str
    shopify: bool
    rows: int
    records: tuple[tuple[int, R], ...]
    rejections: tuple[Rejection, ...]


class Cells:
    """One row's cells by target field, per the mapping; unmapped fields and blank cells read as ''."""

    def __init__(self, header: tuple[str, ...], mapping: ColumnMapping) -> None:
        index = {h: i for i, h in reversed(list(enumerate(header)))}
        self.positions = {name: index[source] for name, source in mapping.columns.items() if source in index}
        self.sources = dict(mapping.columns)
        self.width = len(header)

    def of(self, row: CsvRow) -> dict[str, str]:
        if row.broken:
            raise BadValue("holds bytes that are not valid text in the file's encoding (a broken encoding)")
        if len(row.cells) > self.width:
            raise BadValue(f"has {len(row.cells)} cells where the header names {self.width} columns")
        return {name: row.cells[i].strip() if i < len(row.cells) else "" for name, i in self.positions.items()}

    def column(self, name: str) -> str:
        """The source header of a field, as reasons name it."""
        return self.sources.get(name, name)
