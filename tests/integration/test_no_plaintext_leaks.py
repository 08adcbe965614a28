"""After a scripted run of the whole app (sync from the emulator, search, exports, a report, a backup, a key
rotation, an erasure, every screen of the window) no seeded personal data is left in plaintext in the workspace
folder, the log files, the backup or the temporary folder."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from ecrm_desktop import app
from ecrm_desktop.cli.writers import write_csv
from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.kpis import Period
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.backups import BackupService
from ecrm_desktop.services.customers import CustomerService
from ecrm_desktop.services.keys import KeyService
from ecrm_desktop.services.log_files import configure_logging
from ecrm_desktop.services.privacy import PrivacyService
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.tables import Note
from ecrm_desktop.views.subject_report import write_subject_pdf
from tests.conftest import PASSWORD
from tests.sync_support import connect, emulator, run_sync, sample_store

MARKERS = [f"Qzv{n}Marker" for n in range(6)]


def _seeded_store():  # type: ignore[no-untyped-def]
    store = sample_store(12)
    for n, ext in enumerate(sorted(store.customers)[:len(MARKERS)]):
        c = store.customers[ext]
        store.customers[ext] = replace(c, first_name=MARKERS[n], last_name=f"{MARKERS[n]}son",
                                       email=f"{MARKERS[n].lower()}@mail.example")
    return store


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """A temporary folder, a log folder and an output folder of this test's own; logging at DEBUG to the file."""
    places = {name: tmp_path / name for name in ("temp", "logs", "out")}
    for folder in places.values():
        folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(places["temp"]))
    monkeypatch.setenv("TMPDIR", str(places["temp"]))
    monkeypatch.setenv("ECRM_LOG_DIR", str(places["logs"]))
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    root.handlers = []
    assert configure_logging(debug=True) is not None
    yield places
    for handler in root.handlers:
        handler.close()
    root.handlers, root.level = saved, level


def _leaks(folders: list[Path], needles: list[str]) -> list[str]:
    patterns = [n.encode(enc) for n in needles for enc in ("utf-8", "utf-16-le")]
    patterns += [n.lower().encode() for n in needles]
    found = []
    for folder in folders:
        for path in (p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            found += [f"{path.name}: {p!r}" for p in patterns if p in data]
    return found


def test_no_plaintext_after_a_full_run(tmp_path: Path, sandbox: dict[str, Path], memory_keyring: object,
                                       qapp: QApplication) -> None:
    secrets = SecretStore(memory_keyring)  # type: ignore[arg-type]
    service = WorkspaceService(secrets=secrets)
    folder = tmp_path / "ws"
    session: UserSession = service.create(folder, "admin", PASSWORD)
    out = sandbox["out"]
    try:
        with emulator(_seeded_store(), Platform.SHOPIFY) as server:
            connect(session, secrets, server, Platform.SHOPIFY)
            assert run_sync(session, secrets)["status"] == "complete"
        assert CustomerService(session).search(MARKERS[0])
        with session.workspace.sessions() as s, s.begin():
            s.add(Note(customer_id=1, body=f"{MARKERS[1]} asked for a call back"))
        with (out / "customers.csv").open("w", encoding="utf-8") as fh:  # an export the user asked for
            write_csv(fh, CustomerService(session).export())
        app.write_report(session, Period(date(2023, 1, 1), date(2025, 12, 31)), None, out / "report.pdf")
        privacy = PrivacyService(session)
        record = privacy.access_export(privacy.customers_of(f"{MARKERS[2].lower()}@mail.example"))
        write_subject_pdf(record, out / "subject.pdf")
        with pytest.raises(Exception, match="No customer") as missing:
            privacy.customers_of("nobody-Qzv9Marker@mail.example")
        assert "Qzv9" not in str(missing.value)  # exception messages never carry what was asked for
        _visit_every_screen(session, secrets)
        KeyService(session, secrets).rotate()
        BackupService(session).create(out / "backup.ecrmbackup")
        privacy.erase(privacy.customers_of(f"{MARKERS[3].lower()}@mail.example"))
        logging.getLogger("ecrm.test").warning("finished with %s", f"{MARKERS[4].lower()}@mail.example")
    finally:
        session.close()
    for handler in logging.getLogger().handlers:
        handler.flush()

    assert any(m.encode() in (out / "customers.csv").read_bytes() for m in MARKERS)  # the markers are real
    assert (sandbox["logs"] / "ecrm.log").stat().st_size > 0
    leaks = _leaks([folder, sandbox["logs"], sandbox["temp"]], MARKERS)
    leaks += [f"backup: {m}" for m in MARKERS if m.encode() in (out / "backup.ecrmbackup").read_bytes()]
    assert leaks == []


def _visit_every_screen(session: UserSession, secrets: SecretStore) -> None:
    runner = TaskRunner()
    window = app.build_main_window(session, runner, secrets)
    window.show()
    try:
        for screen in (Screen.CUSTOMERS, Screen.ORDERS, Screen.SEGMENTS, Screen.DASHBOARD, Screen.SYNC,
                       Screen.SETTINGS, Screen.INBOX, Screen.AUDIT, Screen.PRIVACY):
            window.go(Place(screen))
            QApplication.processEvents()
            runner.wait(30_000)
        window.go(Place(Screen.CUSTOMER, 1))
        runner.wait(30_000)
        QApplication.processEvents()
    finally:
        window.close()
        runner.wait()
        QApplication.processEvents()
