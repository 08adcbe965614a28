"""Commands for workspaces and their people: gui, init, demo, users, audit."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ecrm_desktop.cli.common import (
    CliError,
    Parser,
    flag,
    iso_date,
    output,
    password,
    positive_int,
    say,
    signed_in,
    unlock,
    user_name,
    workspace_folder,
)
from ecrm_desktop.cli.writers import write_audit_csv
from ecrm_desktop.domain.audit import AuditFilter
from ecrm_desktop.domain.enums import Role

if TYPE_CHECKING:
    from ecrm_desktop.services.workspace import UserSession

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    add("gui", "open the window").set_defaults(handler=open_window)
    add("init", "create a workspace whose first administrator is ECRM_USER with password ECRM_PASSWORD"
        ).set_defaults(handler=_init)

    demo = add("demo", "fill the workspace with a generated demo store (creating it first if needed)")
    demo.add_argument("--customers", type=positive_int, default=50_000, help="how many customers (default 50000)")
    demo.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same store")
    demo.set_defaults(handler=_demo)

    users_cmd = add("users", "local users and roles")
    users_cmd.set_defaults(handler=_users)
    users = users_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    new_user = users.add_parser("add", parents=[common], help="add a user (password from ECRM_NEW_PASSWORD)")
    new_user.add_argument("name")
    new_user.add_argument("--role", choices=[r.value for r in Role], required=True)
    users.add_parser("list", parents=[common], help="users and roles")
    change_role = users.add_parser("role", parents=[common], help="give a user another role (administrators)")
    change_role.add_argument("name")
    change_role.add_argument("--role", choices=[r.value for r in Role], required=True)

    audit_cmd = add("audit", "the audit trail (administrators)")
    audit_cmd.set_defaults(handler=_audit)
    trail = audit_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    trail.add_parser("verify", parents=[common], help="check the hash chain; exit 1 naming the first broken row")
    export = trail.add_parser("export", parents=[common], help="write the trail (or the entries matching every "
                              "filter given) as CSV")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--user", help="only this user's entries")
    export.add_argument("--action", help="only this action, e.g. customer.view or user.sign_in_failed")
    export.add_argument("--customer", type=positive_int, help="only entries about this customer id")
    export.add_argument("--from", dest="since", type=iso_date, help="from this day (UTC), inclusive")
    export.add_argument("--to", dest="until", type=iso_date, help="to this day (UTC), inclusive")


def open_window(args: argparse.Namespace) -> int:
    from ecrm_desktop import app  # the window's imports (Qt) are paid only by the window

    return app.run_gui(workspace_folder(args), debug=flag(args, "debug"))


def _init(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.workspace import WorkspaceService

    folder = workspace_folder(args)
    user = user_name()
    session = WorkspaceService().create(folder, user, password("ECRM_PASSWORD", f"New password for {user}: ",
                                                              confirm=True))
    session.close()
    say(args, {"workspace": str(folder), "user": user}, f"Created an encrypted workspace in {folder} "
            f"with administrator {user}.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.demo import fill_demo
    from ecrm_desktop.services.workspace import WorkspaceService

    folder, service = workspace_folder(args), WorkspaceService()
    if service.exists(folder):
        session = unlock(args)
    else:
        user = user_name()
        session = service.create(folder, user, password("ECRM_PASSWORD", f"New password for {user}: ",
                                                         confirm=True))
    show_progress = not flag(args, "json") and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show_progress:
            print(f"\rGenerating demo store: {done:,} of {total:,} customers", end="", file=sys.stderr)

    try:
        summary = fill_demo(session, args.customers, args.seed, progress=progress)
        predicted, scored = _score_demo(session)
    finally:
        session.close()
        if show_progress:
            print(file=sys.stderr)
    say(args, {"workspace": str(folder), "customers": summary.customers, "orders": summary.orders,
                   "tickets": summary.tickets, "seconds": round(summary.seconds, 1), "predictions": predicted},
            f"Demo store in {folder}: {summary.customers:,} customers, {summary.orders:,} orders, "
            f"{summary.tickets:,} tickets in {summary.seconds:.1f} s.{scored}")
    return 0


def _score_demo(session: UserSession) -> tuple[int | None, str]:
    """Predictions for the demo, as a sync would leave them: how many, and a sentence for the summary."""
    from ecrm_desktop.domain.clv.errors import InsufficientData
    from ecrm_desktop.services.predictions import refresh_predictions

    try:
        scored = refresh_predictions(session)
    except InsufficientData as exc:
        return None, f" No predictions: {exc}"
    return scored.customers, f" Predictions for {scored.customers:,} customers in {scored.seconds:.1f} s."


def _users(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.users import UserService

    with signed_in(args) as session:
        service = UserService(session)
        if args.action == "add":
            service.add(args.name, Role(args.role), password("ECRM_NEW_PASSWORD", f"Password for {args.name}: ",
                                                              confirm=True))
            say(args, {"user": args.name, "role": args.role}, f"Added {args.name} ({args.role}).")
            return 0
        if args.action == "role":
            service.set_role(args.name, Role(args.role))
            say(args, {"user": args.name, "role": args.role}, f"{args.name} is now {args.role}.")
            return 0
        users = service.list()
    if flag(args, "json"):
        json.dump([{"name": u.name, "role": u.role.value, "disabled": u.disabled,
                    "created_at": u.created_at.isoformat(),
                    "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None} for u in users],
                  sys.stdout)
        print()
    else:
        for u in users:
            last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
            print(f"{u.name:<24} {u.role.value:<14} last sign-in {last}{'  (disabled)' if u.disabled else ''}")
    return 0


def _audit(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.audit import AuditService

    with signed_in(args) as session:
        service = AuditService(session)
        if args.action == "verify":
            report = service.verify()
            if report.first_broken is not None:
                raise CliError(f"The audit trail was tampered with: row {report.first_broken} does not verify "
                               f"(checked {report.rows:,} rows).")
            say(args, {"rows": report.rows, "intact": True},
                    f"The audit trail is intact ({report.rows:,} rows).")
            return 0
        wanted = AuditFilter(args.user, args.action, args.customer, _day_start(args.since),
                             _day_start(args.until, days=1))
        with output(args.out) as out:
            n = write_audit_csv(out, service.export_filtered(wanted) if wanted.describe() else service.rows())
    print(f"Exported {n:,} audit entries to {args.out}.", file=sys.stderr)
    return 0


def _day_start(day: date | None, days: int = 0) -> datetime | None:
    return None if day is None else datetime.combine(day + timedelta(days=days), time(), UTC)
