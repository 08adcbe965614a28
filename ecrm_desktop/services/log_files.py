"""Logging: a rotating file under the platform's user log folder and stderr, both redacted.

Every line passes through `redact` after formatting (tracebacks included), which blanks email addresses, phone
numbers written with a leading +, store tokens and long hexadecimal keys, and anything after `password=`,
`token=`, `secret=` or `key=`. Code should never log personal data in the first place; this is the net under it.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_log_path

LOG_NAME = "ecrm.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
_SETTING = re.compile(r"(?i)\b(password|passwd|token|secret|api[_-]?key|authorization|key)\b(\s*[=:]\s*)\S+")
_PATTERNS = (
    re.compile(r"(?i)\bbearer\s+\S+"),
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # email addresses
    re.compile(r"\b(?:shpat|shpca|shpss|shppa|ck|cs)_[A-Za-z0-9]+"),  # Shopify and WooCommerce credentials
    re.compile(r"\b[0-9a-fA-F]{32,}\b"),  # raw keys, digests
    re.compile(r"\+\d[\d ()./-]{6,}\d"),  # phone numbers in international form
)


def redact(text: str) -> str:
    """`text` with personal data and secrets replaced by `[redacted]`."""
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return _SETTING.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts the whole text (message, arguments and traceback alike)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log_folder() -> Path:
    """`ECRM_LOG_DIR` when set (portable installs, tests), else the platform's user log folder for ecrm."""
    override = os.environ.get("ECRM_LOG_DIR")
    return Path(override) if override else user_log_path("ecrm", appauthor=False)


def configure_logging(debug: bool = False) -> Path | None:
    """Send the root logger to the rotating log file (INFO, or DEBUG with `debug`) and stderr (WARNING, or DEBUG
    with `debug`), both redacted; returns the log file, or None when its folder cannot be written (then stderr
    alone). Calling it again changes nothing."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, RedactingFormatter) for h in root.handlers):
        return None
    formatter = RedactingFormatter(FORMAT)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.DEBUG if debug else logging.WARNING)
    stderr.setFormatter(formatter)
    root.addHandler(stderr)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    path = log_folder() / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        stderr.handle(logging.makeLogRecord({"levelno": logging.WARNING, "levelname": "WARNING", "name": __name__,
                                             "msg": "the log folder cannot be written; logging to stderr only"}))
        return None
    handler.setLevel(logging.DEBUG if debug else logging.INFO)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    return path
