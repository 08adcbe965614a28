"""A real crash: a sync process killed with SIGKILL at twenty random instants, then resumed, ends with exactly what an
uninterrupted sync holds (the emulator runs in another process)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from ecrm_desktop.services.stores import StoreService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.tables import SyncRun
from tests.conftest import PASSWORD
from tests.sync_processes import NO_KEYRING
from tests.sync_support import FAST, dump, run_sync

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20  # the issue asks for twenty random instants


@pytest.fixture
def emulator_url() -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-m", "tests.sync_processes", "emulator", "shopify"], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.kill()
        process.wait()


def _connected(workspace_service: WorkspaceService, folder: Path, url: str) -> UserSession:
    session = workspace_service.create(folder, "admin", PASSWORD)
    info = StoreService(session, NO_KEYRING, FAST).add_shopify("Emulated Shop", url, "shpat_emulator")
    assert info.secret_location == "database"
    return session


@pytest.mark.slow
@pytest.mark.parametrize("bulk_threshold", ["1000000", "1"], ids=["paginated", "bulk"])
def test_sigkill_at_random_instants_then_resume(tmp_path: Path, workspace_service: WorkspaceService,
                                                emulator_url: str, bulk_threshold: str) -> None:
    """With a bulk threshold of 1 the killed first sync reads Shopify bulk results and resumes inside them; the
    reference is a paginated sync either way."""
    assert emulator_url.startswith("http://127.0.0.1:")
    rng = random.Random(11)
    killed = _connected(workspace_service, tmp_path / "killed", emulator_url)
    killed.close()
    kills = 0
    while True:
        process = subprocess.Popen([sys.executable, "-m", "tests.sync_processes", "sync", str(tmp_path / "killed"),
                                    bulk_threshold], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        if kills < KILLS:
            assert process.stdout is not None
            process.stdout.readline()  # "syncing": start-up, which may take seconds on a busy machine, is over
            time.sleep(rng.uniform(0.05, 0.5))
        if process.poll() is None and kills < KILLS:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            continue
        assert process.wait(timeout=60) == 0
        break
    assert kills == KILLS, "the sync ended before every kill: make the emulated store bigger"

    reference = _connected(workspace_service, tmp_path / "reference", emulator_url)
    try:
        assert run_sync(reference, NO_KEYRING)["status"] == "complete"
        expected = dump(reference)
    finally:
        reference.close()
    resumed = WorkspaceService(NO_KEYRING).unlock(tmp_path / "killed", "admin", PASSWORD)
    try:
        assert dump(resumed) == expected
        with resumed.workspace.sessions() as s:
            runs = s.execute(select(SyncRun.status).order_by(SyncRun.id)).scalars().all()
        # a process killed before its run began left no row, one killed after its run committed left a complete
        # run; every other killed run is marked interrupted
        assert runs[-1] == "complete" and "interrupted" in runs and set(runs) <= {"interrupted", "complete"}
    finally:
        resumed.close()
