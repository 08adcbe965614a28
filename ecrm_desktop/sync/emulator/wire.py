"""What both emulated APIs put on the wire: money strings, timestamps, JSON replies and fault replies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ecrm_desktop.sync.emulator.faults import Faults, Reply

JSON = {"Content-Type": "application/json; charset=utf-8"}


def money(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def iso(value: datetime | None, zulu: bool = True) -> str | None:
    """ISO 8601 in UTC: "2025-01-01T00:00:00Z" (Shopify) or, with `zulu=False`, without an offset (Woo `*_gmt`)."""
    if value is None:
        return None
    text = value.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()
    return text + "Z" if zulu else text


def json_reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(body).encode(), {**JSON, **(headers or {})})


def fault_reply(fault: str | None, faults: Faults, ok: Reply | None = None) -> Reply | None:
    """The reply a one-shot fault stands for (None: answer normally); "malformed" truncates `ok` and "slow"
    delays it."""
    if fault == "429":
        return json_reply({"errors": "Exceeded the rate limit."}, 429, {"Retry-After": f"{faults.retry_after:g}"})
    if fault == "503":
        return json_reply({"errors": "Service unavailable."}, 503)
    if fault == "reset":
        return Reply(0, b"", reset=True)
    if fault == "malformed" and ok is not None:
        return Reply(ok.status, ok.body[: max(1, len(ok.body) // 2)], ok.headers)
    if fault == "slow" and ok is not None:
        return Reply(ok.status, ok.body, ok.headers, delay=faults.slow_seconds)
    return None
