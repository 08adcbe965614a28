"""Commands for roles, the second factor and the idle lock: roles, mfa, settings idle-lock."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ecrm_desktop.cli.common import CliError, Parser, flag, say, signed_in
from ecrm_desktop.domain.enums import Role
from ecrm_desktop.domain.permissions import DESCRIPTIONS, Operation

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    roles_cmd = add("roles", "what each role may do (administrators)")
    roles_cmd.set_defaults(handler=_roles)
    roles = roles_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    roles.add_parser("list", parents=[common], help="every role's permissions")
    operations = [o.value for o in Operation]
    for action, what in (("grant", "give a role permissions"), ("revoke", "take permissions from a role")):
        change = roles.add_parser(action, parents=[common], help=what)
        change.add_argument("role", choices=[r.value for r in Role if r is not Role.ADMINISTRATOR])
        change.add_argument("operations", nargs="+", choices=operations, metavar="PERMISSION",
                            help=f"one or more of: {', '.join(operations)}")
    roles.add_parser("reset", parents=[common], help="give a role its default permissions again").add_argument(
        "role", choices=[r.value for r in Role if r is not Role.ADMINISTRATOR])

    mfa_cmd = add("mfa", "the second factor (TOTP) of the signed-in user")
    mfa_cmd.set_defaults(handler=_mfa)
    mfa = mfa_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    mfa.add_parser("status", parents=[common], help="whether a second factor is set up, and recovery codes left")
    mfa.add_parser("enroll", parents=[common], help="set up an authenticator app (on a terminal: shows a QR code "
                   "and asks for the first code)")
    mfa.add_parser("recovery-codes", parents=[common], help="print ten new recovery codes (the old ones stop working)")
    disable = mfa.add_parser("disable", parents=[common], help="remove the second factor")
    disable.add_argument("--user", help="another user's (administrators)")

    settings_cmd = add("settings", "workspace settings")
    settings_cmd.set_defaults(handler=_settings)
    settings = settings_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    settings.add_parser("idle-lock", parents=[common], help="lock the window after N idle minutes (0: never)"
                        ).add_argument("minutes", type=int, nargs="?")


def _roles(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.permissions import RoleService

    with signed_in(args) as session:
        service = RoleService(session)
        if args.action == "list":
            grants = service.grants()
            if flag(args, "json"):
                say(args, {r.value: sorted(o.value for o in ops) for r, ops in grants.items()}, "")
            else:
                print(f"{'permission':<24} " + " ".join(f"{r.value:^13}" for r in Role) + "  meaning")
                for op in Operation:
                    marks = " ".join(f"{'yes' if op in grants[r] else '-':^13}" for r in Role)
                    print(f"{op.value:<24} {marks}  {DESCRIPTIONS[op]}")
            return 0
        role = Role(args.role)
        if args.action == "reset":
            service.reset(role)
        else:
            chosen = {Operation(o) for o in args.operations}
            current = service.grants()[role]
            service.set_grants(role, current | chosen if args.action == "grant" else current - chosen)
        granted = sorted(o.value for o in service.grants()[role])
    say(args, {"role": role.value, "permissions": granted}, f"{role.value}: {', '.join(granted) or 'nothing'}.")
    return 0


def _mfa(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.mfa import MfaService

    with signed_in(args) as session:
        service = MfaService(session)
        if args.action == "status":
            status = service.status()
            say(args, {"enrolled": status.enrolled, "recovery_codes_left": status.recovery_codes_left},
                f"Second factor: {'on' if status.enrolled else 'off'}"
                + (f", {status.recovery_codes_left} recovery codes left." if status.enrolled else "."))
        elif args.action == "disable":
            service.disable(args.user)
            say(args, {"enrolled": False}, "The second factor is off.")
        elif args.action == "recovery-codes":
            _print_codes(args, service.new_recovery_codes())
        else:
            if not sys.stdin.isatty():
                raise CliError("Enrolling needs a terminal (to show the QR code and read the first code); "
                               "or use Settings → Security in the window.")
            import segno  # only this command draws on the terminal

            enrolment = service.begin()
            segno.make(enrolment.uri, error="m").terminal(compact=True)
            print(f"Scan this with your authenticator app, or type the key {enrolment.secret}.")
            _print_codes(args, service.confirm(enrolment, input("Code shown by the app: ")))
    return 0


def _print_codes(args: argparse.Namespace, codes: list[str]) -> None:
    say(args, {"recovery_codes": codes}, "Recovery codes (each works once; keep them somewhere safe):\n  "
        + "\n  ".join(codes))


def _settings(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.settings import SettingsService

    with signed_in(args) as session:
        service = SettingsService(session)
        if args.minutes is not None:
            service.set_idle_lock_minutes(args.minutes)
        minutes = service.idle_lock_minutes()
    say(args, {"idle_lock_minutes": minutes},
        f"The window locks after {minutes} idle minutes." if minutes else "The window never locks by itself.")
    return 0
