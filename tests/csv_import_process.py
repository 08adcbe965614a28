"""A CSV import in its own process, for the kill test: prints a line after each batch written (and pauses
after the first, so the test can kill it mid-transaction)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ecrm_desktop.services.csv_import import CsvImportService, ImportKind
from ecrm_desktop.services.workspace import WorkspaceService


def main(folder: str, password: str, file: str) -> None:
    session = WorkspaceService().unlock(Path(folder), "admin", password)
    service = CsvImportService(session)
    parsed = service.read(Path(file), ImportKind.CUSTOMERS)

    def progress(done: int, total: int) -> None:
        print(f"progress {done} {total}", flush=True)
        time.sleep(0.5)

    service.run(parsed, Path(file).name, progress=progress)
    print("committed", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
