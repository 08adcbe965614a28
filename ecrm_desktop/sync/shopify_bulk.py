"""Shopify bulk operations, for the first sync of a large shop: start a bulk query, poll it (`bulkOperation(id:)`)
until it is finished, then stream its JSONL result line by line (never whole into memory), putting each record
back together with the rows of its nested connections (lines carrying `__parentId`).

A place in a result is the operation's id and a line number, so a sync stopped between two pages resumes on the
line where the next record starts; a result that is gone (expired operation, refused download) is redone by a
new operation, whose records simply overwrite the ones already written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from ecrm_desktop.sync import shopify_queries as q
from ecrm_desktop.sync.errors import StoreUnreachable, SyncError
from ecrm_desktop.sync.http import HttpOptions
from ecrm_desktop.sync.pages import Quarantined, Resource
from ecrm_desktop.sync.parsing import legacy_id

DOCUMENTS = {Resource.CUSTOMERS: q.BULK_CUSTOMERS, Resource.ORDERS: q.BULK_ORDERS,
             Resource.PRODUCTS: q.BULK_PRODUCTS}
# Where a nested row goes in its parent, by the kind of its id.
_CONNECTION_OF = {"MailingAddress": "addressesV2", "LineItem": "lineItems", "RefundLineItem": "refundLineItems",
                  "ProductVariant": "variants"}
FIRST_POLL = 0.2
LONGEST_POLL = 10.0
_GONE = (401, 403, 404, 410)

log = logging.getLogger(__name__)

GraphQL = Callable[[str, dict[str, Any]], dict[str, Any]]


class ResultGone(Exception):
    """The operation's result cannot be had any more (expired, or its download refused): start a new one."""


@dataclass(frozen=True)
class BulkPosition:
    """Where a sync stands in a bulk result: the operation and the line the next record starts on."""

    operation: str
    line: int = 0

    def dumps(self) -> str:
        return json.dumps({"bulk": self.operation, "line": self.line})

    @classmethod
    def loads(cls, text: str | None) -> BulkPosition | None:
        """The position a checkpoint holds, or None when it holds a paginated cursor (or nothing)."""
        if not text or not text.startswith('{"bulk"'):
            return None
        raw = json.loads(text)
        return cls(str(raw["bulk"]), int(raw["line"]))


@dataclass
class Group:
    """One record with its nested rows (lines `start` to `end`, end excluded), and the lines that could not be
    read among them."""

    start: int
    end: int
    payload: dict[str, Any] | None = None
    problems: list[Quarantined] = field(default_factory=list)


