"""Importing a CSV file: the service behind `ecrm import` and the import wizard.

`read` turns a file into records and rejections (nothing written); `run` writes the records through the
`StoreWriter` as the "CSV import" store, all in ONE transaction, so aggregates, search and segments stay right
and a cancel, a failure or a killed process leaves nothing half-imported. A dry run does exactly the same work
and rolls it back, so its counts are the import's. Re-importing a file updates what the first import wrote.

Counts: `new` customers (orders) created; `updated` those this import source already held (a re-import);
`matched` customers linked to a person ecrm already knew (by email, then by an unambiguous phone), or orders
whose buyer is a known customer. A matched customer keeps every field the file has no column for.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session

from ecrm_desktop.domain.csv_import import (
    ColumnMapping,
    ImportKind,
    ImportReport,
    Parsed,
    Rejection,
    parse_mapping,
    read_csv,
    read_file,
)
from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.records import CustomerRecord, OrderRecord
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.import_queries import HeldCustomer, held_customers, import_store, order_ids
from ecrm_desktop.storage.lookups import StoreLookups, normalise_email
from ecrm_desktop.storage.phone_matching import link_by_phone
from ecrm_desktop.storage.settings import reporting_currency
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import Store, utcnow
from ecrm_desktop.sync.runner import reporting_rate

__all__ = ["CsvImportService", "ImportKind", "ImportReport"]

BATCH = 2000
# Fields a customer already known keeps from before when the file has no column for them.
KEPT_WHEN_UNMAPPED = frozenset({"first_name", "last_name", "phone", "accepts_email_marketing", "tags"})
AnyParsed = Parsed[CustomerRecord] | Parsed[OrderRecord]


class _Cancelled(Exception):
    """Raised inside the import's transaction to roll it back."""


