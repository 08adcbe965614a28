"""What an import (or its dry run) did: the counts, the rejected rows and how the file was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrm_desktop.domain.csv_import.mapping import ImportKind
from ecrm_desktop.domain.csv_import.parsed import Rejection

COMPLETE, PARTIAL, CANCELLED = "complete", "partial", "cancelled"


@dataclass
class ImportReport:
    kind: ImportKind
    file: str
    encoding: str
    delimiter: str
    shopify: bool
    dry_run: bool
    rows: int
    rejections: tuple[Rejection, ...] = ()
    new: int = 0
    updated: int = 0
    matched: int = 0
    cancelled: bool = False
    seconds: float = 0.0
    mapping: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """cancelled (nothing written), partial (some rows rejected) or complete."""
        return CANCELLED if self.cancelled else PARTIAL if self.rejections else COMPLETE

    @property
    def exit_code(self) -> int:
        return {COMPLETE: 0, PARTIAL: 3, CANCELLED: 1}[self.status]

    def to_json(self) -> dict[str, Any]:
        """The `ecrm import --json` document (docs/import.md)."""
        return {"status": self.status, "kind": self.kind.value, "file": self.file, "dry_run": self.dry_run,
                "format": "shopify" if self.shopify else "mapped", "encoding": self.encoding,
                "delimiter": self.delimiter, "rows": self.rows, "new": self.new, "updated": self.updated,
                "matched": self.matched, "rejected": len(self.rejections),
                "rejections": [{"row": r.row, "reason": r.reason} for r in self.rejections],
                "mapping": self.mapping, "seconds": round(self.seconds, 3)}
