"""Key rotation keeps every row, the old key stops opening the database, every user still signs in, a crash at
any step leaves a workspace that opens, and removing a user makes their old slot useless."""

from __future__ import annotations

import base64
import json
import random
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, select

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import AuthenticationFailed, PermissionDenied, WorkspaceError
from ecrm_desktop.services.keys import KeyService
from ecrm_desktop.services.users import UserService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.engine import open_engine
from ecrm_desktop.storage.key_rotation import rekey
from ecrm_desktop.storage.keyslots import KeySlotFile
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import AuditEntry, Customer
from tests.conftest import FAST_KDF, PASSWORD
from tests.factories import customer, make_store

AGENT_PASSWORD = "agent-password-long"


def _fill(session: UserSession, n: int = 50) -> None:
    with session.workspace.sessions() as s, s.begin():
        StoreWriter(s, make_store(s)).upsert_customers(customer(str(i), f"p{i}@example.com") for i in range(n))


def _customers(session: UserSession) -> int:
    with session.workspace.sessions() as s:
        return int(s.execute(select(func.count()).select_from(Customer)).scalar_one())


def _opens(db: Path, key: bytes) -> bool:
    try:
        open_engine(db, key).dispose()
    except WorkspaceError:
        return False
    return True


def test_rotation_keeps_data_and_the_old_key_stops_working(user_session: UserSession,
                                                           workspace_service: WorkspaceService) -> None:
    _fill(user_session)
    UserService(user_session, FAST_KDF).add("agent", Role.SUPPORT, AGENT_PASSWORD)
    folder, old = user_session.workspace.paths.folder, user_session.workspace.database_key
    KeyService(user_session, workspace_service.secrets).rotate()
    new = user_session.workspace.database_key
    assert new != old and _customers(user_session) == 50  # the open session carries on with the new key
    user_session.close()
    db = folder / "ecrm.db"
    assert not _opens(db, old) and _opens(db, new)
    for user, password in (("admin", PASSWORD), ("agent", AGENT_PASSWORD)):
        again = workspace_service.unlock(folder, user, password)
        assert again.workspace.database_key == new and _customers(again) == 50
        with again.workspace.sessions() as s:
            assert "key.rotate" in s.execute(select(AuditEntry.action)).scalars().all()
        again.close()


@pytest.mark.parametrize("crash_after", ["both keys sealed", "database rekeyed"])
def test_a_crash_during_rotation_leaves_a_workspace_that_opens(user_session: UserSession,
                                                               workspace_service: WorkspaceService,
                                                               crash_after: str) -> None:
    _fill(user_session)
    ws = user_session.workspace
    folder, old, new = ws.paths.folder, ws.database_key, KeySlotFile.new_database_key()
    slots = KeySlotFile.load(ws.paths.keyslots)
    slots.reseal([new, old])
    slots.save(ws.paths.keyslots)  # step 1 done
    user_session.close()
    if crash_after == "database rekeyed":
        rekey(ws.paths.database, old, new)  # step 2 done, the final slots never written
    expected = new if crash_after == "database rekeyed" else old
    again = workspace_service.unlock(folder, "admin", PASSWORD)
    assert again.workspace.database_key == expected and _customers(again) == 50
    again.close()
    assert KeySlotFile.load(folder / "keyslots.json").unwrap_all("admin", PASSWORD) == [expected]


