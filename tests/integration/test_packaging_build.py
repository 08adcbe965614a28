"""The release as CI builds it: frozen app, signed .deb, installed on a clean Debian chroot where the frozen app
passes its self-test, then purged (packaging/build.py and packaging/install_check.py; root and Debian's mirror)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ecrm_desktop import __version__
from ecrm_desktop.services.release_signatures import load_public_key, sha256_of, signature_valid
from tests.packaging_support import PACKAGING

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]
LIMIT_MB = 300


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, str(PACKAGING / "build.py"), "--throwaway-key", "--out", str(out)],
                           capture_output=True, text=True, check=False, timeout=1200)
    assert built.returncode == 0, built.stderr[-3000:]
    return out


def test_the_deb_holds_the_app_menu_entry_and_icon_within_the_size_budget(dist: Path) -> None:
    deb = dist / f"ecrm_{__version__}_amd64.deb"
    listing = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True,
                             check=True).stdout
    for path in ("./opt/ecrm/ecrm", "./opt/ecrm/_internal/ecrm_desktop/release_key.pub",
                 "./usr/share/applications/ecrm.desktop", "./usr/share/icons/hicolor/scalable/apps/ecrm.svg",
                 "./usr/bin/ecrm -> /opt/ecrm/ecrm"):
        assert path in listing
    installed_kb = int(subprocess.run(["dpkg-deb", "--field", str(deb), "Installed-Size"], capture_output=True,
                                      text=True, check=True).stdout)
    assert installed_kb < LIMIT_MB * 1024
    sizes = json.loads((dist / "size-report.json").read_text())
    assert sizes["total"] < LIMIT_MB * 2**20 and {"Qt libraries", "SQLCipher (sqlcipher3)", "scipy"} <= set(sizes)


def test_the_update_manifest_is_signed_and_names_the_deb(dist: Path) -> None:
    key = load_public_key((dist / "release-key.pub").read_bytes())
    body = (dist / "manifest.json").read_bytes()
    assert signature_valid(key, body, (dist / "manifest.json.sig").read_bytes())
    manifest = json.loads(body)
    assert manifest["version"] == __version__
    assert manifest["downloads"][0]["sha256"] == sha256_of(dist / manifest["downloads"][0]["name"])


def test_the_signed_deb_installs_on_clean_debian_passes_its_self_test_and_purges(dist: Path) -> None:
    checked = subprocess.run([sys.executable, str(PACKAGING / "install_check.py"), str(dist)], capture_output=True,
                             text=True, check=False, timeout=1200)
    assert checked.returncode == 0, checked.stdout[-3000:]
    for line in ("verifies against", "installed silently", "platform plugins find every library",
                 "managed settings honoured",
                 "every screen rendered offscreen: ok", "self-test: passed", "nothing of the package is left"):
        assert line in checked.stdout
