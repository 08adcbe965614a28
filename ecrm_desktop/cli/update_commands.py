"""`ecrm update check`: is a newer version out? Reads the signed update manifest and refuses a bad signature."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ecrm_desktop.cli.common import Parser, say

AddCommand = Callable[[str, str], argparse.ArgumentParser]
DEFAULT_MANIFEST_URL = "https://downloads.ecrm.invalid/releases/manifest.json"


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    update_cmd = add("update", "updates of ecrm itself")
    update_cmd.set_defaults(handler=_update)
    actions = update_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    check = actions.add_parser("check", parents=[common], help=(
        "say whether a newer ecrm is out; exit 1 when the update manifest is not signed by the release key"))
    check.add_argument("--url", help="the update manifest (default: the managed settings' update_manifest_url)")


def _update(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.managed import managed_settings
    from ecrm_desktop.services.updates import UpdateService

    url = args.url or managed_settings().update_manifest_url or DEFAULT_MANIFEST_URL
    result = UpdateService(url).check()
    latest = result.manifest
    data = {"current": result.current, "latest": latest.version, "available": result.available,
            "downloads": [d.model_dump() for d in latest.downloads]}
    if result.available:
        where = ", ".join(d.url for d in latest.downloads) or "the download page"
        say(args, data, f"ecrm {latest.version} is available (this is {result.current}): {where}")
    else:
        say(args, data, f"ecrm {result.current} is up to date.")
    return 0
