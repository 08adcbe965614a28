"""The log's redaction and rotation: personal data and secrets never reach the file, tracebacks included."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecrm_desktop.services.log_files import LOG_NAME, configure_logging, redact


@pytest.mark.parametrize("text", [
    "sync failed for Ada.Lovelace+shop@example.co.uk today",
    "token=shpat_0123456789abcdef", "Authorization: Bearer abc.def", "password = hunter2-is-long",
    "key 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "call +44 20 7946 0958 now",
    "ck_0a1b2c3d4e5f cs_99ffee",
])
def test_redact_removes_personal_data_and_secrets(text: str) -> None:
    out = redact(text)
    assert "[redacted]" in out
    for secret in ("Lovelace", "shpat_", "abc.def", "hunter2", "9f86d08188", "7946", "ck_0a", "cs_99"):
        assert secret not in out


def test_redact_keeps_ordinary_text() -> None:
    text = "synced 1,204 orders of store 3 in 2.5 s on 2026-12-03 04:10:00"
    assert redact(text) == text


@pytest.fixture
def clean_root() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    root.handlers = []
    yield root
    for h in root.handlers:
        h.close()
    root.handlers, root.level = saved, level


def test_the_log_file_is_private_and_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              clean_root: logging.Logger) -> None:
    monkeypatch.setenv("ECRM_LOG_DIR", str(tmp_path / "logs"))
    path = configure_logging()
    assert path == tmp_path / "logs" / LOG_NAME and configure_logging() is None  # idempotent
    log = logging.getLogger("ecrm.test")
    log.info("customer %s signed up", "grace@example.com")
    try:
        raise ValueError("bad row for grace@example.com")
    except ValueError:
        log.exception("import failed")
    for h in clean_root.handlers:
        h.flush()
    text = path.read_text()
    assert "signed up" in text and "Traceback" in text and "grace@example.com" not in text
    assert path.stat().st_mode & 0o777 == 0o600
