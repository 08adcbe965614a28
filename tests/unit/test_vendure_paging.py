"""The Vendure connector's paging and auth against a small in-process stand-in of the Admin API that applies
`skip`, `take`, the strict `updatedAt.after` filter and the (updatedAt, id) sort as Vendure does, with
one-second times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from ecrm_desktop.sync.errors import StoreAuthFailed
from ecrm_desktop.sync.pages import Checkpoint, Page, Resource
from ecrm_desktop.sync.vendure import VendureConnector
from tests.sync_support import FAST

T0 = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


class FakeAdminApi:
    """Customers with one-second `updatedAt` times; a bearer token from `login`; FORBIDDEN without it."""

    def __init__(self) -> None:
        self.customers: list[dict[str, Any]] = []
        self.tokens_issued = 0
        self.forbid_everything = False
        self.requests = 0

    def add(self, ident: int, at: datetime, email: str | None = None) -> None:
        self.customers = [c for c in self.customers if c["id"] != str(ident)]
        self.customers.append({"id": str(ident), "createdAt": _iso(T0), "updatedAt": _iso(at),
                               "firstName": f"F{ident}", "lastName": "L",
                               "emailAddress": email or f"c{ident}@example.com", "groups": [], "addresses": []})

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        body = json.loads(request.content)
        if "login(" in body["query"]:
            self.tokens_issued += 1
            return httpx.Response(200, json={"data": {"login": {"__typename": "CurrentUser", "id": "1"}}},
                                  headers={"vendure-auth-token": f"token-{self.tokens_issued}"})
        if self.forbid_everything or request.headers.get("Authorization") != f"Bearer token-{self.tokens_issued}":
            return httpx.Response(200, json={"errors": [{"message": "You are not currently authorized",
                                                         "extensions": {"code": "FORBIDDEN"}}], "data": None})
        options = body["variables"]["options"]
        after = ((options.get("filter") or {}).get("updatedAt") or {}).get("after")
        rows = [c for c in self.customers
                if after is None or _when(c["updatedAt"]) > _when(after).replace(microsecond=0)]
        rows.sort(key=lambda c: (c["updatedAt"], int(c["id"])))
        skip, take = options.get("skip", 0), options["take"]
        return httpx.Response(200, json={"data": {"customers": {"items": rows[skip:skip + take],
                                                                "totalItems": len(rows)}}})


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _connector(api: FakeAdminApi, page_size: int = 100) -> VendureConnector:
    return VendureConnector("http://127.0.0.1:1", "admin", "pw", options=FAST, page_size=page_size,
                            transport=httpx.MockTransport(api.handle))


def _pass(connector: VendureConnector, checkpoint: Checkpoint) -> tuple[list[str], Checkpoint]:
    pages: list[Page] = list(connector.pages(Resource.CUSTOMERS, checkpoint))
    return [r.external_id for p in pages for r in p.records], pages[-1].checkpoint


def test_more_records_in_one_second_than_a_page_holds_page_through_once() -> None:
    api = FakeAdminApi()
    for i in range(1, 251):
        api.add(i, T0)
    for i in range(251, 254):
        api.add(i, T0 + timedelta(seconds=1))
    ids, checkpoint = _pass(_connector(api), Checkpoint())
    assert ids == [str(i) for i in range(1, 254)]
    assert checkpoint.position is None and checkpoint.since == T0 + timedelta(seconds=1)


def test_the_next_pass_starts_at_the_last_second_seen_and_skips_what_it_had() -> None:
    api = FakeAdminApi()
    for i in range(1, 6):
        api.add(i, T0)
    connector = _connector(api, page_size=2)
    _, checkpoint = _pass(connector, Checkpoint())
    api.add(6, T0)  # written in the same second as the last record the first pass saw
    api.add(2, T0 + timedelta(seconds=3))
    ids, _ = _pass(connector, checkpoint)
    # the second pass reads again from that second (at or after): the unchanged ones come again, harmlessly
    assert {"6", "2"} <= set(ids) and len(ids) == len(set(ids))


def test_an_expired_session_logs_in_again_once() -> None:
    api = FakeAdminApi()
    api.add(1, T0)
    connector = _connector(api)
    _pass(connector, Checkpoint())
    api.tokens_issued += 1  # the server forgot the session
    ids, _ = _pass(connector, Checkpoint())
    assert ids == ["1"] and api.tokens_issued == 3


def test_forbidden_after_a_fresh_login_is_an_auth_error() -> None:
    api = FakeAdminApi()
    api.forbid_everything = True
    with pytest.raises(StoreAuthFailed, match="FORBIDDEN"):
        _pass(_connector(api), Checkpoint())
    assert api.tokens_issued == 2  # one login, one more after the first refusal, then it stops


def test_a_refused_login_names_the_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"login": {"__typename": "InvalidCredentialsError",
                                                            "errorCode": "INVALID_CREDENTIALS_ERROR"}}})

    connector = VendureConnector("http://127.0.0.1:1", "admin", "wrong", options=FAST,
                                 transport=httpx.MockTransport(refuse))
    with pytest.raises(StoreAuthFailed, match="INVALID_CREDENTIALS_ERROR") as caught:
        connector.check()
    assert "wrong" not in str(caught.value)


def test_a_malformed_customer_is_quarantined_with_its_payload_and_the_rest_kept() -> None:
    api = FakeAdminApi()
    api.add(1, T0)
    api.add(2, T0, email="no at sign")
    api.customers.append({"id": "3", "updatedAt": _iso(T0)})  # no email, no createdAt
    pages = list(_connector(api).pages(Resource.CUSTOMERS, Checkpoint()))
    assert [r.external_id for p in pages for r in p.records] == ["1"]
    held = {q.external_id: q for p in pages for q in p.quarantined}
    assert set(held) == {"2", "3"}
    assert json.loads(held["2"].payload)["emailAddress"] == "no at sign"
    assert "emailAddress" in held["3"].reason and "createdAt" in held["3"].reason