def test_a_busy_database_leaves_the_key_as_it_was(user_session: UserSession,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(*_: object) -> None:
        raise WorkspaceError("busy")

    monkeypatch.setattr("ecrm_desktop.storage.key_rotation.rekey", busy)
    old = user_session.workspace.database_key
    with pytest.raises(WorkspaceError):
        KeyService(user_session).rotate()
    assert user_session.workspace.database_key == old and _customers(user_session) == 0
    assert KeySlotFile.load(user_session.workspace.paths.keyslots).unwrap_all("admin", PASSWORD) == [old]


def test_removing_a_user_makes_their_old_slot_useless(user_session: UserSession,
                                                      workspace_service: WorkspaceService) -> None:
    UserService(user_session, FAST_KDF).add("agent", Role.SUPPORT, AGENT_PASSWORD)
    ws = user_session.workspace
    stolen = ws.paths.keyslots.read_text()  # what the agent could have copied before leaving
    KeyService(user_session).remove_user("agent")
    old_key = KeySlotFile.parse(stolen, "copy").unwrap("agent", AGENT_PASSWORD)
    assert not _opens(ws.paths.database, old_key)
    with pytest.raises(AuthenticationFailed):
        workspace_service.unlock(ws.paths.folder, "agent", AGENT_PASSWORD)
    agent = workspace_service.unlock(ws.paths.folder, "admin", PASSWORD)
    agent.close()


def test_only_administrators_rotate(user_session: UserSession, workspace_service: WorkspaceService) -> None:
    UserService(user_session, FAST_KDF).add("agent", Role.SUPPORT, AGENT_PASSWORD)
    agent = workspace_service.unlock(user_session.workspace.paths.folder, "agent", AGENT_PASSWORD)
    with pytest.raises(PermissionDenied):
        KeyService(agent).rotate()
    assert KeyService(agent).reminder() is None
    agent.close()


def test_reminder_after_90_days(user_session: UserSession) -> None:
    keys = KeyService(user_session)
    last = keys.last_rotation()
    assert last is not None
    assert keys.reminder(last + timedelta(days=89)) is None
    assert "rotate" in (keys.reminder(last + timedelta(days=91)) or "")


def test_a_version_1_slot_opens_and_is_upgraded(user_session: UserSession,
                                                workspace_service: WorkspaceService) -> None:
    ws = user_session.workspace
    doc = json.loads(ws.paths.keyslots.read_text())
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    wrapped = AESGCM(FAST_KDF.derive(PASSWORD, salt)).encrypt(
        nonce, ws.database_key, f"ecrm-keyslot-v1|{doc['workspace_id']}|admin".encode())
    b64 = KeySlotFile.parse(ws.paths.keyslots.read_text(), "x").slots[0].to_json()
    doc["version"] = 1
    doc["slots"] = [{"user": "admin", "kdf": b64["kdf"], "salt": _b64(salt), "nonce": _b64(nonce),
                     "wrapped_key": _b64(wrapped)}]
    ws.paths.keyslots.write_text(json.dumps(doc))
    user_session.close()
    with pytest.raises(WorkspaceError, match="admin must sign in once"):
        KeySlotFile.load(ws.paths.keyslots).reseal([ws.database_key])
    again = workspace_service.unlock(ws.paths.folder, "admin", PASSWORD)
    again.close()
    upgraded = KeySlotFile.load(ws.paths.keyslots)
    assert upgraded.legacy_users() == [] and upgraded.unwrap("admin", PASSWORD) == ws.database_key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


ROTATE_FOREVER = """
import sys
from pathlib import Path
from ecrm_desktop.services.keys import KeyService
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import WorkspaceService
from keyring.backends.fail import Keyring
from tests.conftest import FAST_KDF
session = WorkspaceService(SecretStore(Keyring()), FAST_KDF).unlock(Path(sys.argv[1]), "admin", sys.argv[2])
print("ready", flush=True)
while True:
    KeyService(session).rotate()
"""


def test_killing_a_rotation_at_any_instant_leaves_a_workspace_that_opens(
        user_session: UserSession, workspace_service: WorkspaceService) -> None:
    """A real process rotating the key over and over is killed (SIGKILL) at varied instants; every time the
    workspace opens with the password and holds all its rows."""
    _fill(user_session, 200)
    folder = user_session.workspace.paths.folder
    user_session.close()
    rng = random.Random(11)
    for _ in range(5):
        child = subprocess.Popen([sys.executable, "-c", ROTATE_FOREVER, str(folder), PASSWORD],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        child.kill()
        child.wait()
        again = workspace_service.unlock(folder, "admin", PASSWORD)
        try:
            assert _customers(again) == 200
        finally:
            again.close()
        assert len(KeySlotFile.load(folder / "keyslots.json").unwrap_all("admin", PASSWORD)) == 1