class BulkReader:
    """Runs and reads bulk operations of one shop through the connector's `graphql`."""

    def __init__(self, graphql: GraphQL, host: str, options: HttpOptions) -> None:
        self.graphql = graphql
        self.host = host
        self.options = options

    def start(self, resource: Resource, document: str | None = None) -> str:
        """Start a bulk query of `resource` (its records, or the given `document`); the operation's id."""
        query = document or DOCUMENTS[resource]
        payload = self.graphql(q.BULK_RUN, {"query": query}).get("bulkOperationRunQuery") or {}
        operation = payload.get("bulkOperation") if isinstance(payload, dict) else None
        if not isinstance(operation, dict) or not operation.get("id"):
            errors = payload.get("userErrors") if isinstance(payload, dict) else None
            text = "; ".join(str(e.get("message"))[:200] for e in errors or [] if isinstance(e, dict))
            raise SyncError(f"The Shopify store at {self.host} would not start a bulk export of "
                            f"{resource.value} ({text or 'no reason given'}).")
        return str(operation["id"])

    def wait(self, operation: str, resource: Resource) -> str | None:
        """Poll until the operation is finished; its result URL (None when it found no records)."""
        delay = FIRST_POLL
        while True:
            op = self.graphql(q.BULK_POLL, {"id": operation}).get("bulkOperation")
            if not isinstance(op, dict):
                raise ResultGone
            status = op.get("status")
            if status == "COMPLETED":
                url = op.get("url")
                return str(url) if url else None
            if status == "EXPIRED":
                raise ResultGone
            if status in ("FAILED", "CANCELED", "CANCELING"):
                code = op.get("errorCode")
                raise SyncError(f"Shopify's bulk export of {resource.value} ended {str(status).lower()}"
                                f"{f' ({code})' if code else ''}; try the sync again later.")
            self.options.sleep(delay)
            delay = min(LONGEST_POLL, delay * 2)

    def lines(self, url: str, skip: int) -> Iterator[tuple[int, str]]:
        """The result's lines from line `skip` on, numbered from 0, streamed; a dropped download resumes at the
        line it stopped on (`attempts` drops in a row without a new line give up)."""
        following = skip
        o = self.options
        failures = 0
        # A signed storage URL: no store credentials go with it.
        with httpx.Client(timeout=httpx.Timeout(o.timeout, connect=o.connect_timeout)) as client:
            while True:
                start = following
                try:
                    with client.stream("GET", url) as response:
                        if response.status_code in _GONE:
                            raise ResultGone
                        if response.status_code < 400:
                            for number, text in enumerate(response.iter_lines()):
                                if number >= following:
                                    following = number + 1
                                    yield number, text
                            return
                except httpx.TransportError as exc:
                    log.info("bulk result download from %s dropped (%s)", self.host, type(exc).__name__)
                failures = 0 if following > start else failures + 1
                if failures >= o.attempts:
                    raise StoreUnreachable(f"The download of a Shopify bulk export from {self.host} kept failing; "
                                           "try again later.")
                o.sleep(o.jitter(min(o.backoff_cap, o.backoff_base * 2 ** failures)))


def groups(lines: Iterable[tuple[int, str]]) -> Iterator[Group]:
    """Put records back together: each top-level line with the nested rows after it. A line that is not JSON,
    or a nested row whose record is unknown, becomes a problem of the group it falls in."""
    current: Group | None = None
    index: dict[str, dict[str, Any]] = {}
    last = -1
    for number, text in lines:
        last = number
        if not text.strip():
            continue
        try:
            row = json.loads(text)
            if not isinstance(row, dict):
                raise ValueError("not an object")
        except ValueError:
            current = current or Group(number, number)
            current.problems.append(Quarantined(None, text[:2000], f"line {number + 1} of the bulk export is "
                                                                   "not a JSON object"))
            continue
        parent = row.pop("__parentId", None)
        if parent is None:
            if current is not None:
                current.end = number
                yield current
            current, index = Group(number, number, row), {}
            _index(row, index)
            continue
        holder = index.get(str(parent))
        key = _CONNECTION_OF.get(_kind(row.get("id")))
        if holder is None or key is None:
            current = current or Group(number, number)
            current.problems.append(Quarantined(
                legacy_id(str(row.get("id"))) if row.get("id") else None, text[:2000],
                f"line {number + 1} of the bulk export is a nested row of a record that could not be read"))
            continue
        holder.setdefault(key, {"nodes": []})["nodes"].append(row)
        _index(row, index)
    if current is not None:
        current.end = last + 1
        yield current


def _index(value: Any, index: dict[str, dict[str, Any]]) -> None:
    """Remember every object with an id inside `value` (a refund inside an order holds refund line rows)."""
    if isinstance(value, list):
        for v in value:
            _index(v, index)
    elif isinstance(value, dict):
        if isinstance(value.get("id"), str):
            index.setdefault(value["id"], value)
        for v in value.values():
            if isinstance(v, (dict, list)):
                _index(v, index)


def _kind(gid: Any) -> str:
    """"LineItem" of "gid://shopify/LineItem/7" ("" when it is no Shopify id)."""
    parts = str(gid).split("/")
    return parts[3] if len(parts) > 4 and parts[2] == "shopify" else ""
