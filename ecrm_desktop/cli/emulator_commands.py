"""`ecrm emulator serve`: the demo store through a Shopify- or WooCommerce-shaped API on 127.0.0.1, for trying
ecrm, scripted tests and the installer's self-test."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from collections.abc import Callable
from types import FrameType

from ecrm_desktop.cli.common import CliError, Parser, flag, positive_int
from ecrm_desktop.domain.enums import Platform

AddCommand = Callable[[str, str], argparse.ArgumentParser]

UNLIMITED = 1e15  # points: a bucket that never runs dry
FAULTS = ("429", "503", "reset", "malformed", "slow", "throttle")


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    emulator_cmd = add("emulator", "the store emulator: a demo store behind a platform-shaped API on 127.0.0.1")
    emulator_cmd.set_defaults(handler=_serve)
    actions = emulator_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    serve = actions.add_parser(
        "serve", parents=[common], help="serve the demo store until Ctrl+C or SIGTERM",
        description="Serve the demo store (the same one 'ecrm demo' generates for the same customers and seed) "
                    "through a Shopify-shaped GraphQL or WooCommerce-shaped REST API on 127.0.0.1, until Ctrl+C "
                    "or SIGTERM. It prints its address and the emulator's well-known credentials: connect it "
                    "with 'ecrm stores add'. With --json: one JSON document with url, platform and credentials.")
    serve.add_argument("--platform", choices=[Platform.SHOPIFY.value, Platform.WOOCOMMERCE.value], required=True)
    serve.add_argument("--port", type=_port, default=0, help="port on 127.0.0.1 (default: any free one)")
    serve.add_argument("--customers", type=positive_int, default=2_000,
                       help="customers of the demo (both stores together; default 2000)")
    serve.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same store")
    serve.add_argument("--latency", type=_seconds, default=0.0, metavar="SECONDS",
                       help="answer every request this much later")
    serve.add_argument("--rate-limit", type=_rate, default=None, metavar="POINTS|off",
                       help="Shopify only: the cost bucket's restore rate in points a second (default 100, "
                            "Shopify's standard; the bucket holds 20 seconds' worth), or 'off'")
    serve.add_argument("--fault", action="append", choices=FAULTS, default=[], metavar="KIND",
                       help=f"answer the next request with this fault ({', '.join(FAULTS)}); repeat to queue "
                            "several, consumed one request each in order")


def _serve(args: argparse.Namespace) -> int:
    from ecrm_desktop.sync.emulator.demo_records import demo_emulated_store
    from ecrm_desktop.sync.emulator.faults import Faults
    from ecrm_desktop.sync.emulator.server import serve
    from ecrm_desktop.sync.emulator.shopify_api import Bucket

    platform = Platform(args.platform)
    if args.rate_limit is not None and platform is not Platform.SHOPIFY:
        raise CliError("--rate-limit applies to the Shopify emulator only (WooCommerce has no cost bucket).")
    store = demo_emulated_store(platform, args.customers, args.seed)
    faults = Faults(latency=args.latency)
    faults.inject(*args.fault)
    bucket = None
    if args.rate_limit == 0:
        bucket = Bucket(maximum=UNLIMITED, available=UNLIMITED)
    elif args.rate_limit is not None:
        bucket = Bucket(maximum=20 * args.rate_limit, restore_rate=args.rate_limit, available=20 * args.rate_limit)

    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        server = serve(store, platform, args.port, faults, bucket)
    except OSError as exc:
        raise CliError(f"Cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}; choose another --port "
                       "or leave it out for a free one.") from None
    try:
        credentials = {"token": store.token} if platform is Platform.SHOPIFY else {"key": store.key,
                                                                                   "secret": store.secret}
        if flag(args, "json"):
            print(json.dumps({"url": server.url, "platform": platform.value, "credentials": credentials,
                              "store": store.name, "currency": store.currency,
                              "customers": len(store.customers), "orders": len(store.orders),
                              "products": len(store.products), "checkouts": len(store.checkouts)}), flush=True)
        else:
            print(_instructions(platform, store.name, server.url, credentials, customers=len(store.customers),
                                orders=len(store.orders)), flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


def _instructions(platform: Platform, name: str, url: str, credentials: dict[str, str], *, customers: int,
                  orders: int) -> str:
    if platform is Platform.SHOPIFY:
        connect = (f"ECRM_STORE_TOKEN={credentials['token']} ecrm stores add shopify --name '{name}' "
                   f"--shop-url {url}")
    else:
        connect = (f"ECRM_STORE_SECRET={credentials['secret']} ecrm stores add woocommerce --name '{name}' "
                   f"--url {url} --key {credentials['key']}")
    shown = ", ".join(f"{k} {v}" for k, v in credentials.items())
    return (f"Serving the demo {platform.value} store {name} ({customers:,} customers, {orders:,} orders) at {url}\n"
            f"Emulator credentials: {shown}\n"
            f"Connect it with:\n  {connect}\n"
            "Stop with Ctrl+C.")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is between 0 (any free one) and 65535")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= 60:
        raise argparse.ArgumentTypeError("latency is between 0 and 60 seconds")
    return value


def _rate(text: str) -> float:
    """Points a second, or 0 for 'off'."""
    if text.strip().lower() == "off":
        return 0.0
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is neither a number of points a second nor 'off'") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the rate is above 0 (or 'off')")
    return value
