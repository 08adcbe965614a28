"""The polite HTTP client every connector uses.

Per host it keeps a time before which no request leaves (the pacing a store's own rate-limit signals ask for),
retries what is worth retrying (connect errors, timeouts, resets, 429, 5xx, a truncated JSON body) with bounded
exponential backoff and full jitter, honours `Retry-After`, and turns the rest into one-sentence errors. Tokens
travel only in headers and never appear in a log line or an exception message.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import httpx

from ecrm_desktop.sync.errors import MalformedResponse, StoreAuthFailed, StoreUnreachable, SyncError

log = logging.getLogger(__name__)

JsonValue = Any


@dataclass(frozen=True)
class HttpOptions:
    """Timeouts and retry bounds; `sleep` and `jitter` are seams for tests; `on_wait(seconds)` hears of every
    wait a rate limit or a retry imposes, just before it starts (the Sync screen counts them)."""

    timeout: float = 30.0
    connect_timeout: float = 10.0
    attempts: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    retry_after_cap: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    jitter: Callable[[float], float] = field(default=lambda ceiling: random.uniform(0, ceiling))
    on_wait: Callable[[float], None] | None = None


@dataclass(frozen=True)
class JsonResponse:
    status: int
    headers: httpx.Headers
    body: JsonValue


class PoliteClient:
    """One store's HTTP client: JSON in, JSON out, paced and retried."""

    def __init__(self, base_url: str, *, headers: Mapping[str, str] | None = None,
                 auth: httpx.Auth | tuple[str, str] | None = None, options: HttpOptions | None = None,
                 transport: httpx.BaseTransport | None = None, cookies: bool = True) -> None:
        """`cookies=False` keeps no cookie a store sets (its session then rides only on the headers given)."""
        self.options = options or HttpOptions()
        self.host = urlsplit(base_url).netloc
        jar = None if cookies else CookieJar(DefaultCookiePolicy(allowed_domains=[]))
        self._client = httpx.Client(
            base_url=base_url, headers=dict(headers or {}), auth=auth, transport=transport, cookies=jar,
            timeout=httpx.Timeout(self.options.timeout, connect=self.options.connect_timeout),
            follow_redirects=False)
        self._not_before = 0.0

    def close(self) -> None:
        self._client.close()

    def set_header(self, name: str, value: str | None) -> None:
        """Send `name: value` with every later request (None stops sending it), as a session token needs."""
        if value is None:
            self._client.headers.pop(name, None)
        else:
            self._client.headers[name] = value

    def defer(self, seconds: float) -> None:
        """Send nothing to this host for `seconds` from now (a platform's throttle signal asks for it)."""
        self._not_before = max(self._not_before, time.monotonic() + max(0.0, seconds))

    def request_json(self, method: str, path: str, *, params: Mapping[str, str | int] | None = None,
                     json_body: JsonValue = None) -> JsonResponse:
        """Send until a JSON answer arrives (2xx) or the failure is final; raises a `SyncError` subclass."""
        problem = "no attempt was made"
        for attempt in range(self.options.attempts):
            self._wait_turn()
            try:
                response = self._client.request(method, path, params=params, json=json_body)
            except httpx.TimeoutException:
                problem = "timed out"
                self._back_off(attempt, None)
                continue
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__})"
                self._back_off(attempt, None)
                continue
            status = response.status_code
            if status in (401, 403):
                raise StoreAuthFailed(f"The store at {self.host} refused the credentials (HTTP {status}); "
                                      "check the access token or key and secret.")
            if status == 429 or status >= 500:
                problem = f"answered HTTP {status}"
                self._back_off(attempt, _retry_after(response))
                continue
            if status >= 400:
                raise SyncError(f"The store at {self.host} rejected a request with HTTP {status}"
                                f"{_error_hint(response)}.")
            try:
                body = json.loads(response.content)
            except ValueError:
                problem = "sent a malformed JSON answer"
                self._back_off(attempt, None)
                continue
            return JsonResponse(status, response.headers, body)
        error = MalformedResponse if problem.startswith("sent a malformed") else StoreUnreachable
        raise error(f"The store at {self.host} {problem} {self.options.attempts} times in a row; "
                    "try again later or check its address.")

    def _wait_turn(self) -> None:
        delay = self._not_before - time.monotonic()
        if delay > 0:
            if self.options.on_wait is not None:
                self.options.on_wait(delay)
            self.options.sleep(delay)

    def _back_off(self, attempt: int, retry_after: float | None) -> None:
        if attempt + 1 >= self.options.attempts:
            return
        o = self.options
        if retry_after is not None:
            wait = min(retry_after, o.retry_after_cap)
        else:
            wait = o.jitter(min(o.backoff_cap, o.backoff_base * 2 ** attempt))
        log.info("store %s: retrying in %.2fs (attempt %d)", self.host, wait, attempt + 1)
        self.defer(wait)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _error_hint(response: httpx.Response) -> str:
    """The platform's own error message, when the body carries one (never the request URL)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(body.get("errors"), str):
        message = body["errors"]
    return f": {str(message)[:200]}" if message else ""
