"""The encrypted workspace: creation, unlocking, encryption at rest, and clean failures that change nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select, text

from ecrm_desktop.domain.errors import AuthenticationFailed, PasswordPolicyError, WorkspaceError
from ecrm_desktop.services.secrets import NO_KEYRING, SecretStore
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import Customer, User
from tests.conftest import FAST_KDF, PASSWORD
from tests.factories import customer, make_store


def _fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _add_secret_customer(session: UserSession) -> None:
    with session.workspace.sessions() as s, s.begin():
        store = make_store(s)
        StoreWriter(s, store).upsert_customers([customer("c-1", "zelda.quartermaine@example.org", "Zelda",
                                                         "Quartermaine")])


def test_create_then_unlock(tmp_path: Path, workspace_service: WorkspaceService) -> None:
    folder = tmp_path / "ws"
    workspace_service.create(folder, "admin", PASSWORD).close()
    session = workspace_service.unlock(folder, "admin", PASSWORD)
    try:
        with session.workspace.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA cipher_version").scalar()
        with session.workspace.sessions() as s:
            admin = s.execute(select(User)).scalar_one()
        assert (admin.name, admin.role.value) == ("admin", "administrator")
        assert session.role.value == "administrator"
    finally:
        session.close()


def test_no_plaintext_on_disk(tmp_path: Path, workspace_service: WorkspaceService) -> None:
    """A known email and name appear in neither the database nor its WAL, before or after a checkpoint."""
    session = workspace_service.create(tmp_path / "ws", "admin", PASSWORD)
    _add_secret_customer(session)
    folder = session.workspace.paths.folder
    wal = folder / "ecrm.db-wal"
    assert wal.exists() and wal.stat().st_size > 0, "the write should still be in the WAL"
    needles = [b"zelda.quartermaine", b"Quartermaine", "Quartermaine".encode("utf-16-le"), b"SQLite format 3"]

    def scan() -> None:
        for path in folder.iterdir():
            data = path.read_bytes()
            for needle in needles:
                assert needle not in data, f"{needle!r} found in {path.name}"

    scan()
    with session.workspace.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    scan()
    # ...while the data is really there for the key holder.
    with session.workspace.sessions() as s:
        assert s.execute(select(Customer.last_name)).scalar_one() == "Quartermaine"
    session.close()


def test_wrong_password_fails_cleanly_and_changes_nothing(tmp_path: Path,
                                                          workspace_service: WorkspaceService) -> None:
    workspace_service.create(tmp_path / "ws", "admin", PASSWORD).close()
    before = _fingerprint(tmp_path / "ws")
    for user, password in [("admin", "not-the-password"), ("mallory", PASSWORD)]:
        with pytest.raises(AuthenticationFailed, match="Wrong user name or password"):
            workspace_service.unlock(tmp_path / "ws", user, password)
    after = _fingerprint(tmp_path / "ws")
    assert after.pop("sign_in_attempts.json")  # the lock-out count (user names and times) is all that changes
    assert after == before


def test_missing_keyslot_file(tmp_path: Path, workspace_service: WorkspaceService) -> None:
    workspace_service.create(tmp_path / "ws", "admin", PASSWORD).close()
    (tmp_path / "ws" / "keyslots.json").unlink()
    before = _fingerprint(tmp_path / "ws")
    with pytest.raises(WorkspaceError, match=r"key-slot file .* is missing"):
        workspace_service.unlock(tmp_path / "ws", "admin", PASSWORD)
    assert _fingerprint(tmp_path / "ws") == before


def test_corrupt_keyslot_file(tmp_path: Path, workspace_service: WorkspaceService) -> None:
    workspace_service.create(tmp_path / "ws", "admin", PASSWORD).close()
    slots = tmp_path / "ws" / "keyslots.json"
    slots.write_text(slots.read_text()[:-40])
    before = _fingerprint(tmp_path / "ws")
    with pytest.raises(WorkspaceError, match="damaged"):
        workspace_service.unlock(tmp_path / "ws", "admin", PASSWORD)
    assert _fingerprint(tmp_path / "ws") == before


def test_corrupt_database(tmp_path: Path, workspace_service: WorkspaceService) -> None:
    session = workspace_service.create(tmp_path / "ws", "admin", PASSWORD)
    _add_secret_customer(session)
    with session.workspace.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    session.close()
    db = tmp_path / "ws" / "ecrm.db"
    data = bytearray(db.read_bytes())
    data[0:64] = bytes(64)  # the first page's salt and HMAC: nothing decrypts any more
    db.write_bytes(bytes(data))
    before = _fingerprint(tmp_path / "ws")
    with pytest.raises(WorkspaceError, match="damaged"):
        workspace_service.unlock(tmp_path / "ws", "admin", PASSWORD)
    assert _fingerprint(tmp_path / "ws") == before


def test_database_from_another_workspace_is_refused(tmp_path: Path, workspace_service: WorkspaceService) -> None:
    workspace_service.create(tmp_path / "a", "admin", PASSWORD).close()
    workspace_service.create(tmp_path / "b", "admin", PASSWORD).close()
    (tmp_path / "a" / "keyslots.json").replace(tmp_path / "b" / "keyslots.json")
    with pytest.raises(WorkspaceError):
        workspace_service.unlock(tmp_path / "b", "admin", PASSWORD)


def test_create_refuses_an_existing_workspace(tmp_path: Path, workspace_service: WorkspaceService) -> None:
    workspace_service.create(tmp_path / "ws", "admin", PASSWORD).close()
    before = _fingerprint(tmp_path / "ws")
    with pytest.raises(WorkspaceError, match="already exists"):
        workspace_service.create(tmp_path / "ws", "admin", PASSWORD)
    assert _fingerprint(tmp_path / "ws") == before


def test_create_checks_the_password_before_writing(tmp_path: Path, workspace_service: WorkspaceService) -> None:
    with pytest.raises(PasswordPolicyError):
        workspace_service.create(tmp_path / "ws", "admin", "password123")
    assert not (tmp_path / "ws").exists()


def test_failed_creation_leaves_no_files(tmp_path: Path, workspace_service: WorkspaceService,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_save(self: object, path: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("ecrm_desktop.storage.keyslots.KeySlotFile.save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        workspace_service.create(tmp_path / "ws", "admin", PASSWORD)
    assert not (tmp_path / "ws").exists()


def test_remember_on_this_computer(tmp_path: Path, workspace_service: WorkspaceService) -> None:
    folder = tmp_path / "ws"
    workspace_service.create(folder, "admin", PASSWORD).close()
    assert workspace_service.unlock_remembered(folder, "admin") is None
    session = workspace_service.unlock(folder, "admin", PASSWORD, remember=True)
    assert session.notices == []
    session.close()
    remembered = workspace_service.unlock_remembered(folder, "admin")
    assert remembered is not None and remembered.user_name == "admin"
    remembered.close()
    workspace_service.forget(folder, "admin")
    assert workspace_service.unlock_remembered(folder, "admin") is None


def test_remember_without_a_keyring_says_why(tmp_path: Path) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    service = WorkspaceService(secrets=SecretStore(NoKeyring()), kdf=FAST_KDF)
    service.create(tmp_path / "ws", "admin", PASSWORD).close()
    session = service.unlock(tmp_path / "ws", "admin", PASSWORD, remember=True)
    assert session.notices == [NO_KEYRING]
    session.close()
    assert service.unlock_remembered(tmp_path / "ws", "admin") is None


def test_sign_ins_are_audited(user_session: UserSession, workspace_service: WorkspaceService) -> None:
    folder = user_session.workspace.paths.folder
    workspace_service.unlock(folder, "admin", PASSWORD).close()
    with user_session.workspace.engine.connect() as conn:
        actions = [r[0] for r in conn.execute(text("SELECT action FROM audit_log ORDER BY id"))]
    assert actions == ["workspace.create", "user.add", "user.sign_in"]
