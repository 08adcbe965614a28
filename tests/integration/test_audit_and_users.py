from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import PermissionDenied, UsageError
from ecrm_desktop.services.users import UserService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import AuditEntry
from tests.conftest import FAST_KDF, PASSWORD


def _entries(session: UserSession) -> list[AuditEntry]:
    with session.workspace.sessions() as s:
        return list(s.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars())


def test_audit_chain_verifies_and_detects_tampering(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        for i in range(5):
            audit.append(s, "admin", "customer.view", "customer", i, reason="test")
    assert audit.first_broken(_entries(user_session)) is None
    with user_session.workspace.sessions() as s, s.begin():
        s.execute(update(AuditEntry).where(AuditEntry.id == 4).values(user_name="mallory"))
    broken = audit.first_broken(_entries(user_session))
    assert broken is not None and broken.id == 4


def test_deleted_audit_row_breaks_the_chain(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        for i in range(3):
            audit.append(s, "admin", "customer.view", "customer", i)
        s.delete(s.get_one(AuditEntry, 3))
    broken = audit.first_broken(_entries(user_session))
    assert broken is not None and broken.id == 4


def test_added_user_unlocks_with_own_password(user_session: UserSession, workspace_service: WorkspaceService) -> None:
    UserService(user_session, FAST_KDF).add("agent.smith", Role.SUPPORT, "support-password-42")
    names = {(u.name, u.role) for u in UserService(user_session).list()}
    assert names == {("admin", Role.ADMINISTRATOR), ("agent.smith", Role.SUPPORT)}
    folder: Path = user_session.workspace.paths.folder
    agent = workspace_service.unlock(folder, "agent.smith", "support-password-42")
    assert agent.role is Role.SUPPORT
    with pytest.raises(PermissionDenied):
        UserService(agent).add("another", Role.SALES, "support-password-43")
    agent.close()
    workspace_service.unlock(folder, "admin", PASSWORD).close()  # the administrator's slot is untouched


def test_duplicate_user_is_refused(user_session: UserSession) -> None:
    with pytest.raises(UsageError, match="already exists"):
        UserService(user_session, FAST_KDF).add("ADMIN", Role.SALES, "another-password-1")
