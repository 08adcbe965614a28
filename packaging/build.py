"""Build the signed Linux release: the frozen app (build.spec), `ecrm_<version>_<arch>.deb`, `SHA256SUMS`, its
signature, and a signed update manifest. `make package` runs it; docs/packaging.md explains.

Usage: python packaging/build.py [--key PATH | --throwaway-key] [--out dist] [--skip-freeze]
           [--download-url https://downloads.example.com/ecrm]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "packaging")]

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from signing import (  # noqa: E402
    NoReleaseKey,
    load_private_key,
    public_pem,
    sign,
    write_signed_sums,
)
from size_report import folder_size, size_by_component  # noqa: E402

from ecrm_desktop import __version__  # noqa: E402
from ecrm_desktop.services.release_signatures import sha256_of  # noqa: E402

BUILD = ROOT / "build" / "pyinstaller"
FROZEN = BUILD / "dist" / "ecrm"
PREFIX = "opt/ecrm"
# Libraries the frozen app loads from the system rather than bundling (PyInstaller leaves out libc, GL/EGL and
# what every desktop has); the clean-chroot check proves this list is enough.
DEPENDS = ("libc6 (>= 2.31)", "libegl1", "libgl1", "libfontconfig1", "fonts-dejavu-core | fonts-liberation2",
           "libxkbcommon0", "libxkbcommon-x11-0", "libx11-xcb1", "libxcb-cursor0", "libglib2.0-0",
           "libwayland-cursor0")
POSTINST = """#!/bin/sh
# Refresh the menus' caches so ecrm shows up at once; no questions asked (silent install).
set -e
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true
exit 0
"""


def freeze() -> Path:
    """Run PyInstaller on build.spec (niced: it is CPU-heavy) and return the app folder."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(["nice", "-n", "10", sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
                    "--distpath", str(BUILD / "dist"), "--workpath", str(BUILD / "work"), str(ROOT / "build.spec")],
                   check=True, cwd=ROOT, env=env)
    return FROZEN


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], check=True, capture_output=True,
                          text=True).stdout.strip()


def build_deb(app: Path, out: Path) -> Path:
    """Lay out the package tree (app in /opt/ecrm, `ecrm` on the PATH, menu entry, icon) and build the .deb."""
    arch = architecture()
    with tempfile.TemporaryDirectory(prefix="ecrm-deb-") as tmp:
        tree = Path(tmp) / "ecrm"
        shutil.copytree(app, tree / PREFIX, symlinks=True)
        (tree / "usr/bin").mkdir(parents=True)
        (tree / "usr/bin/ecrm").symlink_to(f"/{PREFIX}/ecrm")
        _install(ROOT / "resources/ecrm.desktop", tree / "usr/share/applications/ecrm.desktop")
        _install(ROOT / "resources/ecrm.svg", tree / "usr/share/icons/hicolor/scalable/apps/ecrm.svg")
        _install(ROOT / "resources/managed.toml.example", tree / "usr/share/doc/ecrm/managed.toml.example")
        control = tree / "DEBIAN"
        control.mkdir()
        installed_kb = folder_size(tree) // 1024
        (control / "control").write_text(
            f"Package: ecrm\nVersion: {__version__}\nArchitecture: {arch}\nMaintainer: ecrm <dev@ecrm.invalid>\n"
            f"Installed-Size: {installed_kb}\nDepends: {', '.join(DEPENDS)}\nSection: misc\nPriority: optional\n"
            "Description: desktop e-commerce CRM\n every customer of your Shopify and WooCommerce stores in one\n"
            " encrypted place on your own computer.\n", encoding="utf-8")
        for script in ("postinst", "postrm"):
            (control / script).write_text(POSTINST, encoding="utf-8")
            (control / script).chmod(0o755)
        deb = out / f"ecrm_{__version__}_{arch}.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(tree), str(deb)],
                       check=True, stdout=subprocess.DEVNULL)
    return deb


def _install(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o644)


def write_manifest(key: Ed25519PrivateKey, artefacts: list[Path], out: Path, download_url: str) -> Path:
    """`manifest.json` and its signature, which "check for updates" reads (services/updates.py)."""
    manifest = {"version": __version__, "released": datetime.now(UTC).date().isoformat(), "notes": "",
                "downloads": [{"platform": "linux-deb", "name": a.name, "url": f"{download_url.rstrip('/')}/{a.name}",
                               "sha256": sha256_of(a)} for a in artefacts]}
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (out / "manifest.json.sig").write_bytes(sign(key, path.read_bytes()))
    return path


def release_key(args: argparse.Namespace, out: Path) -> Ed25519PrivateKey:
    """The given release key, or a throw-away one whose public half goes to `out/release-key.pub`."""
    if not args.throwaway_key:
        return load_private_key(args.key)
    key = Ed25519PrivateKey.generate()
    (out / "release-key.pub").write_bytes(public_pem(key))
    return key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build and sign the ecrm Debian package.")
    parser.add_argument("--key", type=Path, help="Ed25519 private key (PEM); else ECRM_RELEASE_KEY_FILE/_KEY")
    parser.add_argument("--throwaway-key", action="store_true", help="sign with a new key made for this build")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the artefacts go (default dist/)")
    parser.add_argument("--skip-freeze", action="store_true", help="package the frozen app already built")
    parser.add_argument("--download-url", default="https://downloads.ecrm.invalid/releases",
                        help="where the manifest says the artefacts can be downloaded")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        key = release_key(args, out)
    except NoReleaseKey as exc:
        print(f"packaging: {exc}", file=sys.stderr)
        return 2
    app = FROZEN if args.skip_freeze else freeze()
    report = size_by_component(app)
    (out / "size-report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    deb = build_deb(app, out)
    sums, signature = write_signed_sums(key, [deb], out)
    write_manifest(key, [deb], out, args.download_url)
    for path in (deb, sums, signature, out / "manifest.json"):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