class CsvImportService:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def read(self, path: Path, kind: ImportKind, mapping: ColumnMapping | None = None) -> AnyParsed:
        """Read and check a file (nothing is written): records as they will land and rejected rows."""
        self._require_admin()
        with self.session.workspace.sessions() as s:
            currency = reporting_currency(s)
        return read_file(_bytes(path), kind, mapping, currency=currency, now=utcnow())

    def columns(self, path: Path) -> tuple[str, ...]:
        """The file's header row (for the mapping step)."""
        self._require_admin()
        return read_csv(_bytes(path)).header

    @staticmethod
    def load_mapping(path: Path) -> ColumnMapping:
        """A mapping file (TOML, or JSON by its .json suffix)."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"Cannot read the mapping file {path.name}: {getattr(exc, 'strerror', None) or exc}.") \
                from None
        return parse_mapping(text, path.suffix)

    def run(self, parsed: AnyParsed, file_name: str, *, dry_run: bool = False,
            progress: Callable[[int, int], None] | None = None,
            should_cancel: Callable[[], bool] | None = None) -> ImportReport:
        """Write the records in one transaction (rolled back for a dry run or a cancel)."""
        self._require_admin()
        started = time.perf_counter()
        report = ImportReport(parsed.kind, file_name, parsed.encoding, parsed.delimiter, parsed.shopify, dry_run,
                              parsed.rows, parsed.rejections, mapping=parsed.mapping.to_json())
        cancel = should_cancel or (lambda: False)
        with self.session.workspace.sessions() as s:
            tx = s.begin()
            try:
                store = import_store(s)
                batches = [parsed.records[i:i + BATCH] for i in range(0, len(parsed.records), BATCH)]
                for done, batch in enumerate(batches, start=1):
                    if cancel():
                        raise _Cancelled
                    records = [r for _, r in batch]
                    if parsed.kind is ImportKind.CUSTOMERS:
                        self._customers(s, store, [r for r in records if isinstance(r, CustomerRecord)],
                                        set(parsed.mapping.columns), report)
                    else:
                        self._orders(s, store, [r for r in records if isinstance(r, OrderRecord)], report)
                    if progress is not None:
                        progress(min(done * BATCH, len(parsed.records)), len(parsed.records))
                if cancel():
                    raise _Cancelled
                if dry_run:
                    tx.rollback()
                else:
                    audit.append(s, self.session.user_name, f"import.{parsed.kind.value}", "store", store.id,
                                 file=file_name, rows=parsed.rows, new=report.new, updated=report.updated,
                                 matched=report.matched, rejected=len(parsed.rejections))
                    tx.commit()
            except _Cancelled:
                tx.rollback()
                report.cancelled = True
                report.new = report.updated = report.matched = 0
            except BaseException:
                tx.rollback()
                raise
        report.seconds = time.perf_counter() - started
        return report

    def _customers(self, s: Session, store: Store, records: list[CustomerRecord], mapped: set[str],
                   report: ImportReport) -> None:
        look = StoreLookups(s, store.id)
        known = set(look.accounts(r.external_id for r in records))
        by_phone = link_by_phone(s, store, records)
        accounts = look.accounts(r.external_id for r in records)
        by_email = look.by_email(normalise_email(r.email) for r in records if r.external_id not in accounts)
        target = {r.external_id: accounts.get(r.external_id) or by_email.get(normalise_email(r.email) or "")
                  for r in records}
        report.updated += len(known)
        report.matched += by_phone + sum(1 for r in records if r.external_id not in accounts
                                         and target[r.external_id] is not None)
        if KEPT_WHEN_UNMAPPED - mapped:
            held = held_customers(s, (cid for cid in target.values() if cid is not None))
            records = [_keep_unmapped(r, held.get(target[r.external_id] or 0), mapped) for r in records]
        created, _ = StoreWriter(s, store).upsert_customers(records)
        report.new += created

    def _orders(self, s: Session, store: Store, records: list[OrderRecord], report: ImportReport) -> None:
        existing = order_ids(s, store.id, (r.external_id for r in records))
        owners = StoreLookups(s, store.id).customers((r.customer_external_id, r.email) for r in records)
        report.updated += len(existing)
        report.matched += sum(1 for r in records if (r.customer_external_id, r.email) in owners)
        for currency in sorted({r.currency for r in records}):
            writer = StoreWriter(s, store, reporting_rate(s, currency))
            created, _ = writer.upsert_orders(r for r in records if r.currency == currency)
            report.new += created

    def save_rejections(self, source: Path, rejections: Sequence[Rejection], out: TextIO) -> int:
        """Write the rejected rows of `source` as CSV with the file's own columns plus "Row" and "Reason"; returns
        how many rows were written."""
        self._require_admin()
        text = read_csv(_bytes(source))
        cells = {row.number: row.cells for row in text.rows}
        writer = csv.writer(out)
        writer.writerow(("Row", "Reason", *text.header))
        for r in rejections:
            writer.writerow((r.row, r.reason, *(c.encode("utf-8", "replace").decode("utf-8")
                                                for c in cells.get(r.row, ()))))
        return len(rejections)

    def _require_admin(self) -> None:
        """Importing adds a store's worth of data: the grant to manage stores (administrators by default)."""
        require(self.session, Operation.MANAGE_STORES)


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"Cannot read {path.name}: {exc.strerror or exc}.") from None


def _keep_unmapped(record: CustomerRecord, held: HeldCustomer | None, mapped: set[str]) -> CustomerRecord:
    """The record with the fields the file has no column for taken from the customer it lands on."""
    if held is None:
        return record
    changes: dict[str, Any] = {name: getattr(held, name) for name in ("first_name", "last_name", "phone")
                               if name not in mapped}
    if "accepts_email_marketing" not in mapped:
        changes |= {"email_consent": ConsentState(held.email_consent),
                    "email_consent_at": held.email_consent_at, "email_consent_source": held.email_consent_source}
    if "tags" not in mapped:
        changes["tags"] = held.store_tags
    return replace(record, **changes)
