"""Release signing and checking: SHA256SUMS and its detached Ed25519 signature, `packaging/verify`, and where
the build takes its private key from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ecrm_desktop.services.release_signatures import (
    SignatureRefused,
    load_public_key,
    parse_sums,
    release_key,
    verify_download,
)
from tests.packaging_support import PACKAGING, packaging_module

signing = packaging_module("signing")


@pytest.fixture
def release(tmp_path: Path) -> tuple[Ed25519PrivateKey, Path]:
    """A throw-away key that signed SHA256SUMS of two artefacts in tmp_path; returns the key and the .deb."""
    key = Ed25519PrivateKey.generate()
    deb = tmp_path / "ecrm_9.9.9_amd64.deb"
    deb.write_bytes(os.urandom(300_000))
    other = tmp_path / "ecrm-9.9.9.tar.gz"
    other.write_bytes(b"another artefact")
    signing.write_signed_sums(key, [deb, other], tmp_path)
    (tmp_path / "key.pub").write_bytes(signing.public_pem(key))
    return key, deb


def verify(deb: Path, key: Ed25519PublicKey) -> None:
    verify_download(deb, deb.with_name("SHA256SUMS"), deb.with_name("SHA256SUMS.sig"), key)


def test_a_signed_intact_download_verifies_and_sums_read_like_sha256sum(
        release: tuple[Ed25519PrivateKey, Path]) -> None:
    key, deb = release
    verify(deb, key.public_key())
    listed = subprocess.run(["sha256sum", "--check", "SHA256SUMS"], cwd=deb.parent, capture_output=True, text=True,
                            check=False)
    assert listed.returncode == 0 and f"{deb.name}: OK" in listed.stdout


def test_a_changed_download_is_refused(release: tuple[Ed25519PrivateKey, Path]) -> None:
    key, deb = release
    data = bytearray(deb.read_bytes())
    data[1000] ^= 1
    deb.write_bytes(bytes(data))
    with pytest.raises(SignatureRefused, match="does not match its checksum"):
        verify(deb, key.public_key())


def test_changed_sums_or_another_key_are_refused(release: tuple[Ed25519PrivateKey, Path]) -> None:
    key, deb = release
    with pytest.raises(SignatureRefused, match="not signed by this release key"):
        verify(deb, Ed25519PrivateKey.generate().public_key())
    sums = deb.with_name("SHA256SUMS")
    sums.write_text(sums.read_text().replace("tar.gz", "tar.xz"))
    with pytest.raises(SignatureRefused, match="not signed by this release key"):
        verify(deb, key.public_key())


def test_a_file_the_sums_do_not_list_is_refused(release: tuple[Ed25519PrivateKey, Path]) -> None:
    key, deb = release
    stranger = deb.with_name("ecrm_9.9.9_arm64.deb")
    stranger.write_bytes(b"not released")
    with pytest.raises(SignatureRefused, match="is not listed"):
        verify(stranger, key.public_key())


def test_sums_lines_that_name_paths_are_refused() -> None:
    assert parse_sums(f"{'a' * 64}  ecrm.deb\n\n{'B' * 64} *other.deb\n") == {"ecrm.deb": "a" * 64,
                                                                             "other.deb": "b" * 64}
    with pytest.raises(SignatureRefused, match="Line 1"):
        parse_sums(f"{'a' * 64}  ../etc/passwd\n")


def test_verify_command_exit_codes(release: tuple[Ed25519PrivateKey, Path]) -> None:
    _, deb = release
    command = [sys.executable, str(PACKAGING / "verify"), str(deb), "--public-key", str(deb.with_name("key.pub"))]
    good = subprocess.run(command, capture_output=True, text=True, check=False)
    assert good.returncode == 0 and "intact and signed" in good.stdout
    against_release_key = subprocess.run(command[:3], capture_output=True, text=True, check=False)
    assert against_release_key.returncode == 1 and "not signed by this release key" in against_release_key.stderr
    deb.write_bytes(deb.read_bytes()[:-1])
    bad = subprocess.run(command, capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "does not match its checksum" in bad.stderr


def test_the_private_key_comes_from_a_path_or_the_environment(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    key = Ed25519PrivateKey.generate()
    pem_file = tmp_path / "release.key"
    pem_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    for var in (signing.KEY_FILE_VAR, signing.KEY_TEXT_VAR):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(signing.NoReleaseKey, match="No release key"):
        signing.load_private_key()
    assert signing.public_pem(signing.load_private_key(pem_file)) == signing.public_pem(key)
    monkeypatch.setenv(signing.KEY_TEXT_VAR, pem_file.read_text())
    assert signing.public_pem(signing.load_private_key()) == signing.public_pem(key)
    monkeypatch.setenv(signing.KEY_FILE_VAR, str(pem_file))
    monkeypatch.setenv(signing.KEY_TEXT_VAR, "not a key")
    assert signing.public_pem(signing.load_private_key()) == signing.public_pem(key)


def test_the_published_key_is_an_ed25519_public_key_and_no_private_key_is_in_the_repository() -> None:
    assert isinstance(release_key(), Ed25519PublicKey)
    with pytest.raises(SignatureRefused, match="not a PEM public key"):
        load_public_key(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    tracked = subprocess.run(["git", "grep", "-l", "PRIVATE KEY-----"], cwd=PACKAGING.parent,
                             capture_output=True, text=True, check=False).stdout.split()
    assert [f for f in tracked if not f.startswith(("tests/", "packaging/signing.py"))] == []


def test_signing_command_signs_artefacts_built_elsewhere_and_build_needs_a_key(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    pem_file = tmp_path / "release.key"
    pem_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    setup = tmp_path / "ecrm-setup-9.9.9.exe"
    setup.write_bytes(b"MZ installer")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECRM_RELEASE_KEY")}
    signed = subprocess.run([sys.executable, str(PACKAGING / "signing.py"), "--out", str(tmp_path), str(setup)],
                            env={**env, signing.KEY_FILE_VAR: str(pem_file)}, capture_output=True, text=True,
                            check=False)
    assert signed.returncode == 0, signed.stderr
    verify(setup, key.public_key())
    unsigned = subprocess.run([sys.executable, str(PACKAGING / "build.py"), "--out", str(tmp_path / "dist")],
                              env=env, capture_output=True, text=True, check=False)
    assert unsigned.returncode == 2 and "No release key" in unsigned.stderr
    assert not list((tmp_path / "dist").glob("*.deb"))
