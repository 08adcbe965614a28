"""The `ecrm` command: the window, and headless commands for IT and scripting (contract: CLI.md).

Errors reach stderr as one sentence and an exit code; `--debug` adds the detail.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from ecrm_desktop import __version__
from ecrm_desktop.domain.customers import EXPORT_FIELDS, CustomerSummary
from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.errors import AuthenticationFailed, EcrmError, UsageError

log = logging.getLogger("ecrm")

# Commands of CLI.md that later work will build; until then they say so with exit code 2.
NOT_YET = {
    "stores": "connecting stores", "sync": "store sync", "import": "CSV import",
    "emulator": "the store emulator", "report": "reports", "inbox": "the support inbox",
    "tickets": "tickets", "key": "key rotation",
    "backup": "backups", "restore": "restoring backups", "privacy": "privacy requests",
    "clv": "predictive models", "recommend": "recommendations",
}


class CliError(EcrmError):
    """A command-line problem that is not a usage error of argparse itself."""


class _Parser(argparse.ArgumentParser):
    """Reports argparse's usage errors as `UsageError` (exit code 2, one line)."""

    def error(self, message: str) -> Any:
        raise UsageError(f"{message} (see '{self.prog} --help').")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--workspace", type=Path, default=argparse.SUPPRESS,
                        help="workspace folder (default: 'ecrm' under the user data folder)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print exactly one JSON document on stdout")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="add detail to errors and log to stderr")

    p = _Parser(prog="ecrm", parents=[common], description=(
        "ecrm: every customer in one encrypted place. Credentials come from ECRM_USER (default admin) and "
        "ECRM_PASSWORD, or a prompt. Exit codes: 0 ok, 1 failure, 2 usage, 3 partial, 4 denied, 5 auth."))
    p.add_argument("--version", action="version", version=f"ecrm {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    command("gui", "open the window")
    command("init", "create a workspace whose first administrator is ECRM_USER with password ECRM_PASSWORD")

    demo = command("demo", "fill the workspace with a generated demo store (creating it first if needed)")
    demo.add_argument("--customers", type=_positive_int, default=50_000, help="how many customers (default 50000)")
    demo.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same store")

    customers = command("customers", "find customers").add_subparsers(dest="action", parser_class=_Parser,
                                                                     required=True)
    search = customers.add_parser("search", parents=[common], help="customers matching TEXT",
                                  description="Customers whose name, email, phone, tags, notes or order "
                                              "numbers match every word of TEXT (as prefixes).")
    search.add_argument("text")
    search.add_argument("--limit", type=_positive_int, default=50)

    export = command("export", "export data").add_subparsers(dest="what", parser_class=_Parser, required=True)
    exp = export.add_parser("customers", parents=[common], help="export every customer",
                            description="Export customers with the fields of CLI.md. CSV joins arrays with "
                                        "';' and writes each source as platform:store:external_id.")
    exp.add_argument("--format", choices=("csv", "json"), required=True)
    exp.add_argument("--out", type=Path, help="file to write (default: standard output)")
    exp.add_argument("--segment", help="only the members of this saved segment")

    users = command("users", "local users and roles").add_subparsers(dest="action", parser_class=_Parser,
                                                                   required=True)
    add = users.add_parser("add", parents=[common], help="add a user (password from ECRM_NEW_PASSWORD)")
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    users.add_parser("list", parents=[common], help="users and roles")

    segment = command("segment", "segments in Shopify's segment query language (see docs/segments.md)")
    seg = segment.add_subparsers(dest="action", parser_class=_Parser, required=True)
    count = seg.add_parser("count", parents=[common], help="how many customers match QUERY")
    count.add_argument("query")
    seg_export = seg.add_parser("export", parents=[common], help="members of QUERY or of the saved segment NAME as CSV")
    seg_export.add_argument("query", metavar="QUERY|NAME")
    seg_export.add_argument("--out", type=Path, required=True)
    seg_export.add_argument("--contacts", action="store_true",
                            help="only email, name and consent of customers who consented to email marketing")
    seg.add_parser("list", parents=[common], help="saved segments")

    trail = command("audit", "the audit trail (administrators)").add_subparsers(dest="action", parser_class=_Parser,
                                                                              required=True)
    trail.add_parser("verify", parents=[common], help="check the hash chain; exit 1 naming the first broken row")
    audit_export = trail.add_parser("export", parents=[common], help="write the trail as CSV")
    audit_export.add_argument("--out", type=Path, required=True)

    for name, what in NOT_YET.items():
        later = sub.add_parser(name, help=f"{what} (not available yet)", add_help=False)
        later.add_argument("rest", nargs=argparse.REMAINDER)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    parser = build_parser()
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = parser.parse_args(argv)
        logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, stream=sys.stderr,
                            format="%(levelname)s %(name)s: %(message)s")
        return _dispatch(args)
    except EcrmError as exc:
        if debug:
            log.exception("command failed")
        print(f"ecrm: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ecrm: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            log.exception("unexpected failure")
        print(f"ecrm: unexpected {exc.__class__.__name__}; run again with --debug for detail.", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command or "gui"
    if command in NOT_YET:
        raise UsageError(f"'ecrm {command}' ({NOT_YET[command]}) is not available in this version yet.")
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "gui": _gui, "init": _init, "demo": _demo, "customers": _customers_search, "export": _export,
        "users": _users, "audit": _audit, "segment": _segment,
    }
    return handlers[command](args)


# -- commands -----------------------------------------------------------------------------------------------

def _gui(args: argparse.Namespace) -> int:
    from ecrm_desktop import app  # the window's imports (Qt) are paid only by the window

    return app.run_gui(_folder(args), debug=getattr(args, "debug", False))


def _init(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.workspace import WorkspaceService

    folder = _folder(args)
    user = _user_name()
    session = WorkspaceService().create(folder, user, _password("ECRM_PASSWORD", f"New password for {user}: ",
                                                              confirm=True))
    session.close()
    _report(args, {"workspace": str(folder), "user": user}, f"Created an encrypted workspace in {folder} "
            f"with administrator {user}.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.demo import fill_demo
    from ecrm_desktop.services.workspace import WorkspaceService

    folder, service = _folder(args), WorkspaceService()
    if service.exists(folder):
        session = _unlock(args)
    else:
        user = _user_name()
        session = service.create(folder, user, _password("ECRM_PASSWORD", f"New password for {user}: ",
                                                         confirm=True))
    show_progress = not getattr(args, "json", False) and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show_progress:
            print(f"\rGenerating demo store: {done:,} of {total:,} customers", end="", file=sys.stderr)

    try:
        summary = fill_demo(session, args.customers, args.seed, progress=progress)
    finally:
        session.close()
        if show_progress:
            print(file=sys.stderr)
    _report(args, {"workspace": str(folder), "customers": summary.customers, "orders": summary.orders,
                   "tickets": summary.tickets, "seconds": round(summary.seconds, 1)},
            f"Demo store in {folder}: {summary.customers:,} customers, {summary.orders:,} orders, "
            f"{summary.tickets:,} tickets in {summary.seconds:.1f} s.")
    return 0


def _customers_search(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.customers import CustomerService

    with _session(args) as session:
        found = CustomerService(session).search(args.text, args.limit)
    if getattr(args, "json", False):
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

    with _session(args) as session:
        if args.segment:
            segments = SegmentService(session)
            batches = segments.export(segments.get(args.segment).name)
        else:
            batches = CustomerService(session).export(purpose=f"{args.format} to {'file' if args.out else 'stdout'}")
        with _output(args.out) as out:
            count = (_write_json if args.format == "json" else _write_csv)(out, batches)
    if args.out:
        print(f"Exported {count:,} customers to {args.out}.", file=sys.stderr)
    return 0


def _users(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.users import UserService

    with _session(args) as session:
        service = UserService(session)
        if args.action == "add":
            service.add(args.name, Role(args.role), _password("ECRM_NEW_PASSWORD", f"Password for {args.name}: ",
                                                              confirm=True))
            _report(args, {"user": args.name, "role": args.role}, f"Added {args.name} ({args.role}).")
            return 0
        users = service.list()
    if getattr(args, "json", False):
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


def _segment(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.segments import SegmentService

    with _session(args) as session:
        service = SegmentService(session)
        if args.action == "count":
            n = service.count(args.query)
            print(json.dumps({"count": n}) if getattr(args, "json", False) else n)
        elif args.action == "list":
            saved = service.list()
            if getattr(args, "json", False):
                print(json.dumps([{"name": s.name, "query": s.query, "description": s.description} for s in saved]))
            else:
                print("\n".join(f"{s.name:<32} {s.query}" for s in saved) or "No saved segments.")
        else:
            with _output(args.out) as out:
                batches = service.export(args.query, contacts_only=args.contacts)
                n = _write_contacts(out, batches) if args.contacts else _write_csv(out, batches)
            print(f"Exported {n:,} customers to {args.out}.", file=sys.stderr)
    return 0


def _audit(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.audit import AuditService

    with _session(args) as session:
        service = AuditService(session)
        if args.action == "verify":
            report = service.verify()
            if report.first_broken is not None:
                raise CliError(f"The audit trail was tampered with: row {report.first_broken} does not verify "
                               f"(checked {report.rows:,} rows).")
            _report(args, {"rows": report.rows, "intact": True},
                    f"The audit trail is intact ({report.rows:,} rows).")
            return 0
        with _output(args.out) as out:
            writer = csv.writer(out)
            writer.writerow(["id", "at", "user", "action", "entity_type", "entity_id", "detail"])
            for r in service.rows():
                writer.writerow([r.id, r.at.strftime("%Y-%m-%dT%H:%M:%SZ"), r.user or "", r.action,
                                 r.entity_type or "", "" if r.entity_id is None else r.entity_id, r.detail_json])
    print(f"Exported the audit trail to {args.out}.", file=sys.stderr)
    return 0


# -- helpers ------------------------------------------------------------------------------------------------

def _folder(args: argparse.Namespace) -> Path:
    from ecrm_desktop.services.workspace import default_workspace_folder

    folder: Path | None = getattr(args, "workspace", None)
    return (folder or default_workspace_folder()).expanduser().resolve()


def _user_name() -> str:
    return os.environ.get("ECRM_USER") or "admin"


def _password(variable: str, prompt: str, confirm: bool = False) -> str:
    value = os.environ.get(variable)
    if value:
        return value
    if not sys.stdin.isatty():
        raise AuthenticationFailed(f"No password: set {variable} or run the command in a terminal.")
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat it: ") != value:
        raise UsageError("The two passwords differ.")
    return value


def _unlock(args: argparse.Namespace) -> Any:
    from ecrm_desktop.services.workspace import WorkspaceService

    folder, user, service = _folder(args), _user_name(), WorkspaceService()
    if not os.environ.get("ECRM_PASSWORD"):
        remembered = service.unlock_remembered(folder, user)
        if remembered is not None:
            return remembered
    return service.unlock(folder, user, _password("ECRM_PASSWORD", f"Password for {user}: "))


@contextmanager
def _session(args: argparse.Namespace) -> Any:
    session = _unlock(args)
    try:
        yield session
    finally:
        session.close()


@contextmanager
def _output(path: Path | None) -> Any:
    """Standard output, or a file written beside its target and renamed into place only when complete."""
    if path is None:
        yield sys.stdout
        return
    tmp = path.with_name(f".{path.name}.partial")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise CliError(f"Cannot write {path}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_json(out: TextIO, batches: Iterable[list[CustomerSummary]]) -> int:
    count = 0
    out.write("[")
    for batch in batches:
        for c in batch:
            out.write(",\n" if count else "\n")
            json.dump(c.export_fields(), out, ensure_ascii=False)
            count += 1
    out.write("\n]\n")
    return count


def _write_csv(out: TextIO, batches: Iterable[list[CustomerSummary]]) -> int:
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    count = 0
    for batch in batches:
        for c in batch:
            row = c.export_fields()
            row["customer_tags"] = ";".join(row["customer_tags"])
            row["sources"] = ";".join(f"{s['platform']}:{s['store']}:{s['external_id']}" for s in row["sources"])
            writer.writerow(["" if row[f] is None else row[f] for f in EXPORT_FIELDS])
            count += 1
    return count


def _write_contacts(out: TextIO, batches: Iterable[list[CustomerSummary]]) -> int:
    writer = csv.writer(out)
    writer.writerow(["email", "first_name", "last_name", "email_subscription_status"])
    count = 0
    for batch in batches:
        for c in batch:
            writer.writerow([c.email or "", c.first_name or "", c.last_name or "", c.email_consent.value])
            count += 1
    return count


def _report(args: argparse.Namespace, data: dict[str, Any], sentence: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data))
    else:
        print(sentence)


def _positive_int(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
