"""`ecrm import customers|orders FILE`: a CSV export into the workspace, with a dry run first if you like."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ecrm_desktop.cli.common import Parser, flag, output, say, signed_in

if TYPE_CHECKING:
    from ecrm_desktop.services.csv_import import ImportReport

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    cmd = add("import", "import a CSV export (Shopify's customer or order export, or any CSV with a mapping); "
                        "exit 3 when rows were rejected")
    kinds = cmd.add_subparsers(dest="kind", parser_class=Parser, required=True)
    for kind, what in (("customers", "customers: Shopify's customer export or a mapped CSV"),
                       ("orders", "orders: Shopify's order export (one row per line item) or a mapped CSV")):
        sub = kinds.add_parser(kind, parents=[common], help=what, description=(
            f"Import {what}. Everything lands in one transaction: rejected rows are reported with their row "
            "number and reason and the rest imports; nothing is half-imported. Re-importing a file updates it."))
        sub.add_argument("file", type=Path, metavar="FILE", help="the CSV file")
        sub.add_argument("--mapping", type=Path, metavar="M",
                         help="TOML or JSON file naming the source column of each field (see docs/import.md)")
        sub.add_argument("--dry-run", action="store_true",
                         help="report what the import would do (new, updated, matched, rejected), write nothing")
        sub.add_argument("--rejected-out", type=Path, metavar="FILE",
                         help="write the rejected rows, with their row number and reason, to this CSV file")
    cmd.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.after_sync import refresh_derived_data
    from ecrm_desktop.services.csv_import import CsvImportService, ImportKind

    show = not flag(args, "json") and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\r{'Checking' if args.dry_run else 'Importing'} {done:,} of {total:,} records   ", end="",
                  file=sys.stderr)

    with signed_in(args) as session:
        service = CsvImportService(session)
        mapping = service.load_mapping(args.mapping) if args.mapping else None
        parsed = service.read(args.file, ImportKind(args.kind), mapping)
        report = service.run(parsed, args.file.name, dry_run=args.dry_run, progress=progress)
        if show:
            print(file=sys.stderr)
        if args.rejected_out and report.rejections:
            with output(args.rejected_out) as fh:
                service.save_rejections(args.file, report.rejections, fh)
        if not args.dry_run and (report.new or report.updated or report.matched):
            derived = refresh_derived_data(session)
            if show:
                print(derived, file=sys.stderr)
    say(args, report.to_json(), _sentence(report))
    return report.exit_code


def _sentence(report: ImportReport) -> str:
    what, source = report.kind.value, "Shopify export" if report.shopify else "mapped CSV"
    lines = [f"{'Dry run of ' if report.dry_run else ''}{report.file} ({source}, "
             f"{report.encoding}, {report.rows:,} rows): {report.new:,} new {what}, {report.updated:,} updated, "
             f"{report.matched:,} matched to known customers, {len(report.rejections):,} rows rejected."]
    lines += [f"  row {r.row}: {r.reason}" for r in report.rejections[:50]]
    if len(report.rejections) > 50:
        lines.append(f"  … and {len(report.rejections) - 50:,} more (--rejected-out FILE saves them all).")
    if report.dry_run:
        lines.append("Nothing was written (dry run).")
    return "\n".join(lines)
