"""The polite client, store addresses and checkpoints, without a server (httpx's mock transport)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from ecrm_desktop.domain.records import CustomerRecord
from ecrm_desktop.sync.errors import InsecureStoreUrl, MalformedResponse, StoreAuthFailed, StoreUnreachable, SyncError
from ecrm_desktop.sync.http import HttpOptions, PoliteClient
from ecrm_desktop.sync.pages import SKEW_MARGIN, Checkpoint
from ecrm_desktop.sync.urls import store_base_url

TOKEN = "shpat_secret_value"


def _client(answers: list[httpx.Response], waits: list[float]) -> PoliteClient:
    replies = iter(answers)
    options = HttpOptions(attempts=3, backoff_base=1.0, backoff_cap=3.0, sleep=waits.append,
                          jitter=lambda ceiling: ceiling)
    return PoliteClient("https://shop.example.com", headers={"X-Shopify-Access-Token": TOKEN}, options=options,
                        transport=httpx.MockTransport(lambda request: next(replies)))


def test_backoff_is_exponential_and_retry_after_is_honoured_even_as_a_date() -> None:
    waits: list[float] = []
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    client = _client([httpx.Response(503), httpx.Response(429, headers={"Retry-After": later}),
                      httpx.Response(200, json={"ok": True})], waits)
    assert client.request_json("GET", "/x").body == {"ok": True}
    assert waits[0] == pytest.approx(1.0, abs=0.05) and 25 < waits[1] <= 30


def test_final_failures_are_one_sentence_without_the_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    cases: list[tuple[list[httpx.Response], type[SyncError]]] = [
        ([httpx.Response(401)], StoreAuthFailed),
        ([httpx.Response(500)] * 3, StoreUnreachable),
        ([httpx.Response(200, content=b'{"trunc')] * 3, MalformedResponse),
        ([httpx.Response(404, json={"message": "No such route"})], SyncError),
    ]
    for answers, error in cases:
        with pytest.raises(error) as caught:
            _client(answers, []).request_json("GET", "/x")
        assert "\n" not in str(caught.value) and TOKEN not in str(caught.value)
    assert "No such route" in str(caught.value)
    assert TOKEN not in caplog.text


@pytest.mark.parametrize("url", ["http://shop.example.com", "ftp://shop.example.com", "https://u:p@shop.example.com",
                                 "http://10.0.0.1:8080"])
def test_insecure_or_odd_addresses_are_refused(url: str) -> None:
    with pytest.raises(InsecureStoreUrl):
        store_base_url(url)


def test_https_and_loopback_addresses_are_accepted() -> None:
    assert store_base_url("shop.myshopify.com/") == "https://shop.myshopify.com"
    assert store_base_url("http://127.0.0.1:8123") == "http://127.0.0.1:8123"
    assert store_base_url("http://[::1]:80/") == "http://[::1]:80"
    assert store_base_url("http://localhost:9/shop/") == "http://localhost:9/shop"


def test_a_pass_ends_at_the_latest_change_seen_but_never_after_its_start() -> None:
    start = datetime(2026, 1, 10, tzinfo=UTC)
    old, new = (CustomerRecord(external_id=str(i), created_at=t, updated_at=t)
                for i, t in enumerate((datetime(2025, 5, 1, tzinfo=UTC), start + timedelta(minutes=1))))
    cp = Checkpoint().begin(start).after_page("c1", [old])
    assert Checkpoint.loads(cp.dumps()) == cp and cp.position == "c1"
    # a first pass read every record: it counts as a reconciliation of deletions at its start
    assert cp.after_page(None, []) == Checkpoint(since=old.updated_at, reconciled=start)
    assert cp.after_page(None, [new]) == Checkpoint(since=start - SKEW_MARGIN, reconciled=start)
    later = Checkpoint(since=old.updated_at, reconciled=start).begin(start + timedelta(hours=1))
    assert later.after_page(None, [new]).reconciled == start  # a later pass keeps the last reconciliation
    assert cp.begin(start + timedelta(days=1)) == cp  # a pass under way keeps its start
