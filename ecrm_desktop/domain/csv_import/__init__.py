"""Reading CSV files for import: Shopify's customer and order exports, and any CSV with a column mapping.

Pure: bytes in, platform-neutral records and per-row rejections out (`read_file`); writing them is the
import service's work.
"""

from __future__ import annotations

from datetime import datetime

from ecrm_desktop.domain.csv_import.customers import read_customers
from ecrm_desktop.domain.csv_import.mapping import (
    FIELDS,
    ColumnMapping,
    ImportKind,
    TargetField,
    complete,
    guess,
    parse_mapping,
)
from ecrm_desktop.domain.csv_import.orders import read_orders
from ecrm_desktop.domain.csv_import.parsed import Parsed, Rejection
from ecrm_desktop.domain.csv_import.preview import preview_columns, preview_rows
from ecrm_desktop.domain.csv_import.report import ImportReport
from ecrm_desktop.domain.csv_import.text import CsvText, read_csv
from ecrm_desktop.domain.records import CustomerRecord, OrderRecord

__all__ = ["FIELDS", "ColumnMapping", "CsvText", "ImportKind", "ImportReport", "Parsed", "Rejection", "TargetField",
           "complete", "guess", "parse_mapping", "preview_columns", "preview_rows", "read_csv", "read_file"]

AnyParsed = Parsed[CustomerRecord] | Parsed[OrderRecord]


def read_file(data: bytes, kind: ImportKind, mapping: ColumnMapping | None, *, currency: str,
              now: datetime) -> AnyParsed:
    """Read a whole file: the mapping (guessed, then overridden by `mapping`) is checked against its header
    first, so a missing required column fails the file before any row is read."""
    csv = read_csv(data)
    full = complete(kind, csv.header, mapping)
    if kind is ImportKind.CUSTOMERS:
        return read_customers(csv, full, now)
    return read_orders(csv, full, currency)
