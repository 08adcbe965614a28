"""Shared fixtures: real encrypted workspaces in temporary folders, a cheap KDF, an in-memory keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend

# Widgets never need a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.keyslots import KdfParams

# Argon2id at minimal cost: the real cost is exercised by tests/unit/test_keyslots.py.
FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
PASSWORD = "a-long-test-password"


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps secrets in a dict (tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def workspace_service(memory_keyring: MemoryKeyring) -> WorkspaceService:
    return WorkspaceService(secrets=SecretStore(memory_keyring), kdf=FAST_KDF)


@pytest.fixture
def user_session(tmp_path: Path, workspace_service: WorkspaceService) -> Iterator[UserSession]:
    """A freshly created, unlocked, empty workspace signed in as its administrator."""
    session = workspace_service.create(tmp_path / "ws", "admin", PASSWORD)
    yield session
    session.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Empty the clipboard while Qt still runs. Qt's offscreen platform (the tests') frees clipboard contents a
    program set as QMimeData twice at exit, which ecrm's clipboard guard does: the run would end in a crash."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        QGuiApplication.clipboard().clear()
