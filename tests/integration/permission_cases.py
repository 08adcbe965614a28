"""The permission matrix's rows: one call per public service operation, with the grant it needs (or any of several
grants), and the few public members that need none, each with the reason. `test_permission_matrix` fails when a
service grows a public operation that is in neither list."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ecrm_desktop.domain.audit import AuditFilter
from ecrm_desktop.domain.csv_import.mapping import ImportKind
from ecrm_desktop.domain.directory import CustomerQuery
from ecrm_desktop.domain.enums import ConsentState, Platform, Role, TicketPriority, TicketStatus
from ecrm_desktop.domain.helpdesk.inbox import TicketQuery
from ecrm_desktop.domain.helpdesk.macros import AppliedMacro, MacroDef
from ecrm_desktop.domain.helpdesk.rules import RuleDef
from ecrm_desktop.domain.helpdesk.sla import SlaTargets
from ecrm_desktop.domain.kpis import Preset
from ecrm_desktop.domain.mail import MailSecurity, mailbox_settings
from ecrm_desktop.domain.orders import OrderQuery
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.privacy import RetentionPolicy
from ecrm_desktop.domain.sync_status import SyncSchedule
from ecrm_desktop.services import after_sync, clv, predictions, privacy, recommend
from ecrm_desktop.services.audit import AuditService
from ecrm_desktop.services.backups import BackupService
from ecrm_desktop.services.csv_import import CsvImportService
from ecrm_desktop.services.customer_directory import CustomerDirectory
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.customers import CustomerService
from ecrm_desktop.services.dashboard import DashboardService
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.inbox_sidebar import SenderService
from ecrm_desktop.services.keys import KeyService
from ecrm_desktop.services.macros import MacroService
from ecrm_desktop.services.mail_channel.attachments import Attachments
from ecrm_desktop.services.mail_channel.channel import MailChannel
from ecrm_desktop.services.mail_channel.mailbox import MailboxService
from ecrm_desktop.services.mfa import MfaService
from ecrm_desktop.services.orders import OrderService
from ecrm_desktop.services.permissions import RoleService
from ecrm_desktop.services.privacy import PrivacyService
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.settings import SettingsService
from ecrm_desktop.services.stores import StoreService
from ecrm_desktop.services.sync import SyncService
from ecrm_desktop.services.sync_history import SyncHistory
from ecrm_desktop.services.sync_schedule import SyncScheduleService
from ecrm_desktop.services.ticket_import import TicketImportService
from ecrm_desktop.services.ticket_rules import RuleService
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.users import UserService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import Store
from tests.conftest import FAST_KDF


@dataclass(frozen=True)
class Seeded:
    """What the calls act on: customers, an order with payment details, notes, a ticket with a queued reply and
    an attachment, a macro, a ticket rule, and a folder with a customers CSV file."""

    customer: int
    other: int
    order: int
    note: int
    sensitive_note: int
    ticket: int
    reply: int
    attachment: int
    macro: int
    rule: int
    folder: Path

    @property
    def csv(self) -> Path:
        return self.folder / "customers.csv"


Call = Callable[[UserSession, Seeded], Any]
Needs = Operation | tuple[Operation, ...]  # a tuple: any one of them will do


def _merge_and_undo(s: UserSession, d: Seeded) -> None:
    service = CustomerProfileService(s)
    service.undo_merge(service.merge(d.customer, d.other))


def _save_and_delete(s: UserSession, _d: Seeded) -> None:
    service = SegmentService(s)
    service.save(f"tmp {s.role}", "number_of_orders > 1")
    service.delete(f"tmp {s.role}")


def _macro_round_trip(s: UserSession, d: Seeded) -> None:
    service = MacroService(s)
    service.delete(service.save(MacroDef(0, f"tmp {s.role}", "Hello {{customer.first_name}}")))


def _rule_round_trip(s: UserSession, _d: Seeded) -> None:
    service = RuleService(s)
    service.delete_rule(service.save_rule(RuleDef(f"tmp {s.role}", add_tag="vip")))


def _sent_macro(s: UserSession, d: Seeded) -> int:
    return MacroService(s).send(AppliedMacro(MacroDef(d.macro, "Thanks", "Thanks!"), "Thanks!"), d.ticket,
                                "Thanks!")


def _watch_once(s: UserSession, _d: Seeded) -> None:
    stop = threading.Event()
    stop.set()
    MailChannel(s).watch(stop, lambda _f, _s: None, lambda _e: None)


_MAILBOX = mailbox_settings("help@example.com", "help@example.com", imap_host="127.0.0.1", imap_port=9,
                            smtp_host="127.0.0.1", smtp_port=9, security=MailSecurity.SSL)
_POLICY = RetentionPolicy(50)
_NOW = datetime(2026, 6, 1, tzinfo=UTC)
_O = Operation

CASES: list[tuple[str, Needs, Call]] = [
    # customers and orders
    ("CustomerService.search", _O.VIEW_CUSTOMERS, lambda s, _d: CustomerService(s).search("a")),
    ("CustomerService.export", _O.EXPORT_CUSTOMERS, lambda s, _d: next(CustomerService(s).export())),
    ("CustomerDirectory.count", _O.VIEW_CUSTOMERS, lambda s, _d: CustomerDirectory(s).count(CustomerQuery())),
    ("CustomerDirectory.page", _O.VIEW_CUSTOMERS, lambda s, _d: CustomerDirectory(s).page(CustomerQuery(), 0, 5)),
    ("CustomerProfileService.profile", _O.VIEW_CUSTOMERS,
     lambda s, d: CustomerProfileService(s).profile(d.customer)),
    ("CustomerProfileService.set_tags", _O.EDIT_CUSTOMERS,
     lambda s, d: CustomerProfileService(s).set_tags(d.customer, [s.role])),
    ("CustomerProfileService.add_note", _O.EDIT_CUSTOMERS,
     lambda s, d: CustomerProfileService(s).add_note(d.customer, "hi")),
    ("CustomerProfileService.add_note[sensitive]", _O.VIEW_SENSITIVE_NOTES,
     lambda s, d: CustomerProfileService(s).add_note(d.customer, "private", sensitive=True)),
    ("CustomerProfileService.edit_note", _O.EDIT_CUSTOMERS,
     lambda s, d: CustomerProfileService(s).edit_note(d.note, "ok")),
    ("CustomerProfileService.edit_note[sensitive]", _O.VIEW_SENSITIVE_NOTES,
     lambda s, d: CustomerProfileService(s).edit_note(d.sensitive_note, "still private")),
    ("CustomerProfileService.merge_candidates", _O.MERGE_CUSTOMERS,
     lambda s, d: CustomerProfileService(s).merge_candidates(d.customer, "a")),
    ("CustomerProfileService.merge", _O.MERGE_CUSTOMERS, _merge_and_undo),
    ("CustomerProfileService.undo_merge", _O.MERGE_CUSTOMERS,
     lambda s, _d: CustomerProfileService(s).undo_merge(10**9)),
    ("OrderService.count", _O.VIEW_ORDERS, lambda s, _d: OrderService(s).count(OrderQuery())),
    ("OrderService.page", _O.VIEW_ORDERS, lambda s, _d: OrderService(s).page(OrderQuery(), 0, 5)),
    ("OrderService.detail", _O.VIEW_ORDERS, lambda s, d: OrderService(s).detail(d.order)),
    # segments
    ("SegmentService.count", _O.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).count("number_of_orders > 0")),
    ("SegmentService.list", _O.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).list()),
    ("SegmentService.get", _O.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).get("Repeat")),
    ("SegmentService.history", _O.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).history("Repeat")),
    ("SegmentService.rfm_grid", _O.VIEW_SEGMENT_COUNTS, lambda s, _d: SegmentService(s).rfm_grid()),
    ("SegmentService.includes", (_O.VIEW_SEGMENT_COUNTS, _O.HANDLE_TICKETS),
     lambda s, d: SegmentService(s).includes("Repeat", d.customer)),
    ("SegmentService.member_ids", _O.VIEW_SEGMENT_MEMBERS,
     lambda s, _d: SegmentService(s).member_ids("number_of_orders > 0")),
    ("SegmentService.count_rows", _O.VIEW_SEGMENT_MEMBERS,
     lambda s, _d: SegmentService(s).count_rows("number_of_orders > 0", CustomerQuery())),
    ("SegmentService.page_rows", _O.VIEW_SEGMENT_MEMBERS,
     lambda s, _d: SegmentService(s).page_rows("number_of_orders > 0", CustomerQuery(), 0, 5)),
    ("SegmentService.changes", _O.VIEW_SEGMENT_MEMBERS, lambda s, _d: SegmentService(s).changes("Repeat")),
    ("SegmentService.save", _O.MANAGE_SEGMENTS, _save_and_delete),
    ("SegmentService.delete", _O.MANAGE_SEGMENTS, lambda s, _d: SegmentService(s).delete("no such segment")),
    ("SegmentService.export", _O.EXPORT_CUSTOMERS, lambda s, _d: list(SegmentService(s).export("Repeat"))),
    ("SegmentService.export[contacts]", _O.EXPORT_CONTACTS,
     lambda s, _d: list(SegmentService(s).export("Repeat", contacts_only=True))),
    ("SegmentService.refresh_all", _O.SYNC, lambda s, _d: SegmentService(s).refresh_all()),
    ("SegmentService.refresh_rfm", _O.SYNC, lambda s, d: SegmentService(s).refresh_rfm([d.customer])),
    # dashboards, marketing spend, models
    ("DashboardService.load", _O.VIEW_DASHBOARD,
     lambda s, _d: (svc := DashboardService(s)).load(svc.preset(Preset.LAST_30_DAYS))),
    ("DashboardService.load_report", _O.VIEW_DASHBOARD,
     lambda s, _d: DashboardService(s).load_report(DashboardService(s).preset(Preset.LAST_7_DAYS))),
    ("DashboardService.preset", _O.VIEW_DASHBOARD, lambda s, _d: DashboardService(s).preset(Preset.LAST_7_DAYS)),
    ("DashboardService.today", _O.VIEW_DASHBOARD, lambda s, _d: DashboardService(s).today()),
    ("DashboardService.segment_names", _O.VIEW_DASHBOARD, lambda s, _d: DashboardService(s).segment_names()),
    ("DashboardService.check_model", _O.RUN_MODELS, lambda s, _d: DashboardService(s).check_model()),
    ("DashboardService.set_spend", _O.MANAGE_MARKETING_SPEND,
     lambda s, _d: DashboardService(s).set_spend("ads", "2026-01", 100)),
    ("DashboardService.import_spend", _O.MANAGE_MARKETING_SPEND,
     lambda s, _d: DashboardService(s).import_spend([("mail", "2026-02", 50)])),
    ("DashboardService.import_spend_csv", _O.MANAGE_MARKETING_SPEND,
     lambda s, d: DashboardService(s).import_spend_csv(d.folder / "no-spend.csv")),
    ("DashboardService.rebuild_rollups", _O.SYNC, lambda s, _d: DashboardService(s).rebuild_rollups()),
    ("clv.validate_workspace", _O.RUN_MODELS, lambda s, _d: clv.validate_workspace(s, date(2025, 6, 1))),
    ("clv.predict_workspace", _O.RUN_MODELS, lambda s, _d: clv.predict_workspace(s, date(2026, 1, 1))),
    ("clv.score_customers", (_O.RUN_MODELS, _O.SYNC), lambda s, _d: clv.score_customers(s, date(2026, 1, 1))),
    ("recommend.evaluate", _O.RUN_MODELS, lambda s, _d: recommend.evaluate(s)),
    ("predictions.refresh_predictions", _O.SYNC, lambda s, _d: predictions.refresh_predictions(s)),
    ("after_sync.refresh_derived_data", _O.SYNC, lambda s, _d: after_sync.refresh_derived_data(s)),
    # stores, sync, CSV import, settings
    ("StoreService.list", _O.SYNC, lambda s, _d: StoreService(s).list()),
    ("StoreService.connector", _O.SYNC, lambda s, _d: StoreService(s).connector(_any_store(s))),
    ("StoreService.add_shopify", _O.MANAGE_STORES,
     lambda s, _d: StoreService(s).add_shopify("X", "https://x.invalid", "")),
    ("StoreService.add_woocommerce", _O.MANAGE_STORES,
     lambda s, _d: StoreService(s).add_woocommerce("W", "https://w.invalid", "", "")),
    ("StoreService.add_vendure", _O.MANAGE_STORES,
     lambda s, _d: StoreService(s).add_vendure("V", "https://v.invalid", "", "")),
    ("StoreService.check", _O.MANAGE_STORES,
     lambda s, _d: StoreService(s).check(Platform.SHOPIFY, "http://127.0.0.1:9", "token")),
    ("StoreService.disconnect", _O.MANAGE_STORES, lambda s, _d: StoreService(s).disconnect("nowhere")),
    ("SyncService.run", _O.SYNC, lambda s, _d: SyncService(s).run("nowhere")),
    ("SyncHistory.runs", _O.SYNC, lambda s, _d: SyncHistory(s).runs()),
    ("SyncHistory.quarantined", _O.SYNC, lambda s, _d: SyncHistory(s).quarantined()),
    ("SyncHistory.payload", _O.MANAGE_STORES, lambda s, _d: SyncHistory(s).payload(1)),
    ("SyncScheduleService.read", _O.SYNC, lambda s, _d: SyncScheduleService(s).read()),
    ("SyncScheduleService.write", _O.MANAGE_SETTINGS,
     lambda s, _d: SyncScheduleService(s).write(SyncSchedule(30, False, False))),
    ("CsvImportService.columns", _O.MANAGE_STORES, lambda s, d: CsvImportService(s).columns(d.csv)),
    ("CsvImportService.read", _O.MANAGE_STORES,
     lambda s, d: CsvImportService(s).read(d.csv, ImportKind.CUSTOMERS)),
    ("CsvImportService.run", _O.MANAGE_STORES,
     lambda s, d: (svc := CsvImportService(s)).run(svc.read(d.csv, ImportKind.CUSTOMERS), "c.csv", dry_run=True)),
    ("CsvImportService.save_rejections", _O.MANAGE_STORES,
     lambda s, d: CsvImportService(s).save_rejections(d.csv, [], (d.folder / f"rej-{s.role}.csv").open("w"))),
    ("demo.fill_demo", _O.MANAGE_STORES, lambda s, _d: fill_demo(s, 1)),
    ("SettingsService.set_idle_lock_minutes", _O.MANAGE_SETTINGS,
     lambda s, _d: SettingsService(s).set_idle_lock_minutes(20)),
    # users, roles, second factors, audit, keys, backups
    ("UserService.add", _O.MANAGE_USERS,
     lambda s, _d: UserService(s, FAST_KDF).add(f"new-{s.role}", Role.SALES, "another-long-password-7")),
    ("UserService.set_role", _O.MANAGE_USERS, lambda s, _d: UserService(s).set_role("sam", Role.SALES)),
    ("RoleService.grants", _O.MANAGE_USERS, lambda s, _d: RoleService(s).grants()),
    ("RoleService.set_grants", _O.MANAGE_USERS,
     lambda s, _d: (svc := RoleService(s)).set_grants(Role.SUPPORT, svc.grants()[Role.SUPPORT])),
    ("RoleService.reset", _O.MANAGE_USERS, lambda s, _d: RoleService(s).reset(Role.SALES)),
    ("MfaService.disable[other user]", _O.MANAGE_USERS, lambda s, _d: MfaService(s).disable("sam")),
    ("AuditService.verify", _O.VIEW_AUDIT, lambda s, _d: AuditService(s).verify()),
    ("AuditService.rows", _O.VIEW_AUDIT, lambda s, _d: next(AuditService(s).rows())),
    ("AuditService.search", _O.VIEW_AUDIT, lambda s, _d: AuditService(s).search(AuditFilter())),
    ("AuditService.count", _O.VIEW_AUDIT, lambda s, _d: AuditService(s).count(AuditFilter())),
    ("AuditService.users_and_actions", _O.VIEW_AUDIT, lambda s, _d: AuditService(s).users_and_actions()),
    ("AuditService.export_filtered", _O.VIEW_AUDIT,
     lambda s, _d: list(AuditService(s).export_filtered(AuditFilter(user="nobody")))),
    ("KeyService.rotate", _O.ROTATE_KEYS, lambda s, _d: KeyService(s).rotate()),
    ("KeyService.remove_user", _O.ROTATE_KEYS, lambda s, _d: KeyService(s).remove_user("nobody-here")),
    ("BackupService.create", _O.BACKUP, lambda s, d: BackupService(s).create(d.folder / f"backup-{s.role}.ecrmbak")),
    # privacy requests
    ("PrivacyService.customers_of", _O.PRIVACY_REQUESTS,
     lambda s, _d: PrivacyService(s).customers_of("nobody@example.com")),
    ("PrivacyService.access_export", _O.PRIVACY_REQUESTS,
     lambda s, d: PrivacyService(s).access_export([d.customer])),
    ("PrivacyService.erase", _O.PRIVACY_REQUESTS, lambda s, _d: PrivacyService(s).erase([10**9])),
    ("PrivacyService.set_consent", _O.PRIVACY_REQUESTS,
     lambda s, d: PrivacyService(s).set_consent(d.other, ConsentState.SUBSCRIBED, "matrix")),
    ("PrivacyService.consent_history", _O.PRIVACY_REQUESTS,
     lambda s, d: PrivacyService(s).consent_history([d.customer])),
    ("PrivacyService.policy", _O.PRIVACY_REQUESTS, lambda s, _d: PrivacyService(s).policy()),
    ("PrivacyService.set_policy", _O.PRIVACY_REQUESTS, lambda s, _d: PrivacyService(s).set_policy(None)),
    ("PrivacyService.preview_retention", _O.PRIVACY_REQUESTS,
     lambda s, _d: PrivacyService(s).preview_retention(_POLICY, _NOW)),
    ("PrivacyService.apply_retention", _O.PRIVACY_REQUESTS,
     lambda s, _d: (svc := PrivacyService(s)).apply_retention(svc.preview_retention(_POLICY, _NOW))),
    ("privacy.run_due_retention", _O.SYNC, lambda s, _d: privacy.run_due_retention(s)),
    # tickets, macros, rules and SLAs, ticket import, the sender sidebar
    ("TicketService.count", _O.VIEW_TICKETS, lambda s, _d: TicketService(s).count(TicketQuery())),
    ("TicketService.page", _O.VIEW_TICKETS, lambda s, _d: TicketService(s).page(TicketQuery(), 0, 5)),
    ("TicketService.view_counts", _O.VIEW_TICKETS, lambda s, _d: TicketService(s).view_counts()),
    ("TicketService.tag_counts", _O.VIEW_TICKETS, lambda s, _d: TicketService(s).tag_counts()),
    ("TicketService.conversation", _O.VIEW_TICKETS, lambda s, d: TicketService(s).conversation(d.ticket)),
    ("TicketService.agents", _O.VIEW_TICKETS, lambda s, _d: TicketService(s).agents()),
    ("TicketService.breach_count", _O.VIEW_TICKETS, lambda s, _d: TicketService(s).breach_count()),
    ("TicketService.create", _O.HANDLE_TICKETS,
     lambda s, _d: TicketService(s).create("Where is my parcel", "It has not come.", requester_email="a@b.c")),
    ("TicketService.process_new", _O.HANDLE_TICKETS, lambda s, d: TicketService(s).process_new([d.ticket])),
    ("TicketService.process_updated", _O.HANDLE_TICKETS,
     lambda s, d: TicketService(s).process_updated([d.ticket])),
    ("TicketService.on_mail", _O.HANDLE_TICKETS, lambda s, _d: _on_mail(s)),
    ("TicketService.reply", _O.HANDLE_TICKETS, lambda s, d: TicketService(s).reply(d.ticket, "On its way.")),
    ("TicketService.add_note", _O.HANDLE_TICKETS, lambda s, d: TicketService(s).add_note(d.ticket, "Called them.")),
    ("TicketService.set_status", _O.HANDLE_TICKETS,
     lambda s, d: TicketService(s).set_status([d.ticket], TicketStatus.PENDING)),
    ("TicketService.solve", _O.HANDLE_TICKETS, lambda s, d: TicketService(s).solve([d.ticket])),
    ("TicketService.snooze", _O.HANDLE_TICKETS,
     lambda s, d: TicketService(s).snooze([d.ticket], datetime.now(UTC) + timedelta(days=1))),
    ("TicketService.wake_snoozed", _O.VIEW_TICKETS, lambda s, _d: TicketService(s).wake_snoozed()),
    ("TicketService.set_priority", _O.HANDLE_TICKETS,
     lambda s, d: TicketService(s).set_priority([d.ticket], TicketPriority.HIGH)),
    ("TicketService.assign", _O.HANDLE_TICKETS, lambda s, d: TicketService(s).assign([d.ticket], None)),
    ("TicketService.add_tag", _O.HANDLE_TICKETS, lambda s, d: TicketService(s).add_tag([d.ticket], "parcel")),
    ("TicketService.remove_tag", _O.HANDLE_TICKETS,
     lambda s, d: TicketService(s).remove_tag([d.ticket], "parcel")),
    ("TicketService.set_available", _O.HANDLE_TICKETS,
     lambda s, _d: TicketService(s).set_available(s.user_name, True)),
    ("TicketService.merge", _O.HANDLE_TICKETS, lambda s, d: TicketService(s).merge(d.ticket, [10**9])),
    ("SenderService.card", _O.VIEW_TICKETS, lambda s, d: SenderService(s).card(d.ticket)),
    ("SenderService.link", _O.HANDLE_TICKETS, lambda s, d: SenderService(s).link(d.ticket, d.customer)),
    ("SenderService.create_customer", _O.HANDLE_TICKETS,
     lambda s, d: SenderService(s).create_customer(d.ticket)),
    ("MacroService.list", _O.VIEW_TICKETS, lambda s, _d: MacroService(s).list()),
    ("MacroService.preview", _O.VIEW_TICKETS,
     lambda s, d: MacroService(s).preview("Hi {{customer.first_name}}", d.ticket)),
    ("MacroService.apply", _O.VIEW_TICKETS, lambda s, d: MacroService(s).apply(d.macro, d.ticket)),
    ("MacroService.save", _O.HANDLE_TICKETS, _macro_round_trip),
    ("MacroService.delete", _O.HANDLE_TICKETS, lambda s, _d: MacroService(s).delete(10**9)),
    ("MacroService.send", _O.HANDLE_TICKETS, _sent_macro),
    ("RuleService.rules", _O.VIEW_TICKETS, lambda s, _d: RuleService(s).rules()),
    ("RuleService.segment_names", _O.VIEW_TICKETS, lambda s, _d: RuleService(s).segment_names()),
    ("RuleService.sla_targets", _O.VIEW_TICKETS, lambda s, _d: RuleService(s).sla_targets()),
    ("RuleService.save_rule", _O.MANAGE_SETTINGS, _rule_round_trip),
    ("RuleService.delete_rule", _O.MANAGE_SETTINGS, lambda s, _d: RuleService(s).delete_rule(10**9)),
    ("RuleService.set_sla", _O.MANAGE_SETTINGS,
     lambda s, _d: RuleService(s).set_sla(TicketPriority.LOW, SlaTargets(600, 6000))),
    ("TicketImportService.import_csv", _O.HANDLE_TICKETS,
     lambda s, d: TicketImportService(s).import_csv(d.csv, dry_run=True)),
    # the support mailbox
    ("MailboxService.settings", (_O.VIEW_TICKETS, _O.MANAGE_SETTINGS), lambda s, _d: MailboxService(s).settings()),
    ("MailboxService.password", _O.HANDLE_TICKETS, lambda s, _d: MailboxService(s).password()),
    ("MailboxService.test", _O.MANAGE_SETTINGS, lambda s, _d: MailboxService(s).test(_MAILBOX, "pw")),
    ("MailboxService.connect", _O.MANAGE_SETTINGS, lambda s, _d: MailboxService(s).connect(_MAILBOX, "pw")),
    ("MailChannel.fetch", _O.HANDLE_TICKETS, lambda s, _d: MailChannel(s).fetch()),
    ("MailChannel.send_pending", _O.HANDLE_TICKETS, lambda s, _d: MailChannel(s).send_pending()),
    ("TicketService.retry_reply", _O.HANDLE_TICKETS, lambda s, d: TicketService(s).retry_reply(d.reply)),
    ("MailChannel.poll", _O.HANDLE_TICKETS, lambda s, _d: MailChannel(s).poll()),
    ("MailChannel.watch", _O.HANDLE_TICKETS, _watch_once),
    ("Attachments.of_message", _O.VIEW_TICKETS, lambda s, d: Attachments(s).of_message(d.reply)),
    ("Attachments.content", _O.VIEW_TICKETS, lambda s, d: Attachments(s).content(d.attachment)),
    ("Attachments.save_to", _O.VIEW_TICKETS,
     lambda s, d: Attachments(s).save_to(d.attachment, d.folder / f"saved-{s.role}.txt")),
    ("Attachments.attach", _O.HANDLE_TICKETS,
     lambda s, d: Attachments(s).attach(d.reply, "more.txt", b"more")),
]

# Public members that need no grant, and why (each one is a decision someone made, not an oversight).
EXEMPT: Mapping[str, str] = {
    "MfaService.status": "the signed-in user's own second factor",
    "MfaService.begin": "the signed-in user's own second factor",
    "MfaService.confirm": "the signed-in user's own second factor",
    "MfaService.new_recovery_codes": "the signed-in user's own second factor",
    "UserService.list": "names and roles, needed by everyone to assign tickets and to see who is signed in",
    "SettingsService.idle_lock_minutes": "every signed-in window needs it to lock itself",
    "SettingsService.sync_interval_minutes": "every signed-in window needs it to schedule the sync",
    "StatusService.data_as_of": "the status bar's time of the last sync, no customer data",
    "KeyService.last_rotation": "a date, no customer data; the reminder only reaches key rotators",
    "KeyService.reminder": "answers None to roles that may not rotate keys",
    "SegmentService.parse": "checks the syntax of the user's own query, reads nothing",
    "SegmentService.ensure_rfm": "computes derived scores and returns nothing; the callers are checked",
    "segments.build_segment_rollups": "fills a saved segment's derived figures and returns nothing; its callers "
                                      "(dashboard load, segment save, evaluation) are checked",
    "TicketService.now": "the service's clock",
    "TicketService.require": "the check itself",
    "CsvImportService.load_mapping": "parses the user's own mapping file, reads nothing from the workspace",
    "orders.visible_payment": "the filter that hides payment details from roles without VIEW_PAYMENT",
    "permissions.require": "the check itself",
    "permissions.require_any": "the check itself",
    "search_scope.search_fields": "which index columns the user's own searches match in",
}


def _any_store(s: UserSession) -> Store:
    with s.workspace.sessions() as db:
        return db.execute(select(Store).limit(1)).scalar_one()


def _on_mail(s: UserSession) -> None:
    with s.workspace.sessions() as db, db.begin():
        TicketService(s).on_mail(db, [], [])


def needed(needs: Needs) -> tuple[Operation, ...]:
    return needs if isinstance(needs, tuple) else (needs,)


def role_may(grants: frozenset[Operation], needs: Needs) -> bool:
    return any(o in grants for o in needed(needs))
