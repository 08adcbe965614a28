"""Prove a built .deb on a clean Debian: verify its signature, install it silently into a fresh minimal Debian
chroot (debootstrap, cached as a tarball), check the managed settings take effect, run `ecrm --self-test` there,
then purge it and check nothing is left. Needs root, debootstrap and Debian's package mirror.

Usage: python packaging/install_check.py DIST_FOLDER [--public-key KEY.pub] [--suite bookworm]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecrm_desktop.services.release_signatures import (  # noqa: E402
    RELEASE_KEY,
    SignatureRefused,
    load_public_key,
    verify_download,
)

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ecrm-packaging"
MIRROR = "http://deb.debian.org/debian"
INSTALLED = ("usr/bin/ecrm", "opt/ecrm/ecrm", "usr/share/applications/ecrm.desktop",
             "usr/share/icons/hicolor/scalable/apps/ecrm.svg")
MANAGED_WORKSPACE = "/srv/ecrm-managed"
PLUGINS = "opt/ecrm/_internal/PySide6/Qt/plugins/platforms"
PLATFORM_PLUGINS = ("libqxcb.so", "libqwayland.so")
CLEAN_ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "/root", "LANG": "C.UTF-8",
             "DEBIAN_FRONTEND": "noninteractive"}


class CheckFailed(Exception):
    pass


def say(text: str) -> None:
    print(f"install-check: {text}", flush=True)


def base_system(suite: str) -> Path:
    """A minimal Debian root filesystem as a tarball, made once with debootstrap and then reused."""
    tarball = CACHE / f"{suite}-minbase.tar"
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="ecrm-debootstrap-") as tmp:
            subprocess.run(["debootstrap", "--variant=minbase", suite, tmp, MIRROR], check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run(["tar", "-C", tmp, "-cf", f"{tarball}.part", "."], check=True)
        Path(f"{tarball}.part").rename(tarball)
    return tarball


@contextmanager
def chroot(suite: str) -> Iterator[Path]:
    """A fresh root from the cached base system, with /proc mounted and the host's DNS settings."""
    with tempfile.TemporaryDirectory(prefix="ecrm-chroot-") as tmp:
        root = Path(tmp)
        with tarfile.open(base_system(suite)) as tar:
            tar.extractall(root, filter="fully_trusted")
        shutil.copyfile("/etc/resolv.conf", root / "etc/resolv.conf")
        subprocess.run(["mount", "-t", "proc", "proc", str(root / "proc")], check=True)
        try:
            yield root
        finally:
            subprocess.run(["umount", "-l", str(root / "proc")], check=False)


def run_in(root: Path, *command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["chroot", str(root), *command], env={**CLEAN_ENV, **(env or {})}, text=True,
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise CheckFailed(f"`{' '.join(command)}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def check(dist: Path, key_file: Path, suite: str) -> None:
    deb = next(iter(sorted(dist.glob("ecrm_*.deb"))), None)
    if deb is None:
        raise CheckFailed(f"no ecrm_*.deb in {dist}")
    verify_download(deb, dist / "SHA256SUMS", dist / "SHA256SUMS.sig", load_public_key(key_file.read_bytes()))
    say(f"{deb.name} verifies against {key_file}")
    with chroot(suite) as root:
        shutil.copyfile(deb, root / "tmp" / deb.name)
        run_in(root, "apt-get", "update", "-qq")
        run_in(root, "apt-get", "install", "-y", "-qq", "--no-install-recommends", f"/tmp/{deb.name}")
        missing = [p for p in INSTALLED if not os.path.lexists(root / p)]
        if missing:
            raise CheckFailed(f"the package did not install {', '.join(missing)}")
        say(f"installed silently on a clean Debian {suite} (apt-get, no prompts)")
        for plugin in PLATFORM_PLUGINS:  # what a real desktop session loads, beyond the self-test's offscreen
            # The frozen app's bootloader puts _internal/ on the library path, as done here.
            linked = run_in(root, "ldd", f"/{PLUGINS}/{plugin}", env={"LD_LIBRARY_PATH": "/opt/ecrm/_internal"})
            unresolved = sorted({line.split()[0] for line in linked.stdout.splitlines() if "not found" in line})
            if unresolved:
                raise CheckFailed(f"{plugin} needs libraries the package does not depend on: {unresolved}")
        say("the X11 and Wayland platform plugins find every library they load")
        (root / "etc/ecrm").mkdir(parents=True)
        (root / "etc/ecrm/managed.toml").write_text(
            f'workspace = "{MANAGED_WORKSPACE}"\nsync_interval_minutes = 45\n', encoding="utf-8")
        run_in(root, "ecrm", "init", env={"ECRM_USER": "admin", "ECRM_PASSWORD": "install-check-Passw0rd"})
        if not (root / MANAGED_WORKSPACE.lstrip("/") / "keyslots.json").exists():
            raise CheckFailed("`ecrm init` did not create the workspace where the managed settings put it")
        say(f"managed settings honoured: the workspace went to {MANAGED_WORKSPACE}")
        result = run_in(root, "ecrm", "--self-test")
        say("self-test passed inside the chroot:\n" + result.stdout.strip())
        run_in(root, "apt-get", "purge", "-y", "-qq", "ecrm")
        left = [p for p in INSTALLED if os.path.lexists(root / p)]
        if left or (root / "opt/ecrm").exists():
            raise CheckFailed(f"purging left {', '.join(left) or 'opt/ecrm'} behind")
        say("purged: nothing of the package is left")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Install a built ecrm .deb on a clean Debian chroot and test it.")
    parser.add_argument("dist", type=Path, help="folder with the .deb, SHA256SUMS and SHA256SUMS.sig")
    parser.add_argument("--public-key", type=Path, help="default: dist/release-key.pub if there, else the release key")
    parser.add_argument("--suite", default="bookworm")
    args = parser.parse_args(argv)
    key = args.public_key or (args.dist / "release-key.pub" if (args.dist / "release-key.pub").exists()
                              else RELEASE_KEY)
    try:
        check(args.dist, key, args.suite)
    except (CheckFailed, SignatureRefused) as exc:
        say(f"FAILED: {exc}")
        return 1
    say("passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
