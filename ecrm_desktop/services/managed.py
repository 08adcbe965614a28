"""Managed settings: what an administrator presets for every user of a computer in one system-wide file.

`/etc/ecrm/managed.toml` (Linux), `/Library/Application Support/ecrm/managed.toml` (macOS),
`%ProgramData%\\ecrm\\managed.toml` (Windows), or the file `ECRM_MANAGED_SETTINGS` names. It may preset the
workspace location, the sync interval, the update manifest address and the non-secret settings of store
connections (`resources/managed.toml.example`); a file holding anything else, secrets included, is refused.
"""

from __future__ import annotations

import os
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ecrm_desktop.domain.errors import EcrmError

ENV_VAR = "ECRM_MANAGED_SETTINGS"
SECRET_WORDS = ("token", "secret", "password", "passphrase")


class ManagedStore(BaseModel):
    """A store connection's non-secret settings; the secret is still the user's to enter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    platform: Literal["shopify", "woocommerce"]
    url: str = Field(pattern=r"^https?://")
    key: str | None = None  # WooCommerce consumer key (ck_...); its secret is never here


class ManagedSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    workspace: Path | None = None
    sync_interval_minutes: int | None = Field(default=None, gt=0, le=7 * 24 * 60)
    update_manifest_url: str | None = Field(default=None, pattern=r"^https://")
    stores: tuple[ManagedStore, ...] = ()

    def workspace_folder(self) -> Path | None:
        """The preset workspace folder with `~` and environment variables expanded, if any."""
        return Path(os.path.expandvars(self.workspace)).expanduser() if self.workspace else None

    def store(self, name: str) -> ManagedStore | None:
        """The preset connection of the store called `name`, if the administrator gave one."""
        return next((s for s in self.stores if s.name == name), None)


def managed_settings_path() -> Path:
    """Where this computer's managed settings file is looked for."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "ecrm" / "managed.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support/ecrm/managed.toml")
    return Path("/etc/ecrm/managed.toml")


def load_managed_settings(path: Path) -> ManagedSettings:
    """The settings in `path`; none when the file does not exist; EcrmError when it is unreadable or invalid."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ManagedSettings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise EcrmError(f"The managed settings file {path} cannot be read as TOML; ask your administrator.") from exc
    if _holds_secret(data):
        raise EcrmError(f"The managed settings file {path} holds a secret, which it must not; ask your administrator.")
    try:
        return ManagedSettings.model_validate(data)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"])
        raise EcrmError(f"The managed settings file {path} has an invalid '{where}'; ask your administrator.") from exc


@cache
def managed_settings() -> ManagedSettings:
    """This computer's managed settings, read once per process."""
    return load_managed_settings(managed_settings_path())


def _holds_secret(value: object) -> bool:
    if isinstance(value, dict):
        return any(any(w in str(k).lower() for w in SECRET_WORDS) or _holds_secret(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return False
