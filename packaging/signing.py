"""Release signing: the private key comes from a file or the environment, never from the repository.

Where the key comes from, in order: `--key PATH`; `ECRM_RELEASE_KEY_FILE` (a path); `ECRM_RELEASE_KEY` (the PEM
text itself, as CI secret stores hand it over). A test build may ask for a throw-away key instead: it is made in
a temporary folder and only its public half is kept, beside the artefacts, so they can be checked.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ecrm_desktop.services.release_signatures import sha256_of

KEY_FILE_VAR, KEY_TEXT_VAR = "ECRM_RELEASE_KEY_FILE", "ECRM_RELEASE_KEY"
SUMS = "SHA256SUMS"


class NoReleaseKey(Exception):
    """No private key was given; the message says how to give one."""


def load_private_key(path: Path | None = None) -> Ed25519PrivateKey:
    """The release key from `path`, `ECRM_RELEASE_KEY_FILE` or `ECRM_RELEASE_KEY` (PEM, unencrypted)."""
    if path is None and os.environ.get(KEY_FILE_VAR):
        path = Path(os.environ[KEY_FILE_VAR])
    if path is not None:
        pem = path.read_bytes()
    elif os.environ.get(KEY_TEXT_VAR):
        pem = os.environ[KEY_TEXT_VAR].encode()
    else:
        raise NoReleaseKey(f"No release key: pass --key PATH, set {KEY_FILE_VAR} or {KEY_TEXT_VAR}, "
                           "or use --throwaway-key for a test build.")
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise NoReleaseKey("The release key is not an Ed25519 private key.")
    return key


def public_pem(key: Ed25519PrivateKey) -> bytes:
    """The public half as PEM (SubjectPublicKeyInfo), the format `ecrm_desktop/release_key.pub` is in."""
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The detached signature file's content: base64 of the Ed25519 signature, one line."""
    return base64.b64encode(key.sign(data)) + b"\n"


def write_signed_sums(key: Ed25519PrivateKey, files: list[Path], folder: Path) -> tuple[Path, Path]:
    """`SHA256SUMS` of `files` (as `sha256sum` writes it) and its signature `SHA256SUMS.sig`, in `folder`."""
    sums = folder / SUMS
    sums.write_text("".join(f"{sha256_of(f)}  {f.name}\n" for f in sorted(files)), encoding="utf-8")
    signature = folder / f"{SUMS}.sig"
    signature.write_bytes(sign(key, sums.read_bytes()))
    return sums, signature


def main(argv: list[str] | None = None) -> int:
    """`python packaging/signing.py --out DIR FILE...`: SHA256SUMS and its signature for artefacts built
    elsewhere (the Windows and macOS jobs of .github/workflows/installers.yml)."""
    parser = argparse.ArgumentParser(description="Write and sign SHA256SUMS for release files.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--key", type=Path, help=f"Ed25519 private key (PEM); else {KEY_FILE_VAR}/{KEY_TEXT_VAR}")
    args = parser.parse_args(argv)
    try:
        key = load_private_key(args.key)
    except NoReleaseKey as exc:
        print(f"signing: {exc}", file=sys.stderr)
        return 2
    for path in write_signed_sums(key, args.files, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
