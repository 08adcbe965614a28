"""The `ecrm` command: the window, and headless commands for IT and scripting (contract: CLI.md).

Each `*_commands` module registers its commands with a handler; errors reach stderr as one sentence and an exit
code, and `--debug` adds the detail.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ecrm_desktop import __version__
from ecrm_desktop.cli import (
    customer_commands,
    emulator_commands,
    import_commands,
    model_commands,
    report_commands,
    store_commands,
    update_commands,
    workspace_commands,
)
from ecrm_desktop.cli.common import Parser, workspace_folder
from ecrm_desktop.domain.errors import EcrmError, UsageError

log = logging.getLogger("ecrm")

# Commands of CLI.md that later work will build; until then they say so with exit code 2.
NOT_YET = {
    "inbox": "the support inbox",
    "tickets": "tickets", "key": "key rotation", "backup": "backups", "restore": "restoring backups",
    "privacy": "privacy requests",
}


def build_parser() -> argparse.ArgumentParser:
    common = Parser(add_help=False)
    common.add_argument("--workspace", type=Path, default=argparse.SUPPRESS,
                        help="workspace folder (default: 'ecrm' under the user data folder)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print exactly one JSON document on stdout")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="add detail to errors and log to stderr")
    parser = Parser(prog="ecrm", parents=[common], description=(
        "ecrm: every customer in one encrypted place. Credentials come from ECRM_USER (default admin) and "
        "ECRM_PASSWORD, or a prompt. Exit codes: 0 ok, 1 failure, 2 usage, 3 partial, 4 denied, 5 auth."))
    parser.add_argument("--version", action="version", version=f"ecrm {__version__}")
    parser.add_argument("--self-test", nargs="?", const="full", choices=("full", "first-paint"),
                        help="check this installation on a temporary workspace and exit 0 when it works "
                             "(first-paint: exit once the first window has painted)")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    for module in (workspace_commands, customer_commands, store_commands, model_commands, report_commands,
                   update_commands, emulator_commands, import_commands):
        module.register(add, common)
    for name, what in NOT_YET.items():
        later = sub.add_parser(name, help=f"{what} (not available yet)", add_help=False)
        later.add_argument("rest", nargs=argparse.REMAINDER)
        later.set_defaults(handler=_not_yet)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, stream=sys.stderr,
                            format="%(levelname)s %(name)s: %(message)s")
        handler = getattr(args, "handler", None) or (_self_test if args.self_test else workspace_commands.open_window)
        return int(handler(args))
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


def _self_test(args: argparse.Namespace) -> int:
    from ecrm_desktop import selftest

    if args.self_test == "first-paint":
        return selftest.first_paint(workspace_folder(args))
    return selftest.run_self_test()


def _not_yet(args: argparse.Namespace) -> int:
    raise UsageError(f"'ecrm {args.command}' ({NOT_YET[args.command]}) is not available in this version yet.")
