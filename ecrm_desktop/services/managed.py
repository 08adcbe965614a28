"""Managed settings: what an administrator presets for every user of a computer in one system-wide file.

`/etc/ecrm/managed.toml` (Linux), `/Library/Application Support/ecrm/managed.toml` (macOS),
`%ProgramData%\\ecrm\\managed.toml` (Windows), or the file `ECRM_MANAGED_SETTINGS` names. It may preset the
workspace location, the sync interval, the update manifest address and the non-secret settings of store
connections (`resources/managed.toml.example`); a file holding anything else, secrets included, is refused.
This module is read before the first window paints, so it keeps to the standard library.
"""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ecrm_desktop.domain.errors import EcrmError

ENV_VAR = "ECRM_MANAGED_SETTINGS"
SECRET_WORDS = ("token", "secret", "password", "passphrase")
PLATFORMS = ("shopify", "woocommerce")
MAX_INTERVAL = 7 * 24 * 60


class InvalidManagedSettings(EcrmError):
    """The administrator's file cannot be used; the message names the file and the setting."""


@dataclass(frozen=True)
class ManagedStore:
    """A store connection's non-secret settings; the secret is still the user's to enter."""

    name: str
    platform: str
    url: str
    key: str | None = None  # WooCommerce consumer key (ck_...); its secret is never here


@dataclass(frozen=True)
class ManagedSettings:
    workspace: Path | None = None
    sync_interval_minutes: int | None = None
    update_manifest_url: str | None = None
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
    """The settings in `path`; none when the file does not exist; InvalidManagedSettings when it is unusable."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ManagedSettings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidManagedSettings(f"The managed settings file {path} cannot be read as TOML; "
                                     "ask your administrator.") from exc
    if _holds_secret(data):
        raise InvalidManagedSettings(f"The managed settings file {path} holds a secret, which it must not; "
                                     "ask your administrator.")
    try:
        return _settings(data)
    except _Invalid as exc:
        raise InvalidManagedSettings(f"The managed settings file {path} has an invalid '{exc}'; "
                                     "ask your administrator.") from None


@cache
def managed_settings() -> ManagedSettings:
    """This computer's managed settings, read once per process."""
    return load_managed_settings(managed_settings_path())


class _Invalid(Exception):
    """Names the setting that is wrong."""


def _settings(data: dict[str, Any]) -> ManagedSettings:
    _only(data, ("workspace", "sync_interval_minutes", "update_manifest_url", "stores"), "")
    interval = data.get("sync_interval_minutes")
    if interval is not None and not (type(interval) is int and 0 < interval <= MAX_INTERVAL):
        raise _Invalid("sync_interval_minutes")
    stores = data.get("stores", [])
    if not isinstance(stores, list):
        raise _Invalid("stores")
    return ManagedSettings(
        workspace=Path(_text(data, "workspace")) if "workspace" in data else None,
        sync_interval_minutes=interval,
        update_manifest_url=_text(data, "update_manifest_url", prefix=("https://",)) if "update_manifest_url" in data
        else None,
        stores=tuple(_store(s, f"stores.{i}") for i, s in enumerate(stores)))


def _store(data: object, where: str) -> ManagedStore:
    if not isinstance(data, dict):
        raise _Invalid(where)
    _only(data, ("name", "platform", "url", "key"), f"{where}.")
    platform = _text(data, "platform", where)
    if platform not in PLATFORMS:
        raise _Invalid(f"{where}.platform")
    return ManagedStore(name=_text(data, "name", where), platform=platform,
                        url=_text(data, "url", where, prefix=("https://", "http://")),
                        key=_text(data, "key", where) if "key" in data else None)


def _only(data: dict[str, Any], known: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise _Invalid(f"{where}{unknown[0]}")


def _text(data: dict[str, Any], key: str, where: str = "", prefix: tuple[str, ...] = ("",)) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > 1000 or not value.startswith(prefix):
        raise _Invalid(f"{where}.{key}" if where else key)
    return value


def _holds_secret(value: object) -> bool:
    if isinstance(value, dict):
        return any(any(w in str(k).lower() for w in SECRET_WORDS) or _holds_secret(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return False
