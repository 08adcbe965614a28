"""The inbox at 200,000 tickets: open it, switch views, search and open a ticket, as the screen's jobs do.

Makes (or reuses) an encrypted workspace with a small demo store, adds TICKETS generated tickets (one message
each, a third of them tagged, spread over two years and every status), then times the service calls behind each
inbox action: the first paint (view counts, the list's count and first page of 100), each view, searches (a word
of the subject, an email prefix, a ticket number), a page deep in the Solved view and opening one conversation with
its customer sidebar. Medians of warm runs are printed as JSON and written between the `inbox` markers of
benchmarks/RESULTS.md (the rest of the file is kept). Target: every action under 200 ms.

Usage: .venv/bin/python benchmarks/inbox_benchmark.py [--workspace DIR] [--tickets 200000] [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import results_file

from ecrm_desktop.domain.enums import TicketPriority
from ecrm_desktop.domain.helpdesk.inbox import InboxView, TicketQuery
from ecrm_desktop.domain.helpdesk.sla import DEFAULT_TARGETS
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.inbox_sidebar import SenderService
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService

PASSWORD = "inbox-bench-2026"
TARGET_MS = 200
PAGE = 100
TOPICS = ("Where is my order #{n}", "Return label for order #{n}", "Refund for order #{n}",
          "Damaged parcel - order #{n}", "Change of address for order #{n}", "Discount code {w} not working",
          "Size advice for the {w} jacket", "Invoice needed for order #{n}", "Cancel order #{n}",
          "Question about the {w} boots")
WORDS = ("Summit", "Harbour", "Meadow", "Nordic", "Heritage", "Driftwood", "Alpine", "Coastal")
TAGS = ("shipping", "returns", "refund", "damaged", "address-change", "discount", "sizing", "billing")
STATUS_SHARE = (("SOLVED", 0.80), ("OPEN", 0.10), ("PENDING", 0.07), ("SNOOZED", 0.03))


def log(text: str) -> None:
    print(text, flush=True, file=sys.stderr)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def add_tickets(session: UserSession, count: int, seed: int = 7) -> None:
    """`count` tickets with a message each, written in one transaction through the raw connection."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    with session.workspace.engine.begin() as conn:
        customers = conn.exec_driver_sql("SELECT id, email, first_name || ' ' || last_name FROM customers "
                                         "WHERE email IS NOT NULL").all()
        users = [r[0] for r in conn.exec_driver_sql("SELECT id FROM users").all()]
        first = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM tickets").scalar_one()) + 1
        tags = []
        for name in TAGS:
            conn.exec_driver_sql("INSERT OR IGNORE INTO tags (name) VALUES (?)", (name,))
            tags.append(int(conn.exec_driver_sql("SELECT id FROM tags WHERE name = ?", (name,)).scalar_one()))
        tickets, messages, tagged = [], [], []
        for k in range(count):
            ticket_id = first + k
            created = now - timedelta(minutes=rng.randint(1, 2 * 365 * 24 * 60))
            status = rng.choices([s for s, _ in STATUS_SHARE], [w for _, w in STATUS_SHARE])[0]
            priority = rng.choices(list(TicketPriority), [0.15, 0.65, 0.15, 0.05])[0]
            target = DEFAULT_TARGETS[priority]
            first_due = created + timedelta(minutes=target.first_response_minutes)
            resolve_due = created + timedelta(minutes=target.resolution_minutes)
            answered = status == "SOLVED" or rng.random() < 0.5
            due = None if status == "SOLVED" else (resolve_due if answered else first_due)
            known: tuple[Any, ...] = tuple(rng.choice(customers)) if rng.random() < 0.85 else (
                None, f"stranger{k}@example.net", None)
            cid, email, name = known
            subject = rng.choice(TOPICS).format(n=rng.randint(1000, 99999), w=rng.choice(WORDS))
            tickets.append((ticket_id, subject, status, priority.value, "EMAIL", email, name, cid,
                            rng.choice(users) if status != "OPEN" or rng.random() < 0.4 else None,
                            iso(created), iso(created + timedelta(hours=2)),
                            iso(created + timedelta(hours=1)) if answered else None, iso(first_due),
                            iso(resolve_due), iso(created + timedelta(days=1)) if status == "SOLVED" else None,
                            iso(now + timedelta(days=2)) if status == "SNOOZED" else None,
                            iso(due) if due else None))
            messages.append((ticket_id, "INBOUND", email, f"Hello, about this: {subject}. Thanks!", iso(created)))
            if rng.random() < 0.35:
                tagged.append((ticket_id, rng.choice(tags)))
        conn.exec_driver_sql(
            "INSERT INTO tickets (id, subject, status, priority, channel, requester_email, requester_name, "
            "customer_id, assignee_id, created_at, updated_at, first_response_at, first_response_due_at, "
            "resolution_due_at, solved_at, snoozed_until, sla_due_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tickets)
        conn.exec_driver_sql("INSERT INTO ticket_messages (ticket_id, kind, author, body_text, sent_at) "
                             "VALUES (?, ?, ?, ?, ?)", messages)
        conn.exec_driver_sql("INSERT INTO ticket_tags (ticket_id, tag_id) VALUES (?, ?)", tagged)
        conn.exec_driver_sql("ANALYZE")


def timed(action: Callable[[], Any], runs: int) -> tuple[float, Any]:
    action()  # warm
    times = []
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def listing(tickets: TicketService, query: TicketQuery, offset: int = 0) -> int:
    """What the list does for a view: count it and fetch one page."""
    total = tickets.count(query)
    tickets.page(query, offset, PAGE)
    return total


def _view(tickets: TicketService, view: InboxView) -> Callable[[], int]:
    return lambda: listing(tickets, TicketQuery(view))


def measure(session: UserSession, runs: int) -> dict[str, Any]:
    tickets, senders = TicketService(session), SenderService(session)
    some = tickets.page(TicketQuery(InboxView.OPEN), 0, 1)[0]
    actions: dict[str, Callable[[], Any]] = {
        "open inbox (view counts, All open count and first page)": lambda: (
            tickets.view_counts(), listing(tickets, TicketQuery(InboxView.OPEN)))[1],
        "tag views' counts (the job after)": lambda: len(tickets.tag_counts()),
        **{f"switch to {v.value}": _view(tickets, v) for v in (
            InboxView.UNASSIGNED, InboxView.MINE, InboxView.PENDING, InboxView.SNOOZED, InboxView.SOLVED)},
        "switch to Tag: shipping": lambda: listing(tickets, TicketQuery(InboxView.TAG, tag="shipping")),
        "switch to Priority: Urgent": lambda: listing(tickets, TicketQuery(InboxView.PRIORITY,
                                                                           priority=TicketPriority.URGENT)),
        "search a subject word (All open)": lambda: listing(tickets, TicketQuery(InboxView.OPEN, search="Meadow")),
        "search a subject word (Solved)": lambda: listing(tickets, TicketQuery(InboxView.SOLVED, search="Meadow")),
        "search a requester's name (Solved)": lambda: listing(
            tickets, TicketQuery(InboxView.SOLVED, search=(some.requester_name or "anna").split()[0])),
        "search an email address (All)": lambda: listing(
            tickets, TicketQuery(InboxView.ALL, search=some.requester_email or "a@example.com")),
        "search a ticket number": lambda: listing(tickets, TicketQuery(InboxView.SOLVED, search=f"#{some.id}")),
        "Solved, page at row 100,000": lambda: listing(tickets, TicketQuery(InboxView.SOLVED), 100_000),
        "open a ticket (conversation and customer sidebar)": lambda: (
            tickets.conversation(some.id), senders.card(some.id)) and 1,
    }
    results = {}
    for name, action in actions.items():
        ms, rows = timed(action, runs)
        results[name] = {"median_ms": round(ms, 1), "rows": rows}
        log(f"  {name}: {ms:.1f} ms ({rows} rows)")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="workspace folder (default: a temporary one)")
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.workspace or Path(tmp) / "inbox"
        service = WorkspaceService()
        if service.exists(folder):
            session = service.unlock(folder, "admin", os.environ.get("ECRM_PASSWORD", PASSWORD))
        else:
            session = service.create(folder, "admin", PASSWORD)
            log(f"Demo store of {args.customers:,} customers ...")
            fill_demo(session, args.customers, 1)
        try:
            existing = TicketService(session).count(TicketQuery(InboxView.ALL))
            if existing < args.tickets:
                log(f"Adding {args.tickets - existing:,} tickets ...")
                started = time.perf_counter()
                add_tickets(session, args.tickets - existing)
                log(f"  in {time.perf_counter() - started:.1f} s")
            total = TicketService(session).count(TicketQuery(InboxView.ALL))
            results = measure(session, args.runs)
        finally:
            session.close()
    report = {"tickets": total, "runs": args.runs, "target_ms": TARGET_MS, "machine": platform.platform(),
              "cpus": os.cpu_count(), "actions": results,
              "all_under_target": all(r["median_ms"] < TARGET_MS for r in results.values())}
    print(json.dumps(report, indent=2))
    write_section(report)


def write_section(report: dict[str, Any]) -> None:
    lines = ["## Inbox at scale (`benchmarks/inbox_benchmark.py`)", "",
             f"{report['tickets']:,} tickets in an encrypted workspace; each action is what the inbox screen's job "
             f"runs (a view is its count plus a first page of {PAGE} rows); median of {report['runs']} warm runs on "
             f"{report['cpus']} CPUs ({report['machine']}). Target: under {report['target_ms']} ms each.", "",
             "| action | median ms | rows |", "|---|---:|---:|"]
    lines += [f"| {name} | {r['median_ms']:.1f} | {r['rows']:,} |" for name, r in report["actions"].items()]
    lines += ["", f"All under target: **{'yes' if report['all_under_target'] else 'no'}**."]
    results_file.write_section("inbox", lines)


if __name__ == "__main__":
    main()
