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
    inbox_commands,
    key_commands,
    model_commands,
    privacy_commands,
    report_commands,
    security_commands,
    store_commands,
    ticket_commands,
    update_commands,
    workspace_commands,
)
from ecrm_desktop.cli.common import Parser, workspace_folder
from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.services.log_files import configure_logging

log = logging.getLogger("ecrm")

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
                   update_commands, emulator_commands, inbox_commands, ticket_commands, security_commands,
                   privacy_commands, key_commands, import_commands):
        module.register(add, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        args = build_parser().parse_args(argv)
        configure_logging(debug)  # a rotating, redacted file under the user log folder, and stderr
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
