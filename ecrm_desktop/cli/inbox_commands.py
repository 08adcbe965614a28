"""Commands of the support mailbox: inbox connect, inbox fetch (docs/inbox-email.md)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from ecrm_desktop.cli.common import Parser, flag, password, say, signed_in

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError("a port is between 1 and 65535")
    return value


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    inbox_cmd = add("inbox", "the support mailbox: connect it, fetch mail and send replies")
    actions = inbox_cmd.add_subparsers(dest="action", parser_class=Parser, required=True)
    connect = actions.add_parser(
        "connect", parents=[common], help="connect the support mailbox (administrators)",
        description="Connect the support mailbox over IMAP and SMTP. Both servers are tested before anything is "
                    "saved. The password comes from ECRM_MAIL_PASSWORD or a prompt and is kept in the OS keyring "
                    "(or, without one, in the encrypted workspace). --security none is accepted only for this "
                    "computer's own servers (127.0.0.1, localhost).")
    connect.add_argument("--imap-host", required=True)
    connect.add_argument("--imap-port", type=_port, help="default 993 (ssl) or 143 (starttls)")
    connect.add_argument("--smtp-host", required=True)
    connect.add_argument("--smtp-port", type=_port, help="default 465 (ssl) or 587 (starttls)")
    connect.add_argument("--user", required=True, help="the mailbox's sign-in name (often its address)")
    connect.add_argument("--address", required=True, help="the support address replies are sent from")
    connect.add_argument("--name", default="", help="the sender name customers see, e.g. 'Northwind Support'")
    connect.add_argument("--security", choices=("ssl", "starttls", "none"), default="ssl",
                         help="how both connections are protected (default ssl)")
    connect.add_argument("--smtp-security", choices=("ssl", "starttls", "none"),
                         help="SMTP's own protection when it differs (e.g. IMAP ssl on 993, SMTP starttls on 587)")
    connect.set_defaults(handler=_connect)
    fetch = actions.add_parser(
        "fetch", parents=[common], help="poll the support mailbox once: new mail to tickets, queued replies out",
        description="Read new mail of the support mailbox into tickets, then send every queued reply, and exit. "
                    "Exit 0 when all went well, 3 when some replies failed, 1 when a server could not be reached, "
                    "5 when a server refused the mailbox password.")
    fetch.set_defaults(handler=_fetch)


def _connect(args: argparse.Namespace) -> int:
    from ecrm_desktop.domain.mail import MailSecurity, mailbox_settings
    from ecrm_desktop.services.mail_channel import MailboxService

    settings = mailbox_settings(args.address, args.user, imap_host=args.imap_host, imap_port=args.imap_port,
                                smtp_host=args.smtp_host, smtp_port=args.smtp_port,
                                security=MailSecurity(args.security),
                                smtp_security=MailSecurity(args.smtp_security) if args.smtp_security else None,
                                display_name=args.name)
    secret = password("ECRM_MAIL_PASSWORD", f"Password of the mailbox {settings.user}: ")
    with signed_in(args) as session:
        test, location = MailboxService(session).connect(settings, secret)
    where = "OS keyring" if location == "keyring" else "encrypted workspace (no keyring on this computer)"
    say(args, {"address": settings.address, "imap": f"{settings.imap_host}:{settings.imap_port}",
               "smtp": f"{settings.smtp_host}:{settings.smtp_port}", "idle": test.idle,
               "sent_folder": test.sent_folder, "messages": test.messages, "password_location": location},
        f"Connected {settings.address}. {test.summary()} The password is in the {where}.")
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.mail_channel import MailChannel
    from ecrm_desktop.services.tickets import TicketService

    with signed_in(args) as session:
        fetched, sent = MailChannel(session, on_tickets=TicketService(session).on_mail).poll()
    if flag(args, "json"):
        print(json.dumps({"status": "partial" if sent.failed else "complete", **fetched.to_json(),
                          "replies": sent.to_json()}))
    else:
        print(f"{fetched.fetched} new mail: {fetched.created} new tickets, {fetched.threaded} added to tickets, "
              f"{fetched.skipped} already known. Replies: {sent.sent} sent, {sent.failed} failed.")
        for error in sent.errors:
            print(f"ecrm: {error}", file=sys.stderr)
    return 3 if sent.failed else 0
