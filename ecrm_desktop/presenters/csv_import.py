"""The import wizard: pick a file and what it holds, map its columns, preview the first records as they will
land, a dry run, then the import with progress and cancel, and the summary.

Reading and writing run on the task runner. Cancel is the wizard's own flag, which the import checks between
batches and answers by rolling back, so the summary can say that nothing was imported.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from ecrm_desktop.domain.csv_import import (
    FIELDS,
    ColumnMapping,
    ImportKind,
    ImportReport,
    Parsed,
    Rejection,
    guess,
    preview_columns,
    preview_rows,
)
from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.presenters.tasks import Runner, TaskState

PREVIEW_ROWS = 20


@dataclass(frozen=True)
class MappingRow:
    field: str
    label: str
    required: bool
    source: str  # the guessed (or chosen) column, "" for none


class CsvImporter(Protocol):
    """What the wizard needs of `services.csv_import.CsvImportService`."""

    def columns(self, path: Path) -> tuple[str, ...]: ...

    def read(self, path: Path, kind: ImportKind, mapping: ColumnMapping | None = None) -> Parsed[Any]: ...

    def run(self, parsed: Parsed[Any], file_name: str, *, dry_run: bool = False,
            progress: Callable[[int, int], None] | None = None,
            should_cancel: Callable[[], bool] | None = None) -> ImportReport: ...

    def save_rejections(self, source: Path, rejections: Sequence[Rejection], out: TextIO) -> int: ...


class ImportWizardView(Protocol):
    def show_mapping(self, headers: tuple[str, ...], rows: list[MappingRow]) -> None: ...

    def show_preview(self, columns: tuple[str, ...], rows: list[tuple[str, ...]], parsed_rows: int,
                     rejections: tuple[Rejection, ...]) -> None: ...

    def show_report(self, report: ImportReport) -> None: ...

    def show_progress(self, done: int, total: int) -> None: ...

    def show_busy(self, busy: bool, label: str) -> None: ...

    def show_message(self, message: str) -> None: ...


class ImportWizardPresenter:
    def __init__(self, view: ImportWizardView, importer: CsvImporter, runner: Runner,
                 imported: Callable[[ImportReport], None] = lambda _r: None) -> None:
        self.view, self.importer, self.runner, self.imported = view, importer, runner, imported
        self.path: Path | None = None
        self.kind = ImportKind.CUSTOMERS
        self.parsed: Parsed[Any] | None = None
        self.report: ImportReport | None = None
        self._cancel = threading.Event()

    def choose(self, path: Path, kind: ImportKind) -> None:
        """Read the file's header and guess which column holds which field."""
        self.path, self.kind, self.parsed, self.report = path, kind, None, None

        def job(_s: TaskState) -> tuple[tuple[str, ...], list[MappingRow]] | str:
            try:
                headers = self.importer.columns(path)
            except EcrmError as exc:
                return str(exc)
            guessed = guess(kind, headers).columns
            return headers, [MappingRow(t.name, t.label, t.required, guessed.get(t.name, "")) for t in FIELDS[kind]]

        self._submit(job, lambda r: self.view.show_mapping(*r), "Reading the file's columns")

    def preview(self, columns: dict[str, str], date_format: str = "", decimal_comma: bool = False) -> None:
        """Read the whole file with this mapping: the first records as they will land and the rejected rows."""
        path, kind = self._file()
        mapping = ColumnMapping({k: v for k, v in columns.items() if v}, date_format.strip() or None, decimal_comma)
        # fields left without a column are unmapped explicitly, so the guess does not bring them back
        mapping = ColumnMapping({**{t.name: "" for t in FIELDS[kind]}, **mapping.columns}, mapping.date_format,
                                mapping.decimal_comma)

        def job(_s: TaskState) -> Parsed[Any] | str:
            try:
                return self.importer.read(path, kind, mapping)
            except EcrmError as exc:
                return str(exc)

        def done(parsed: Parsed[Any]) -> None:
            self.parsed = parsed
            self.view.show_preview(preview_columns(parsed), preview_rows(parsed, PREVIEW_ROWS), parsed.rows,
                                   parsed.rejections)

        self._submit(job, done, "Reading the file")

    def dry_run(self) -> None:
        self._run(dry_run=True)

    def start_import(self) -> None:
        self._run(dry_run=False)

    def cancel(self) -> None:
        """Stop the running dry run or import; it rolls back, so nothing is imported."""
        self._cancel.set()

    def close(self) -> None:
        """The wizard closes: stop what runs (it rolls back) and let go of the file's records."""
        self._cancel.set()
        self.parsed = self.report = None

    def save_rejections(self, out: Path) -> None:
        path, _ = self._file()
        rejections = self.report.rejections if self.report else self.parsed.rejections if self.parsed else ()

        def job(_s: TaskState) -> str:
            try:
                with out.open("w", encoding="utf-8", newline="") as fh:
                    count = self.importer.save_rejections(path, rejections, fh)
            except OSError as exc:
                return f"Cannot write {out.name}: {exc.strerror}."
            return f"Saved {count:,} rejected rows with their reasons to {out.name}."

        self._submit(job, self.view.show_message, "Saving the rejected rows")

    def _run(self, dry_run: bool) -> None:
        path, _ = self._file()
        parsed = self.parsed
        if parsed is None:
            self.view.show_message("Preview the file first.")
            return
        self._cancel.clear()

        def job(state: TaskState) -> ImportReport | str:
            try:
                return self.importer.run(parsed, path.name, dry_run=dry_run, progress=state.progress,
                                         should_cancel=self._cancel.is_set)
            except EcrmError as exc:
                return str(exc)

        def done(report: ImportReport) -> None:
            self.report = report
            self.view.show_report(report)
            if not report.dry_run and not report.cancelled:
                self.imported(report)

        self.view.show_busy(True, "Checking" if dry_run else "Importing")
        self.runner.submit(job, lambda r: self._settle(r, done), "Dry run" if dry_run else "Importing",
                           self.view.show_progress)

    def _file(self) -> tuple[Path, ImportKind]:
        if self.path is None:
            raise EcrmError("Choose a file to import first.")
        return self.path, self.kind

    def _submit(self, job: Callable[[TaskState], Any], done: Callable[[Any], None], label: str) -> None:
        self.view.show_busy(True, label)
        self.runner.submit(job, lambda r: self._settle(r, done), label)

    def _settle(self, result: Any, done: Callable[[Any], None]) -> None:
        self.view.show_busy(False, "")
        if isinstance(result, str):
            self.view.show_message(result)
        else:
            done(result)
