"""Sync failures a person can act on, each one plain sentence (never a token, never a full URL with secrets)."""

from __future__ import annotations

from ecrm_desktop.domain.errors import EcrmError, UsageError


class SyncError(EcrmError):
    """A store could not be synced (or not completely)."""


class StoreUnreachable(SyncError):
    """The store did not answer usefully after the allowed retries."""


class StoreAuthFailed(SyncError):
    """The store refused the credentials."""


class MissingScopes(SyncError):
    """The store's access token lacks scopes the sync needs."""

    def __init__(self, missing: list[str], lacking: str = "The store's access token is missing these access scopes",
                 remedy: str = "grant them to the app in the store's admin and reconnect") -> None:
        self.missing = missing
        super().__init__(f"{lacking}: {', '.join(missing)}; {remedy}.")


class RepeatingCursor(SyncError):
    """The store handed back a page position it had already given: paging would never end."""


class MalformedResponse(SyncError):
    """The store's answer was not the JSON its API promises, even after retries."""


class InsecureStoreUrl(UsageError):
    """A store URL that is neither HTTPS nor a loopback address."""
