"""Commands that find and export customers: customers search, export customers, segment."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from ecrm_desktop.cli.common import Parser, flag, output, positive_int, signed_in
from ecrm_desktop.cli.writers import write_contacts, write_csv, write_json

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    customers_cmd = add("customers", "find customers")
    customers_cmd.set_defaults(handler=_customers_search)
    customers = customers_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    search = customers.add_parser("search", parents=[common], help="customers matching TEXT",
                                  description="Customers whose name, email, phone, tags, notes or order "
                                              "numbers match every word of TEXT (as prefixes).")
    search.add_argument("text")
    search.add_argument("--limit", type=positive_int, default=50)

    export_cmd = add("export", "export data")
    export_cmd.set_defaults(handler=_export)
    exp = export_cmd.add_subparsers(dest="what", parser_class=Parser, required=True).add_parser(
        "customers", parents=[common], help="export every customer",
        description="Export customers with the fields of CLI.md. CSV joins arrays with ';' and writes each "
                    "source as platform:store:external_id.")
    exp.add_argument("--format", choices=("csv", "json"), required=True)
    exp.add_argument("--out", type=Path, help="file to write (default: standard output)")
    exp.add_argument("--segment", help="only the members of this saved segment")

    segment_cmd = add("segment", "segments in Shopify's segment query language (see docs/segments.md)")
    segment_cmd.set_defaults(handler=_segment)
    seg = segment_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    seg.add_parser("count", parents=[common], help="how many customers match QUERY").add_argument("query")
    seg_export = seg.add_parser("export", parents=[common], help="members of QUERY or of the saved segment NAME")
    seg_export.add_argument("query", metavar="QUERY|NAME")
    seg_export.add_argument("--out", type=Path, required=True)
    seg_export.add_argument("--contacts", action="store_true",
                            help="only email, name and consent of customers who consented to email marketing")
    seg.add_parser("list", parents=[common], help="saved segments")


def _customers_search(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.customers import CustomerService

    with signed_in(args) as session:
        found = CustomerService(session).search(args.text, args.limit)
    if flag(args, "json"):
        json.dump([c.export_fields() for c in found], sys.stdout, ensure_ascii=False)
        print()
        return 0
    if not found:
        print("No customer matches.", file=sys.stderr)
        return 0
    for c in found:
        print(f"{c.id:>8}  {c.display_name[:28]:<28}  {(c.email or '')[:36]:<36}  "
              f"{c.orders_count:>4} orders  {c.total_spent_cents / 100:>12,.2f}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.customers import CustomerService
    from ecrm_desktop.services.segments import SegmentService

    with signed_in(args) as session:
        if args.segment:
            segments = SegmentService(session)
            batches = segments.export(segments.get(args.segment).name)
        else:
            SegmentService(session).ensure_rfm()  # exports carry each customer's rfm_group
            batches = CustomerService(session).export(purpose=f"{args.format} to {'file' if args.out else 'stdout'}")
        with output(args.out) as out:
            count = (write_json if args.format == "json" else write_csv)(out, batches)
    if args.out:
        print(f"Exported {count:,} customers to {args.out}.", file=sys.stderr)
    return 0


def _segment(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.segments import SegmentService

    with signed_in(args) as session:
        service = SegmentService(session)
        if args.action == "count":
            n = service.count(args.query)
            print(json.dumps({"count": n}) if flag(args, "json") else n)
        elif args.action == "list":
            saved = service.list()
            if flag(args, "json"):
                print(json.dumps([{"name": s.name, "query": s.query, "description": s.description} for s in saved]))
            else:
                print("\n".join(f"{s.name:<32} {s.query}" for s in saved) or "No saved segments.")
        else:
            with output(args.out) as out:
                batches = service.export(args.query, contacts_only=args.contacts)
                n = write_contacts(out, batches) if args.contacts else write_csv(out, batches)
            print(f"Exported {n:,} customers to {args.out}.", file=sys.stderr)
    return 0
