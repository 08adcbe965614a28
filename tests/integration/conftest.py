"""Fixtures of the integration tests."""

from __future__ import annotations

import pytest

from ecrm_desktop.services.secrets import SecretStore
from tests.conftest import MemoryKeyring
from tests.mail_support import mail_servers  # noqa: F401 (the loopback IMAP/SMTP servers fixture)


@pytest.fixture
def secrets(memory_keyring: MemoryKeyring) -> SecretStore:
    """The secret store the services under test share (backed by the in-memory keyring)."""
    return SecretStore(memory_keyring)
