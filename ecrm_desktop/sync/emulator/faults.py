"""Faults the emulator can inject, and the reply type its platform APIs answer with."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False  # drop the connection without answering
    delay: float = 0.0
    length: int | None = None  # a Content-Length longer than the body: the connection drops half-way


@dataclass
class Faults:
    """One-shot faults in `script`, consumed by the next requests in turn: "429", "503", "reset", "malformed",
    "slow", "throttle" (Shopify's cost error) or "ok" (no fault); and standing faults below."""

    script: deque[str] = field(default_factory=deque)
    retry_after: float = 1.0
    latency: float = 0.0
    slow_seconds: float = 2.0
    repeat_cursor: bool = False
    duplicate_across_pages: bool = False
    corrupt: set[str] = field(default_factory=set)  # external ids served in a shape that fails validation
    bulk_outcome: str | None = None  # how bulk operations end: "FAILED:<errorCode>", "CANCELED", "EXPIRED"
    bulk_refusals: int = 0  # bulk result downloads still to refuse with 403 (an expired signed URL)
    bulk_drops: int = 0  # bulk result downloads still to cut off half-way
    bulk_malformed_lines: set[int] = field(default_factory=set)  # bulk result lines (from 0) sent truncated
    on_request: Callable[[int], None] | None = None  # called with each request's number before it is answered
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next(self) -> tuple[int, str | None]:
        """Count the request; its number and the one-shot fault it gets, if any."""
        with self._lock:
            self.requests += 1
            fault = self.script.popleft() if self.script else None
            number = self.requests
        if self.on_request is not None:
            self.on_request(number)
        return number, None if fault == "ok" else fault

    def inject(self, *faults: str) -> None:
        with self._lock:
            self.script.extend(faults)
