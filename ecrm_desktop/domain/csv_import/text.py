"""A CSV file's bytes as rows of text: the encoding detected (and reported), the delimiter sniffed.

Encodings, in order: a byte-order mark (UTF-8, UTF-16) decides; else UTF-8 when every byte sequence is valid;
else UTF-8 with broken rows when the file holds valid multi-byte UTF-8 sequences too (those rows are rejected,
the others import); else Windows-1252 (Excel's default on Western Windows), or Latin-1 where a byte has no
Windows-1252 meaning.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from ecrm_desktop.domain.errors import UsageError

DELIMITERS = ",;\t|"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_BROKEN = re.compile("[\udc80-\udcff]")  # bytes `surrogateescape` could not decode


@dataclass(frozen=True)
class CsvRow:
    """One data row: its number as a spreadsheet shows it (the header is row 1) and its cells."""

    number: int
    cells: tuple[str, ...]
    broken: bool = False  # holds bytes that are not valid in the file's encoding


@dataclass(frozen=True)
class CsvText:
    header: tuple[str, ...]
    rows: tuple[CsvRow, ...]
    encoding: str
    delimiter: str


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read in."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", "surrogateescape"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16(data, "utf-16"), "utf-16"
    if len(data) >= 4 and data[1:4:2] == b"\0\0" and data[0] and data[2]:
        return _utf16(data, "utf-16-le"), "utf-16-le"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _not_utf8(data)


def _not_utf8(data: bytes) -> tuple[str, str]:
    """UTF-8 with some broken rows when parts are UTF-8 multi-byte sequences, else a Windows code page."""
    if _UTF8_MULTIBYTE.search(data):
        return data.decode("utf-8", "surrogateescape"), "utf-8"
    if _NOT_CP1252.search(data):
        return data.decode("latin-1"), "latin-1"
    return data.decode("cp1252"), "cp1252"


def _utf16(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UsageError("The file starts as UTF-16 text but is cut or damaged; export it again.") from None


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: the candidate found most often outside quotes (comma on a tie)."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes) -> CsvText:
    """Decode and split a CSV file; blank rows are skipped. A file with no header row is a usage error."""
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = tuple(cell.strip() for cell in next(reader, []))
        if not any(header):
            raise UsageError("The file is empty: a CSV import needs a header row naming its columns.")
        damaged = _BROKEN.search(text) is not None  # then each row is looked at
        rows = tuple(CsvRow(number, tuple(cells), damaged and _BROKEN.search("\x00".join(cells)) is not None)
                     for number, cells in enumerate(reader, start=2) if any(cell.strip() for cell in cells))
    except csv.Error as exc:
        raise UsageError(f"The file is not readable as CSV ({exc}).") from None
    return CsvText(header, rows, encoding, delimiter)
