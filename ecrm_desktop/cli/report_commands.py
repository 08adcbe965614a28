"""`ecrm report`: the dashboard of a period as a PDF, headless; `ecrm report spend` records marketing spend."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ecrm_desktop.cli.common import Parser, iso_date, say, signed_in
from ecrm_desktop.domain.errors import UsageError

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    report = add("report", "the dashboard of a period as a PDF (no window opens)")
    report.add_argument("--from", dest="start", type=iso_date, required=True, metavar="DATE")
    report.add_argument("--to", dest="end", type=iso_date, required=True, metavar="DATE")
    report.add_argument("--segment", metavar="NAME", help="only the members of this saved segment")
    report.add_argument("--pdf", type=Path, required=True, metavar="FILE")
    report.add_argument("--spend-csv", type=Path, metavar="FILE",
                        help="first record marketing spend from a CSV file (columns channel, month, amount)")
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    from ecrm_desktop import app  # Qt draws the charts and the PDF: paid only by this command
    from ecrm_desktop.domain.kpis import Period
    from ecrm_desktop.services.dashboard import DashboardService

    if args.end < args.start:
        raise UsageError("--to must be on or after --from.")
    with signed_in(args) as session:
        if args.spend_csv is not None:
            DashboardService(session).import_spend_csv(args.spend_csv)
        dashboard = app.write_report(session, Period(args.start, args.end), args.segment, args.pdf)
    f = dashboard.current
    say(args, {"pdf": str(args.pdf), "from": str(args.start), "to": str(args.end), "segment": args.segment,
               "currency": dashboard.currency, "orders": f.orders, "gross_cents": f.gross_cents,
               "net_cents": f.net_cents, "new_customers": f.new_customers},
        f"Wrote {args.pdf}: {f.orders:,} orders, net revenue {f.net_cents / 100:,.2f} {dashboard.currency}.")
    return 0
