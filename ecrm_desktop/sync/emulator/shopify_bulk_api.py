"""Shopify's bulk operations in the emulator: `bulkOperationRunQuery` snapshots the records the query names,
`bulkOperation(id:)` reports the operation moving from CREATED through RUNNING (while a background thread
runs the query) to its end, and the finished
result is a JSONL file served at a URL of its own (like Shopify's signed storage URL, it needs no token) where
every nested connection row is a line of its own carrying `__parentId`.

Faults (standing, in `Faults`): `bulk_outcome` ends operations FAILED (with an error code), CANCELED or EXPIRED;
`bulk_refusals` answers that many downloads with 403 (an expired signature); `bulk_drops` cuts that many
downloads off half-way; `bulk_malformed_lines` truncates those lines of every result file."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ecrm_desktop.sync.emulator.emulated_store import now
from ecrm_desktop.sync.emulator.faults import Faults, Reply
from ecrm_desktop.sync.emulator.wire import iso

RESULT_PATH = re.compile(r"^/bulk-results/(?P<number>\d+)\.jsonl$")
_ROOT = re.compile(r"^\s*query\b[^{]*\{\s*(\w+)")
_IDS_ONLY = re.compile(r"nodes\s*\{\s*id\s*\}")
POLLS_TO_FINISH = 2  # polls an operation answers before it is finished (CREATED, RUNNING, then the end)

Render = Callable[[str, bool], list[dict[str, Any]]]  # (root, ids only) -> nodes


@dataclass
class _Operation:
    number: int
    created_at: datetime
    lines: list[str] = field(default_factory=list)
    polls: int = 0
    completed_at: datetime | None = None
    ready: threading.Event = field(default_factory=threading.Event)

    @property
    def gid(self) -> str:
        return f"gid://shopify/BulkOperation/{self.number}"


class BulkOperations:
    """The bulk operations of one emulated shop; `render(root)` gives the rendered nodes of a root field."""

    def __init__(self, faults: Faults, render: Render) -> None:
        self.faults = faults
        self.render = render
        self.downloads = 0
        self._operations: dict[int, _Operation] = {}
        self._lock = threading.Lock()

    @property
    def started(self) -> int:
        """How many bulk operations were started."""
        return len(self._operations)

    def run(self, query: str) -> dict[str, Any]:
        """The `bulkOperationRunQuery` payload: a new operation over a snapshot of the records queried."""
        match = _ROOT.match(query)
        root = match.group(1) if match else ""
        if root not in ("customers", "orders", "products"):
            return {"bulkOperation": None, "userErrors": [
                {"field": ["query"], "message": f"The emulator cannot run a bulk query on {root!r}.",
                 "code": "INVALID"}]}
        with self._lock:
            op = _Operation(len(self._operations) + 1, now())
            self._operations[op.number] = op
        ids_only = _IDS_ONLY.search(query) is not None
        threading.Thread(target=self._export, args=(op, root, ids_only), name="ecrm-emulator-bulk",
                         daemon=True).start()
        return {"bulkOperation": {"id": op.gid, "status": "CREATED", "createdAt": iso(op.created_at)},
                "userErrors": []}

    def poll(self, gid: str, host: str) -> dict[str, Any] | None:
        """The `bulkOperation(id:)` answer: each poll moves the operation one step on."""
        op = self._find(gid)
        if op is None:
            return None
        with self._lock:
            op.polls += 1
            finished = op.polls >= POLLS_TO_FINISH and op.ready.is_set()
            if finished and op.completed_at is None:
                op.completed_at = now()
        status, code = ("RUNNING", None) if not finished else _outcome(self.faults.bulk_outcome)
        done = status == "COMPLETED"
        count = len(op.lines) if done else len(op.lines) // 2 if status == "RUNNING" else 0
        return {"id": op.gid, "status": status, "errorCode": code, "createdAt": iso(op.created_at),
                "completedAt": iso(op.completed_at), "objectCount": str(count),
                "url": f"http://{host}/bulk-results/{op.number}.jsonl?signature=emulated" if done else None}

    def download(self, path: str) -> Reply | None:
        """The result file at `path` (None when the path is not a result's)."""
        match = RESULT_PATH.match(path.split("?", 1)[0])
        if match is None:
            return None
        op = self._operations.get(int(match["number"]))
        with self._lock:
            self.downloads += 1
            refuse = self.faults.bulk_refusals > 0
            if refuse:
                self.faults.bulk_refusals -= 1
        if op is None or op.completed_at is None or refuse:
            return Reply(403, b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
                         {"Content-Type": "application/xml"})
        bad = self.faults.bulk_malformed_lines
        body = "".join((line[: len(line) // 2] if i in bad else line) + "\n" for i, line in enumerate(op.lines))
        data = body.encode()
        with self._lock:
            drop = self.faults.bulk_drops > 0
            if drop:
                self.faults.bulk_drops -= 1
        headers = {"Content-Type": "application/jsonl"}
        return Reply(200, data[: len(data) // 2], headers, length=len(data)) if drop else Reply(200, data, headers)

    def _export(self, op: _Operation, root: str, ids_only: bool) -> None:
        """Run the query in the background, as Shopify does; polls say RUNNING until it is done."""
        op.lines = [json.dumps(line) for node in self.render(root, ids_only) for line in flatten(node)]
        op.ready.set()

    def _find(self, gid: str) -> _Operation | None:
        number = gid.rsplit("/", 1)[-1]
        return self._operations.get(int(number)) if number.isdigit() else None


def _outcome(fault: str | None) -> tuple[str, str | None]:
    """("COMPLETED", None) or the status and error code a `bulk_outcome` fault ("FAILED:ACCESS_DENIED",
    "CANCELED", "EXPIRED") asks for."""
    if not fault:
        return "COMPLETED", None
    status, _, code = fault.partition(":")
    return status, code or None


def flatten(node: dict[str, Any], parent: str | None = None) -> Iterator[dict[str, Any]]:
    """A node as bulk JSONL lines: the node without its connections (marked with `__parentId` when it is a
    child), then the rows of each connection, found anywhere inside it, as lines of their own."""
    children: list[tuple[str, dict[str, Any]]] = []
    own = _strip(node, str(node.get("id")), children)
    yield own if parent is None else {**own, "__parentId": parent}
    for owner, child in children:
        yield from flatten(child, owner)


def _strip(value: Any, owner: str, children: list[tuple[str, dict[str, Any]]]) -> Any:
    if isinstance(value, list):
        return [_strip(v, owner, children) for v in value]
    if not isinstance(value, dict):
        return value
    here = str(value["id"]) if "id" in value else owner
    out = {}
    for key, v in value.items():
        if isinstance(v, dict) and set(v) == {"nodes"}:
            children.extend((here, c) for c in v["nodes"])
        else:
            out[key] = _strip(v, here, children)
    return out
