"""Commands for connected stores: stores add, stores list, sync (once or --watch)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING

from ecrm_desktop.cli.common import Parser, flag, password, positive_int, say, signed_in
from ecrm_desktop.domain.errors import UsageError

if TYPE_CHECKING:
    from ecrm_desktop.services.sync import SyncReport

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    stores_cmd = add("stores", "connected stores")
    stores_cmd.set_defaults(handler=_stores)
    stores = stores_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    add_store = stores.add_parser("add", parents=[common], help="connect a store (administrators)")
    platforms = add_store.add_subparsers(dest="platform", parser_class=Parser, required=True)
    shopify = platforms.add_parser("shopify", parents=[common], help="a Shopify store; token from ECRM_STORE_TOKEN",
                                   description="Connect a Shopify store with an Admin API access token (from "
                                               "ECRM_STORE_TOKEN or a prompt). The token needs read_customers, "
                                               "read_orders, read_all_orders and read_products.")
    shopify.add_argument("--name", required=True)
    shopify.add_argument("--shop-url", help="https://your-shop.myshopify.com (default: the managed preset of --name)")
    woo = platforms.add_parser("woocommerce", parents=[common],
                               help="a WooCommerce store; consumer secret from ECRM_STORE_SECRET")
    woo.add_argument("--name", required=True)
    woo.add_argument("--url", help="the shop's address, https://... (default: the managed preset of --name)")
    woo.add_argument("--key", help="the REST API consumer key, ck_... (default: the managed preset of --name)")
    vendure = platforms.add_parser("vendure", parents=[common],
                                   help="a Vendure store; administrator password from ECRM_STORE_PASSWORD",
                                   description="Connect a Vendure store through its Admin API as an administrator "
                                               "(password from ECRM_STORE_PASSWORD or a prompt) who holds "
                                               "ReadCustomer, ReadOrder and ReadProduct; the server's "
                                               "authOptions.tokenMethod must include 'bearer'.")
    vendure.add_argument("--name", required=True)
    vendure.add_argument("--url", help="the server's address, https://... (the Admin API is at /admin-api)")
    vendure.add_argument("--user", required=True, help="the administrator's user name")
    stores.add_parser("list", parents=[common], help="connected stores with their last sync")

    sync = add("sync", "sync every connected store (or one) once and exit; exit 3 when records were quarantined")
    sync.add_argument("--store", help="only this store")
    sync.add_argument("--watch", action="store_true", help="keep syncing on the workspace's schedule until stopped")
    sync.add_argument("--every", type=positive_int, metavar="MINUTES",
                      help="with --watch: minutes between runs (default: the workspace setting, else 15)")
    sync.set_defaults(handler=_sync)


def _preset(args: argparse.Namespace, option: str) -> str:
    """The option as given, else what the administrator's managed settings preset for the store of that name."""
    from ecrm_desktop.services.managed import managed_settings

    given: str | None = getattr(args, option)
    if given:
        return given
    preset = managed_settings().store(args.name)
    value = getattr(preset, "url" if option == "shop_url" else option) if preset else None
    if not value or preset is None or preset.platform != args.platform:
        raise UsageError(f"--{option.replace('_', '-')} is required: no managed setting presets the "
                         f"{args.platform} store '{args.name}'.")
    return str(value)


def _stores(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.stores import KEYRING, StoreService

    with signed_in(args) as session:
        service = StoreService(session)
        if args.action == "add":
            if args.platform == "shopify":
                info = service.add_shopify(args.name, _preset(args, "shop_url"),
                                           password("ECRM_STORE_TOKEN", "Shopify Admin API access token: "))
            elif args.platform == "vendure":
                info = service.add_vendure(args.name, _preset(args, "url"), args.user,
                                           password("ECRM_STORE_PASSWORD", "Vendure administrator password: "))
            else:
                info = service.add_woocommerce(args.name, _preset(args, "url"), _preset(args, "key"),
                                               password("ECRM_STORE_SECRET", "WooCommerce consumer secret: "))
            for notice in info.notices:
                print(f"ecrm: {notice}", file=sys.stderr)
            say(args, {"name": info.name, "platform": info.platform.value, "currency": info.currency,
                       "secret_location": info.secret_location},
                f"Connected {info.platform.value} store {info.name} ({info.currency}); its secret is in the "
                f"{'OS keyring' if info.secret_location == KEYRING else 'encrypted workspace'}.")
            return 0
        stores = service.list()
    if flag(args, "json"):
        print(json.dumps([{"name": s.name, "platform": s.platform.value, "url": s.url, "currency": s.currency,
                           "last_sync_at": s.last_sync_at.isoformat() if s.last_sync_at else None,
                           "last_status": s.last_status} for s in stores]))
        return 0
    if not stores:
        print("No connected store. Add one with 'ecrm stores add shopify|woocommerce|vendure'.")
    for s in stores:
        last = f"{s.last_sync_at:%Y-%m-%d %H:%M} UTC ({s.last_status})" if s.last_sync_at else "never synced"
        print(f"{s.name:<28} {s.platform.value:<12} {s.currency}  {last}  {s.url or ''}")
    return 0


def _sync(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.after_sync import refresh_derived_data, sync_changed_data
    from ecrm_desktop.services.settings import SettingsService
    from ecrm_desktop.services.sync import SyncProgress, SyncService

    stop = threading.Event()
    if args.watch:
        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
    show = not flag(args, "json") and sys.stderr.isatty()

    def progress(p: SyncProgress) -> None:
        if show:
            print(f"\r{p.store}: {p.resource} {p.fetched:,} fetched, {p.created:,} new, {p.updated:,} updated, "
                  f"{p.quarantined:,} quarantined   ", end="", file=sys.stderr)

    with signed_in(args) as session:
        service = SyncService(session)
        minutes = args.every or SettingsService(session).sync_interval_minutes()
        while True:
            report = service.run(args.store, progress=progress, should_cancel=stop.is_set)
            if show:
                print(file=sys.stderr)
            _print_report(args, report)
            if sync_changed_data(report) and not stop.is_set():
                derived = refresh_derived_data(session)
                if show:
                    print(derived, file=sys.stderr)
            if not args.watch or stop.wait(minutes * 60):
                return int(report.exit_code) if not args.watch else 0


def _print_report(args: argparse.Namespace, report: SyncReport) -> None:
    if flag(args, "json"):
        print(json.dumps(report.to_json()), flush=True)
        return
    for s in report.stores:
        line = (f"{s.name} ({s.platform}): {s.fetched:,} fetched, {s.created:,} created, {s.updated:,} updated, "
                f"{s.quarantined:,} quarantined")
        print(line + "".join(f"\n  error: {e}" for e in s.errors), flush=True)
    print(f"Sync {report.status} in {report.seconds:.1f} s.", flush=True)
