"""`ecrm key rotate`, `ecrm backup` and `ecrm restore`: the workspace's key and its backups (administrators)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ecrm_desktop.cli.common import CliError, Parser, password, say, signed_in, user_name, workspace_folder

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    key = add("key", "the database key (administrators)")
    key.set_defaults(handler=_key)
    actions = key.add_subparsers(dest="action", parser_class=Parser, required=True)
    actions.add_parser("rotate", parents=[common], help="re-encrypt the workspace under a new random key, "
                       "re-wrapped for every user (close the window and stop scheduled syncs first)")

    backup = add("backup", "write an encrypted, verifiable backup of the workspace (administrators)")
    backup.add_argument("--out", type=Path, required=True, metavar="FILE")
    backup.set_defaults(handler=_backup)

    restore = add("restore", "restore a backup into --workspace, verified first; ECRM_USER must be an "
                  "administrator in the backup and ECRM_PASSWORD their password there")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--replace", action="store_true",
                         help="replace the workspace there (it is kept aside, renamed, not deleted)")
    restore.set_defaults(handler=_restore)


def _key(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.keys import KeyService

    with signed_in(args) as session:
        KeyService(session).rotate()
    say(args, {"rotated": True}, "Rotated the database key; every user's key slot was re-wrapped.")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.backups import BackupService

    with signed_in(args) as session:
        info = BackupService(session).create(args.out)
    say(args, {"out": str(args.out), "bytes": info.database_bytes, "sha256": info.sha256,
               "created_at": info.created_at},
        f"Wrote an encrypted backup to {args.out} ({info.database_bytes / 1e6:,.1f} MB database).")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.backups import restore

    if not args.file.is_file():
        raise CliError(f"There is no backup file {args.file}.")
    folder, user = workspace_folder(args), user_name()
    result = restore(args.file, folder, user, password("ECRM_PASSWORD", f"Password for {user} in the backup: "),
                     replace=args.replace)
    aside = f" The workspace that was there is kept in {result.kept_aside}." if result.kept_aside else ""
    say(args, {"workspace": str(folder), "kept_aside": str(result.kept_aside) if result.kept_aside else None},
        f"Restored and verified the backup into {folder}.{aside}")
    if result.kept_aside:
        print("Delete the kept-aside folder once you no longer need it.", file=sys.stderr)
    return 0
