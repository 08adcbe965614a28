"""Checking what the release key signed: detached Ed25519 signatures and `SHA256SUMS` lists.

A signature file holds the 64-byte Ed25519 signature in base64 on one line; public keys are PEM
(SubjectPublicKeyInfo), so OpenSSL can check them too. Signing lives in `packaging/`, never in the app.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from ecrm_desktop.domain.errors import EcrmError

RELEASE_KEY = Path(__file__).parents[1] / "release_key.pub"  # the published key, shipped inside the app
CHUNK = 1 << 20


class SignatureRefused(EcrmError):
    """A signature, checksum or key did not check out; the message says which file."""


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    """The Ed25519 public key in `pem`; refuses any other kind of key."""
    try:
        key = load_pem_public_key(pem)
    except ValueError as exc:
        raise SignatureRefused("The public key file is not a PEM public key.") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureRefused("The public key is not an Ed25519 key.")
    return key


def release_key() -> Ed25519PublicKey:
    """The release public key this copy of ecrm was built with."""
    return load_public_key(RELEASE_KEY.read_bytes())


def signature_valid(key: Ed25519PublicKey, data: bytes, signature: bytes) -> bool:
    """True when `signature` (the base64 text of a signature file) is the key's signature of `data`."""
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
        key.verify(raw, data)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def parse_sums(text: str) -> dict[str, str]:
    """`SHA256SUMS` lines (`<hex>  <name>` or `<hex> *<name>`, as `sha256sum` writes them) as {name: hex}."""
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        digest, mode, name = line[:64], line[64:66], line[66:]
        if mode not in ("  ", " *") or not re.fullmatch(r"[0-9a-fA-F]{64}", digest) or not re.fullmatch(
                r"[^/\\]+", name) or name in (".", ".."):
            raise SignatureRefused(f"Line {number} of SHA256SUMS is not '<sha256>  <file name>'.")
        sums[name] = digest.lower()
    return sums


def verify_download(path: Path, sums_file: Path, signature_file: Path, key: Ed25519PublicKey) -> None:
    """Check that `sums_file` is signed by `key` and lists `path` with its SHA-256; raises SignatureRefused."""
    sums_bytes = sums_file.read_bytes()
    if not signature_valid(key, sums_bytes, signature_file.read_bytes()):
        raise SignatureRefused(f"{sums_file.name} is not signed by this release key; do not install {path.name}.")
    listed = parse_sums(sums_bytes.decode("utf-8")).get(path.name)
    if listed is None:
        raise SignatureRefused(f"{path.name} is not listed in {sums_file.name}.")
    if sha256_of(path) != listed:
        raise SignatureRefused(f"{path.name} does not match its checksum: the download is damaged or altered.")
