"""Check for updates: fetch the signed update manifest, refuse it unless the release key signed it, and say
whether a newer version is out.

The manifest is `manifest.json` beside `manifest.json.sig` (its detached signature, see release_signatures):
`{"version": "0.2.0", "released": "2026-12-01", "notes": "...", "downloads": [{"platform": "linux-deb",
"name": "ecrm_0.2.0_amd64.deb", "url": "https://...", "sha256": "..."}]}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ecrm_desktop import __version__
from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.services.release_signatures import SignatureRefused, release_key, signature_valid

MAX_MANIFEST = 1 << 20
VERSION = re.compile(r"^\d+(\.\d+){0,3}$")


class Download(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    platform: str
    name: str
    url: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class UpdateManifest(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    version: str = Field(pattern=VERSION.pattern)
    released: str = ""
    notes: str = ""
    downloads: tuple[Download, ...] = ()


@dataclass(frozen=True)
class UpdateCheck:
    """What the signed manifest says: the newest version and whether it is newer than this one."""

    current: str
    manifest: UpdateManifest

    @property
    def available(self) -> bool:
        return version_key(self.manifest.version) > version_key(self.current)


def version_key(version: str) -> tuple[int, ...]:
    """`1.2.10` as (1, 2, 10) so versions compare as numbers; anything after a digit run is ignored."""
    return tuple(int(m.group()) if (m := re.match(r"\d+", part)) else 0 for part in version.split("."))


def read_manifest(body: bytes, signature: bytes, key: Ed25519PublicKey) -> UpdateManifest:
    """The manifest in `body` once its signature checks out; raises SignatureRefused otherwise."""
    if not signature_valid(key, body, signature):
        raise SignatureRefused("The update manifest is not signed by the ecrm release key, so it was ignored.")
    try:
        return UpdateManifest.model_validate_json(body)
    except ValidationError as exc:
        raise SignatureRefused("The signed update manifest is not in a format this version understands.") from exc


class UpdateService:
    """Fetches `manifest_url` and its `.sig`; `key` defaults to the release key shipped with the app."""

    def __init__(self, manifest_url: str, key: Ed25519PublicKey | None = None, timeout: float = 10.0) -> None:
        self.manifest_url = manifest_url
        self.key = key or release_key()
        self.timeout = timeout

    def check(self, current: str = __version__) -> UpdateCheck:
        """Fetch and verify the manifest; raises EcrmError when it cannot be fetched, SignatureRefused when bad."""
        with httpx.Client(timeout=self.timeout, follow_redirects=True) as client:
            body = self._get(client, self.manifest_url)
            signature = self._get(client, self.manifest_url + ".sig")
        return UpdateCheck(current, read_manifest(body, signature, self.key))

    @staticmethod
    def _get(client: httpx.Client, url: str) -> bytes:
        try:
            response = client.get(url)
        except httpx.HTTPError as exc:
            raise EcrmError(f"Could not reach the update server ({exc.__class__.__name__}).") from exc
        if response.status_code != 200:
            raise EcrmError(f"The update server answered {response.status_code} for the update manifest.")
        if len(response.content) > MAX_MANIFEST:
            raise EcrmError("The update server sent more than an update manifest can be.")
        return response.content
