"""A backup restores to exactly the source (every table, the search index), verifies its integrity and
authenticity, is consistent while another connection writes, and a restore changes nothing unless it verifies."""

from __future__ import annotations

import io
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import AuthenticationFailed, PermissionDenied, WorkspaceError
from ecrm_desktop.services.backups import BackupService, restore
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.users import UserService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.tables import Base, Note
from ecrm_desktop.storage.workspace import Workspace, open_workspace
from tests.conftest import FAST_KDF, PASSWORD


def _everything(workspace: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table and of the search index."""
    out = {}
    with workspace.sessions() as s:
        for table in Base.metadata.sorted_tables:
            out[table.name] = sorted((tuple(r) for r in s.execute(select(table))), key=repr)
        out["customer_search"] = sorted(tuple(r) for r in s.execute(text("SELECT rowid, * FROM customer_search")))
    return out


def test_restore_equals_source(user_session: UserSession, workspace_service: WorkspaceService,
                               tmp_path: Path) -> None:
    fill_demo(user_session, 60, seed=3)
    backup = tmp_path / "ws.ecrmbackup"
    info = BackupService(user_session).create(backup)
    ws = user_session.workspace
    source = _everything(ws)
    assert info.workspace_id == ws.workspace_id and info.database_bytes > 0
    emails = [str(r[3]) for r in source["customers"] if r[3]]
    assert emails and not any(e.encode() in backup.read_bytes() for e in emails)  # it travels encrypted

    target = tmp_path / "restored"
    result = restore(backup, target, "admin", PASSWORD)
    assert result.kept_aside is None
    copy = open_workspace(target, ws.database_key, ws.workspace_id)  # no sign-in: nothing more written
    try:
        restored = _everything(copy)
    finally:
        copy.close()
    trail = restored.pop("audit_log")
    assert [row[3] for row in trail if row not in source["audit_log"]] == ["backup.restore"]
    source.pop("audit_log")
    assert restored == source
    workspace_service.unlock(target, "admin", PASSWORD).close()


def test_backup_is_consistent_while_a_writer_writes(user_session: UserSession, tmp_path: Path,
                                                    workspace_service: WorkspaceService) -> None:
    fill_demo(user_session, 30, seed=1)
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            with user_session.workspace.sessions() as s, s.begin():
                s.add(Note(customer_id=1, body="written during the backup"))

    writer = threading.Thread(target=write)
    writer.start()
    try:
        BackupService(user_session).create(tmp_path / "b.tar")
    finally:
        stop.set()
        writer.join()
    restore(tmp_path / "b.tar", tmp_path / "r", "admin", PASSWORD)  # verifies integrity on the way
    again = workspace_service.unlock(tmp_path / "r", "admin", PASSWORD)
    again.close()


def test_an_altered_backup_is_refused_and_changes_nothing(user_session: UserSession, tmp_path: Path) -> None:
    BackupService(user_session).create(tmp_path / "b.tar")
    with tarfile.open(tmp_path / "b.tar") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    db = bytearray(members["ecrm.db"])
    db[len(db) // 2] ^= 0xFF
    manifest = members["manifest.json"].replace(b'"size": ', b'"size": 1')
    for name, broken in (("ecrm.db", bytes(db)), ("manifest.json", manifest)):
        forged = tmp_path / f"forged-{name}.tar"
        with tarfile.open(forged, "w") as tar:
            for member, data in {**members, name: broken}.items():
                info = tarfile.TarInfo(member)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        with pytest.raises(WorkspaceError):
            restore(forged, tmp_path / "r", "admin", PASSWORD)
        assert not (tmp_path / "r").exists() and not (tmp_path / ".r.restoring").exists()


def test_replacing_keeps_the_current_workspace_aside(user_session: UserSession, tmp_path: Path) -> None:
    folder = user_session.workspace.paths.folder
    BackupService(user_session).create(tmp_path / "b.tar")
    user_session.close()
    with pytest.raises(WorkspaceError, match="already holds a workspace"):
        restore(tmp_path / "b.tar", folder, "admin", PASSWORD)
    with pytest.raises(AuthenticationFailed):
        restore(tmp_path / "b.tar", folder, "admin", "wrong-password-123", replace=True)
    result = restore(tmp_path / "b.tar", folder, "admin", PASSWORD, replace=True)
    assert result.kept_aside is not None and (result.kept_aside / "ecrm.db").exists()
    assert (folder / "ecrm.db").exists()


def test_only_administrators_back_up_and_restore(user_session: UserSession, tmp_path: Path,
                                                workspace_service: WorkspaceService) -> None:
    UserService(user_session, FAST_KDF).add("agent", Role.SUPPORT, "agent-password-long")
    BackupService(user_session).create(tmp_path / "b.tar")
    agent = workspace_service.unlock(user_session.workspace.paths.folder, "agent", "agent-password-long")
    with pytest.raises(PermissionDenied):
        BackupService(agent).create(tmp_path / "c.tar")
    agent.close()
    with pytest.raises(PermissionDenied):
        restore(tmp_path / "b.tar", tmp_path / "r", "agent", "agent-password-long")
