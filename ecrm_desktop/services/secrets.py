"""The OS keyring: remembered workspace keys (and later store tokens), with a plain word where there is none."""

from __future__ import annotations

import contextlib
import logging

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "ecrm"
NO_KEYRING = ("No system keyring is available on this computer, so ecrm cannot remember the workspace key; "
              "it will ask for your password each time.")


class SecretStore:
    """Thin wrapper around `keyring` that never raises for a missing backend, only reports it."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> KeyringBackend:
        return self._backend or keyring.get_keyring()

    def available(self) -> bool:
        """True when a real backend is there (the 'fail' and 'null' backends do not count)."""
        module = type(self.backend).__module__
        return not module.startswith(("keyring.backends.fail", "keyring.backends.null")) and \
            getattr(self.backend, "priority", 0) > 0

    def get(self, name: str) -> str | None:
        if not self.available():
            return None
        try:
            return self.backend.get_password(SERVICE, name)
        except keyring.errors.KeyringError as exc:
            log.warning("keyring read failed: %s", exc.__class__.__name__)
            return None

    def set(self, name: str, secret: str) -> str | None:
        """Store the secret; returns None on success or a sentence saying why it could not be stored."""
        if not self.available():
            return NO_KEYRING
        try:
            self.backend.set_password(SERVICE, name, secret)
        except keyring.errors.KeyringError as exc:
            return f"The system keyring refused to store the secret ({exc.__class__.__name__})."
        return None

    def delete(self, name: str) -> None:
        if not self.available():
            return
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self.backend.delete_password(SERVICE, name)
