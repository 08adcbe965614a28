"""Support ticket commands: tickets list, create (a phone call or chat), import (another help desk's CSV export),
and the help desk's setup: rule, sla, agent."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecrm_desktop.cli.common import Parser, flag, positive_int, say, signed_in
from ecrm_desktop.domain.enums import TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.helpdesk.inbox import InboxView, TicketQuery, TicketRow, TicketSort
from ecrm_desktop.domain.helpdesk.rules import RuleDef, parse_keywords
from ecrm_desktop.domain.helpdesk.sla import SlaTargets

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
    _register_setup(sub, common)


def _register_setup(sub: Any, common: Parser) -> None:
    """Routing rules, SLA targets and agents' availability (administrators; agents set their own availability)."""
    rule = sub.add_parser("rule", parents=[common], help="routing rules: add, list, delete",
                          description="Rules run on new (and, with --on updated|both, updated) tickets in order; "
                                      "every condition given must hold, then every action given is taken.")
    rule_sub = rule.add_subparsers(dest="rule_action", parser_class=Parser, required=True)
    add = rule_sub.add_parser("add", parents=[common], help="add a rule (or replace the one of that name)")
    add.add_argument("name")
    add.add_argument("--keywords", default="", help="comma-separated words or phrases in the subject or message")
    add.add_argument("--segment", help="the sender is in this saved segment")
    add.add_argument("--channel", type=_channel, help="EMAIL, MANUAL or IMPORT")
    add.add_argument("--min-order", type=float, help="the sender's last order is worth at least this much")
    add.add_argument("--assign", help="a user name, round-robin or least-loaded")
    add.add_argument("--tag", help="add this tag")
    add.add_argument("--priority", type=_priority, help="set this priority")
    add.add_argument("--on", choices=("new", "updated", "both"), default="new")
    rule_sub.add_parser("list", parents=[common], help="the rules in the order they run")
    rule_sub.add_parser("delete", parents=[common], help="delete the rule NAME").add_argument("name")
    sla = sub.add_parser("sla", parents=[common], help="SLA targets per priority: list, set")
    sla_sub = sla.add_subparsers(dest="sla_action", parser_class=Parser, required=True)
    sla_sub.add_parser("list", parents=[common], help="targets in minutes per priority")
    sla_set = sla_sub.add_parser("set", parents=[common], help="targets for new tickets of a priority")
    sla_set.add_argument("priority", type=_priority)
    sla_set.add_argument("--first-response", type=positive_int, required=True, help="minutes")
    sla_set.add_argument("--resolution", type=positive_int, required=True, help="minutes")
    agent = sub.add_parser("agent", parents=[common], help="whether an agent takes auto-assigned tickets")
    agent.add_argument("name")
    agent.add_argument("--available", action=argparse.BooleanOptionalAction, required=True)


def _tickets(args: argparse.Namespace) -> int:
    return {"list": _list, "create": _create, "import": _import, "rule": _rule, "sla": _sla,
            "agent": _agent}[args.action](args)


def _rule(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.ticket_rules import RuleService

    with signed_in(args) as session:
        rules = RuleService(session)
        if args.rule_action == "list":
            found = rules.rules()
            if flag(args, "json"):
                print(json.dumps([_rule_json(r) for r in found]))
            else:
                for r in found:
                    print(f"{r.position:>3}  {r.name}: {json.dumps(_rule_json(r))}")
            return 0
        existing = {r.name: r for r in rules.rules()}
        if args.rule_action == "delete":
            if args.name not in existing:
                raise UsageError(f"There is no rule named {args.name}.")
            rules.delete_rule(existing[args.name].id or 0)
            say(args, {"deleted": args.name}, f"Deleted rule {args.name}.")
            return 0
        rule = RuleDef(args.name, args.segment, parse_keywords(args.keywords), args.channel,
                       None if args.min_order is None else round(args.min_order * 100), args.assign, args.tag,
                       args.priority, on_new=args.on in {"new", "both"}, on_update=args.on in {"updated", "both"},
                       id=existing[args.name].id if args.name in existing else None)
        rule_id = rules.save_rule(rule)
    say(args, {"id": rule_id}, f"Saved rule {args.name}.")
    return 0


def _rule_json(r: RuleDef) -> dict[str, object]:
    return {"name": r.name, "position": r.position, "enabled": r.enabled, "on_new": r.on_new,
            "on_update": r.on_update, "segment": r.segment, "keywords": list(r.keywords),
            "channel": r.channel.value if r.channel else None, "min_order_cents": r.min_order_cents,
            "assign": r.assign, "tag": r.add_tag, "priority": r.set_priority.value if r.set_priority else None}


def _sla(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.ticket_rules import RuleService

    with signed_in(args) as session:
        rules = RuleService(session)
        if args.sla_action == "set":
            rules.set_sla(args.priority, SlaTargets(args.first_response, args.resolution))
        targets = rules.sla_targets()
    table = {p.value: {"first_response_minutes": t.first_response_minutes,
                       "resolution_minutes": t.resolution_minutes} for p, t in targets.items()}
    say(args, table, "\n".join(f"{p:<7} first response {t['first_response_minutes']} min, resolution "
                                f"{t['resolution_minutes']} min" for p, t in table.items()))
    return 0


def _agent(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.tickets import TicketService

    with signed_in(args) as session:
        TicketService(session).set_available(args.name, args.available)
    say(args, {"name": args.name, "available": args.available},
        f"{args.name} {'takes' if args.available else 'does not take'} auto-assigned tickets.")
    return 0


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


def _channel(text: str) -> TicketChannel:
    try:
        return TicketChannel(text.upper())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of EMAIL, MANUAL, IMPORT") from None


def _priority(text: str) -> TicketPriority:
    try:
        return TicketPriority(text.upper())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not one of LOW, NORMAL, HIGH, URGENT") from None
