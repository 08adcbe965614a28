"""Support ticket commands: tickets list, tickets create (a phone call or chat), tickets import (CSV export)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ecrm_desktop.cli.common import Parser, flag, say, signed_in
from ecrm_desktop.domain.enums import TicketPriority, TicketStatus
from ecrm_desktop.domain.helpdesk.inbox import InboxView, TicketQuery, TicketRow, TicketSort

if TYPE_CHECKING:
    from ecrm_desktop.services.tickets import TicketService

AddCommand = Callable[[str, str], argparse.ArgumentParser]
VIEW_OF_STATUS = {TicketStatus.OPEN: InboxView.OPEN, TicketStatus.PENDING: InboxView.PENDING,
                  TicketStatus.SNOOZED: InboxView.SNOOZED, TicketStatus.SOLVED: InboxView.SOLVED}
BATCH = 1000


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    tickets_cmd = add("tickets", "support tickets (see docs/inbox.md)")
    tickets_cmd.set_defaults(handler=_tickets)
    sub = tickets_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    listing = sub.add_parser("list", parents=[common], help="tickets, soonest SLA deadline first",
                             description="Tickets with the fields of CLI.md, soonest SLA deadline first.")
    listing.add_argument("--status", type=_status, help="OPEN, PENDING, SNOOZED or SOLVED (default: all)")
    create = sub.add_parser("create", parents=[common], help="a ticket taken by phone or chat",
                            description="Create a ticket by hand; the rules run on it as on mail.")
    create.add_argument("--subject", required=True)
    create.add_argument("--body", required=True, help="what the customer said")
    create.add_argument("--email", help="the customer's email address")
    create.add_argument("--name", help="the customer's name")
    create.add_argument("--priority", type=_priority, default=TicketPriority.NORMAL,
                        help="LOW, NORMAL, HIGH or URGENT")
    imp = sub.add_parser("import", parents=[common], help="import a help desk's CSV export",
                         description="Import tickets from a Zendesk- or Gorgias-style CSV export (columns such as "
                                     "Subject, Requester email, Status, Priority, Tags, Created at, Description). "
                                     "Rows that cannot be read are listed by line; exit 3 when any were rejected.")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check the file and write nothing")


def _tickets(args: argparse.Namespace) -> int:
    return {"list": _list, "create": _create, "import": _import}[args.action](args)


def _list(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.tickets import TicketService

    status: TicketStatus | None = args.status
    query = TicketQuery(VIEW_OF_STATUS[status] if status else InboxView.ALL, sort=TicketSort.SLA_DUE)
    with signed_in(args) as session:
        service = TicketService(session)
        service.wake_snoozed()
        rows = _all(service, query)
        if flag(args, "json"):
            sys.stdout.write("[")
            for i, row in enumerate(rows):
                sys.stdout.write(("," if i else "") + json.dumps(row.export_fields(), ensure_ascii=False))
            sys.stdout.write("]\n")
            return 0
        shown = 0
        for row in rows:
            shown += 1
            print(f"{row.id:>8}  {row.status.value:<8} {row.priority.value:<7} {row.subject[:44]:<44}  "
                  f"{row.requester[:28]:<28}  {row.assignee or '-'}")
        if not shown:
            print("No ticket matches.", file=sys.stderr)
    return 0


def _all(service: TicketService, query: TicketQuery) -> Iterator[TicketRow]:
    offset = 0
    while batch := service.page(query, offset, BATCH):
        yield from batch
        offset += len(batch)


def _create(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.tickets import TicketService

    with signed_in(args) as session:
        ticket_id = TicketService(session).create(args.subject, args.body, requester_email=args.email,
                                                  requester_name=args.name, priority=args.priority)
    say(args, {"id": ticket_id}, f"Created ticket {ticket_id}.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.ticket_import import TicketImportService

    with signed_in(args) as session:
        report = TicketImportService(session).import_csv(args.file, dry_run=args.dry_run)
    verb = "would import" if report.dry_run else "imported"
    if flag(args, "json"):
        print(json.dumps(report.as_json()))
    else:
        print(f"{report.rows} rows read, {verb} {report.rows - len(report.rejected)}, "
              f"{len(report.rejected)} rejected.")
        for r in report.rejected:
            print(f"line {r.line}: {r.reason}", file=sys.stderr)
    return 3 if report.rejected else 0


def _status(text: str) -> TicketStatus:
    try:
        return TicketStatus(text.upper())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of OPEN, PENDING, SNOOZED, SOLVED") from None


def _priority(text: str) -> TicketPriority:
    try:
        return TicketPriority(text.upper())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of LOW, NORMAL, HIGH, URGENT") from None
