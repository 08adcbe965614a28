"""Check for updates: the signed manifest is served over real HTTP on loopback; a bad signature is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.services.release_signatures import SignatureRefused
from ecrm_desktop.services.updates import UpdateService, version_key
from tests.packaging_support import ROOT, packaging_module

signing = packaging_module("signing")
KEY = Ed25519PrivateKey.generate()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 and its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def publish(folder: Path, version: str, key: Ed25519PrivateKey = KEY) -> bytes:
    body = json.dumps({"version": version, "released": "2026-12-01", "notes": "Faster sync.", "downloads": [
        {"platform": "linux-deb", "name": f"ecrm_{version}_amd64.deb", "url": f"https://dl.invalid/{version}.deb",
         "sha256": "ab" * 32}]}).encode()
    (folder / "manifest.json").write_bytes(body)
    (folder / "manifest.json.sig").write_bytes(signing.sign(key, body))
    return body


def test_a_signed_manifest_tells_whether_a_newer_version_is_out(site: tuple[Path, str]) -> None:
    folder, url = site
    publish(folder, "0.10.0")
    service = UpdateService(f"{url}/manifest.json", KEY.public_key())
    newer = service.check("0.9.3")
    assert newer.available and newer.manifest.version == "0.10.0"
    assert newer.manifest.downloads[0].name == "ecrm_0.10.0_amd64.deb"
    assert not service.check("0.10.0").available


def test_a_manifest_with_a_bad_signature_is_refused(site: tuple[Path, str]) -> None:
    folder, url = site
    body = publish(folder, "0.2.0")
    (folder / "manifest.json").write_bytes(body.replace(b"0.2.0", b"9.2.0"))
    with pytest.raises(SignatureRefused, match="not signed by the ecrm release key"):
        UpdateService(f"{url}/manifest.json", KEY.public_key()).check("0.1.0")
    publish(folder, "0.2.0", Ed25519PrivateKey.generate())
    with pytest.raises(SignatureRefused):
        UpdateService(f"{url}/manifest.json", KEY.public_key()).check("0.1.0")
    (folder / "manifest.json.sig").write_text("not base64 at all!")
    with pytest.raises(SignatureRefused):
        UpdateService(f"{url}/manifest.json", KEY.public_key()).check("0.1.0")


def test_the_app_trusts_only_the_published_release_key(site: tuple[Path, str]) -> None:
    folder, url = site
    publish(folder, "0.2.0")  # signed by a throw-away key, not the release key
    with pytest.raises(SignatureRefused):
        UpdateService(f"{url}/manifest.json").check("0.1.0")


def test_a_missing_manifest_or_server_is_one_sentence(site: tuple[Path, str]) -> None:
    _, url = site
    with pytest.raises(EcrmError, match="answered 404"):
        UpdateService(f"{url}/manifest.json", KEY.public_key()).check()
    with pytest.raises(EcrmError, match="Could not reach the update server"):
        UpdateService("http://127.0.0.1:9/manifest.json", KEY.public_key(), timeout=1).check()


def test_versions_compare_as_numbers() -> None:
    assert version_key("0.10.0") > version_key("0.9.12") > version_key("0.9")
    assert version_key("1.2.0rc1") == (1, 2, 0)


def test_update_check_command_reads_the_managed_manifest_address_and_refuses_a_bad_signature(
        site: tuple[Path, str], tmp_path: Path) -> None:
    folder, url = site
    publish(folder, "99.0.0")  # signed by a throw-away key: the installed app must refuse it
    settings = tmp_path / "managed.toml"
    settings.write_text('update_manifest_url = "https://127.0.0.1:1/never"\n')
    env = {**os.environ, "ECRM_MANAGED_SETTINGS": str(settings), "PYTHONPATH": str(ROOT)}
    refused = subprocess.run([sys.executable, "-m", "ecrm_desktop", "update", "check", "--url",
                              f"{url}/manifest.json"], env=env, capture_output=True, text=True, check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == ("ecrm: The update manifest is not signed by the ecrm release key, "
                                      "so it was ignored.")
    unreachable = subprocess.run([sys.executable, "-m", "ecrm_desktop", "update", "check"], env=env,
                                 capture_output=True, text=True, check=False)
    assert unreachable.returncode == 1 and "Could not reach the update server" in unreachable.stderr
