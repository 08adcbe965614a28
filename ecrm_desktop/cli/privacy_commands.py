"""`ecrm privacy`: data subject requests (export, erase), consent and the retention policy."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ecrm_desktop.cli.common import CliError, Parser, flag, output, positive_int, say, signed_in
from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.privacy import RetentionAction, RetentionPolicy

if TYPE_CHECKING:
    from ecrm_desktop.services.privacy import PrivacyService

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def register(add: AddCommand, common: Parser) -> None:
    """Add this module's commands to the `ecrm` parser."""
    privacy = add("privacy", "data subject requests, consent and the retention policy (administrators)")
    privacy.set_defaults(handler=_privacy)
    actions = privacy.add_subparsers(dest="action", parser_class=Parser, required=True)
    export = actions.add_parser("export", parents=[common], help="everything held about a person, as JSON or PDF")
    export.add_argument("email")
    export.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the file to write; a name ending in .pdf gives a readable PDF, anything else JSON")
    erase = actions.add_parser("erase", parents=[common], help="erase a person: personal data removed, orders "
                               "kept anonymised, a tombstone so the next sync does not bring them back")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="confirm without a prompt (required without a terminal)")
    consent = actions.add_parser("consent", parents=[common], help="a person's consent history, or record a change")
    consent.add_argument("email")
    consent.add_argument("--set", choices=[s.value.lower() for s in ConsentState], metavar="STATE",
                         help="record a new email consent state (subscribed, unsubscribed, ...)")
    consent.add_argument("--source", default="recorded in ecrm", help="where the change came from")
    retention = actions.add_parser("retention", parents=[common], help="preview (default), apply or save the "
                                   "policy for customers inactive for N years")
    retention.add_argument("--years", type=positive_int, help="inactive for this many years (default: the saved "
                           "policy)")
    retention.add_argument("--action", dest="treatment", choices=[a.value for a in RetentionAction],
                           help="anonymise (keep a blank record for statistics) or delete")
    retention.add_argument("--apply", action="store_true", help="apply the policy now (after showing the preview)")
    retention.add_argument("--save", action="store_true", help="save the policy for this workspace")
    retention.add_argument("--schedule", choices=("on", "off"), help="with --save: run it after syncs, daily")
    retention.add_argument("--yes", action="store_true", help="confirm --apply without a prompt")


def _privacy(args: argparse.Namespace) -> int:
    from ecrm_desktop.services.privacy import PrivacyService as Service

    with signed_in(args) as session:
        service = Service(session)
        if args.action == "retention":
            return _retention(args, service)
        ids = service.customers_of(args.email)
        if args.action == "export":
            record = service.access_export(ids)
            if args.out.suffix.lower() == ".pdf":
                from ecrm_desktop import app  # Qt lays out the PDF: paid only by this command

                app.write_subject_report(record, args.out)
            else:
                with output(args.out) as out:
                    json.dump(record, out, indent=2, ensure_ascii=False)
            say(args, {"out": str(args.out), "records": len(ids)},
                f"Wrote everything held about that person ({len(ids)} record(s)) to {args.out}.")
            return 0
        if args.action == "consent":
            return _consent(args, service, ids)
        _confirm(args, f"Erase {len(ids)} customer record(s) and everything about them? Type 'erase' to confirm: ")
        erased = service.erase(ids)
    say(args, {"customers": erased.customers, "orders_anonymised": erased.orders, "tickets": erased.tickets,
               "tombstones": erased.tombstones},
        f"Erased {erased.customers} customer record(s); {erased.orders} orders kept anonymised, "
        f"{erased.tickets} tickets blanked.")
    return 0


def _consent(args: argparse.Namespace, service: PrivacyService, ids: list[int]) -> int:
    if args.set:
        for cid in ids:
            service.set_consent(cid, ConsentState(args.set.upper()), args.source)
    history = service.consent_history(ids)
    if flag(args, "json"):
        print(json.dumps(history))
    else:
        for c in history:
            print(f"{c['recorded_at']}  {c['old_state'] or '-'} → {c['new_state']}  source: {c['source'] or '-'}  "
                  f"by: {c['actor'] or '-'}")
    return 0


def _retention(args: argparse.Namespace, service: PrivacyService) -> int:
    saved = service.policy()
    years = args.years or (saved.years if saved else None)
    if years is None:
        raise UsageError("No retention policy is saved: give --years N (and --action anonymise|delete).")
    action = RetentionAction(args.treatment) if args.treatment else (saved.action if saved else
                                                                      RetentionAction.ANONYMISE)
    scheduled = args.schedule == "on" if args.schedule else bool(saved and saved.scheduled)
    policy = RetentionPolicy(years, action, scheduled)
    if args.save:
        service.set_policy(policy)
    preview = service.preview_retention(policy)
    if not args.apply:
        say(args, {"years": years, "action": action.value, "scheduled": scheduled, "saved": args.save,
                   "cutoff": preview.cutoff.isoformat(), "count": preview.count, "customer_ids": preview.customer_ids},
            f"{preview.count:,} customers have been inactive since {preview.cutoff:%Y-%m-%d} and would be "
            f"{action.value}d.{' Policy saved.' if args.save else ''} Add --apply to do it.")
        return 0
    _confirm(args, f"{action.value.capitalize()} {preview.count:,} customers? Type 'erase' to confirm: ")
    result = service.apply_retention(preview)
    say(args, {"years": years, "action": action.value, "customers": result.erased.customers,
               "orders_anonymised": result.erased.orders, "skipped": result.skipped},
        f"{action.value.capitalize()}d {result.erased.customers:,} inactive customers "
        f"({result.skipped} became active since the preview and were left alone).")
    return 0


def _confirm(args: argparse.Namespace, question: str) -> None:
    if args.yes:
        return
    if not sys.stdin.isatty():
        raise CliError("This cannot be undone: add --yes to confirm when running without a terminal.")
    if input(question).strip().lower() != "erase":
        raise CliError("Not confirmed; nothing was changed.")
