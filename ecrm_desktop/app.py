"""The composition root: signs the user in, builds services, pairs presenters with views, opens the window.

Only QtWidgets and the sign-in dialog are imported before the dialog paints; SQLAlchemy, argon2, keyring and
the screens are imported on the worker while the user types, or when the window is built.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.presenters.unlock import FirstRunPresenter, UnlockPresenter
from ecrm_desktop.services.log_files import configure_logging
from ecrm_desktop.views.sign_in import FirstRunDialog, UnlockDialog

if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable

    from PySide6.QtWidgets import QPushButton, QWidget

    from ecrm_desktop.domain.kpis import Dashboard, Period
    from ecrm_desktop.presenters.dashboard import DashboardPresenter
    from ecrm_desktop.presenters.inbox import InboxPresenter
    from ecrm_desktop.presenters.mail_watch import MailWatchPresenter
    from ecrm_desktop.presenters.navigation import NavigationPresenter, Place, Screen
    from ecrm_desktop.presenters.privacy import PrivacyPresenter
    from ecrm_desktop.presenters.profile import ProfilePresenter
    from ecrm_desktop.presenters.segments import SegmentsPresenter
    from ecrm_desktop.presenters.sync_screen import SyncPresenter
    from ecrm_desktop.services.secrets import SecretStore
    from ecrm_desktop.services.workspace import UserSession, WorkspaceService
    from ecrm_desktop.sync.http import HttpOptions
    from ecrm_desktop.views.audit_screen import AuditScreen
    from ecrm_desktop.views.dashboard_screen import DashboardScreen
    from ecrm_desktop.views.inbox_screen import InboxScreen
    from ecrm_desktop.views.main_window import MainWindow
    from ecrm_desktop.views.profile_screen import ProfileScreen
    from ecrm_desktop.views.segments_screen import SegmentsScreen
    from ecrm_desktop.views.settings_screen import SettingsScreen
    from ecrm_desktop.views.sync_screen import SyncScreen


def run_gui(folder: Path, debug: bool = False) -> int:
    """Open the window on the workspace in `folder`; returns the application's exit code."""
    configure_logging(debug)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("ecrm")
    runner = TaskRunner()
    QApplication.setQuitOnLastWindowClosed(False)  # closing the dialog must not end the application
    session = sign_in(folder, runner)
    if session is None:
        runner.wait()
        return 0
    window = build_main_window(session, runner)
    window.show()
    QApplication.setQuitOnLastWindowClosed(True)
    code = int(QApplication.exec())
    runner.wait()
    session.close()
    return code


def _workspaces() -> WorkspaceService:
    from ecrm_desktop.services.workspace import WorkspaceService

    return WorkspaceService()


def sign_in(folder: Path, runner: TaskRunner, workspaces: Callable[[], WorkspaceService] = _workspaces,
            settings: QSettings | None = None) -> UserSession | None:
    """The unlock dialog, or the first-run dialog where the folder holds no workspace; None if cancelled.
    `settings` remembers the last user name (the user's ecrm settings unless given)."""
    settings = settings or QSettings("ecrm", "ecrm")
    opened: list[UserSession] = []
    service: list[WorkspaceService] = []

    def svc() -> WorkspaceService:  # built on the worker, the first time it is needed
        if not service:
            service.append(workspaces())
        return service[0]

    def accept(session: UserSession) -> None:
        opened.append(session)
        settings.setValue("last_user", session.user_name)
        dialog.accept()

    dialog: UnlockDialog | FirstRunDialog
    if (folder / "keyslots.json").exists():
        user = str(settings.value("last_user", "admin"))
        dialog = UnlockDialog(folder, user)
        unlock = UnlockPresenter(dialog, runner, lambda u, p, r, c: svc().unlock(folder, u, p, r, c),
                                 lambda u: svc().unlock_remembered(folder, u), accept)
        dialog.attach(unlock)
        QTimer.singleShot(0, lambda: unlock.try_remembered(user))
    else:
        dialog = FirstRunDialog(folder)

        def fill(session: UserSession, customers: int, progress: Callable[[int, int], None],
                 stop: Callable[[], bool]) -> None:
            from ecrm_desktop.services.demo import fill_demo

            fill_demo(session, customers, progress=progress, should_cancel=stop)

        first_run = FirstRunPresenter(dialog, runner, lambda u, p: svc().create(folder, u, p), fill, accept)
        dialog.attach(first_run)
        runner.submit(lambda _s: svc(), lambda _w: None, "Starting")
    dialog.show()
    dialog.raise_()
    result = dialog.exec()
    dialog.deleteLater()
    return opened[0] if result == QDialog.DialogCode.Accepted and opened else None


def build_main_window(session: UserSession, runner: TaskRunner, secrets: SecretStore | None = None) -> MainWindow:
    """Every screen with its presenter and services, navigation and the status bar, on the customers screen;
    store secrets live in `secrets` (the system keyring unless given)."""
    from ecrm_desktop.domain.permissions import Operation
    from ecrm_desktop.presenters.customers import CustomersPresenter
    from ecrm_desktop.presenters.navigation import NavigationPresenter, Place, Screen
    from ecrm_desktop.presenters.orders import OrderPresenter, OrdersPresenter
    from ecrm_desktop.presenters.profile import ProfilePresenter
    from ecrm_desktop.presenters.status import StatusPresenter
    from ecrm_desktop.services.customer_directory import CustomerDirectory
    from ecrm_desktop.services.customer_profile import CustomerProfileService
    from ecrm_desktop.services.orders import OrderService
    from ecrm_desktop.services.segments import SegmentService
    from ecrm_desktop.services.status import StatusService
    from ecrm_desktop.views.customers_screen import CustomersScreen
    from ecrm_desktop.views.main_window import MainWindow
    from ecrm_desktop.views.order_screen import OrderScreen
    from ecrm_desktop.views.orders_screen import OrdersScreen
    from ecrm_desktop.views.profile_screen import ProfileScreen

    def go(place: Place) -> None:
        nav.go(place)

    customers_view, profile_view = CustomersScreen(), ProfileScreen()
    orders_view, order_view = OrdersScreen(), OrderScreen()
    segments_view, segments, dashboard_view, dashboard = _analysis_screens(session, runner, go)
    settings_view, audit_view, admin_openers = _security_screens(session, runner)
    sync_runner = TaskRunner()
    sync_view, sync = build_sync_screen(session, runner, sync_runner, secrets)
    mail: list[MailWatchPresenter] = []  # the mailbox watch, made once the window exists
    inbox_view, inbox = build_inbox_screen(session, runner, go, lambda: mail[0].poke() if mail else None)
    privacy_view, privacy = _privacy_screen(session, runner, secrets)
    window = MainWindow({Screen.INBOX: inbox_view, Screen.CUSTOMERS: customers_view, Screen.CUSTOMER: profile_view,
                         Screen.ORDERS: orders_view, Screen.ORDER: order_view, Screen.SEGMENTS: segments_view,
                         Screen.DASHBOARD: dashboard_view, Screen.SYNC: sync_view, Screen.SETTINGS: settings_view,
                         **({Screen.AUDIT: audit_view} if audit_view is not None else {}),
                         **({Screen.PRIVACY: privacy_view} if privacy_view else {})},
                        f"{session.user_name} · {session.workspace.paths.folder.name}")
    sync_runner.setParent(window)
    window.resize(1400, 860)
    orders = OrderService(session)
    customers = CustomersPresenter(customers_view, CustomerDirectory(session), runner, go,
                                   SegmentService(session) if session.may(Operation.VIEW_SEGMENT_MEMBERS) else None)
    profile = ProfilePresenter(profile_view, CustomerProfileService(session), runner, go)
    order_list = OrdersPresenter(orders_view, orders, runner, go)
    order = OrderPresenter(order_view, orders, runner, go)
    status = StatusPresenter(window, StatusService(session).data_as_of, runner)
    nav = NavigationPresenter(window, {Screen.CUSTOMER: _opener(profile.open), Screen.ORDER: _opener(order.open),
                                       Screen.ORDERS: lambda _i: order_list.start(),
                                       Screen.SEGMENTS: lambda _i: segments.reload(),
                                       Screen.CUSTOMERS: lambda _i: customers.load_segments(),
                                       Screen.SYNC: lambda _i: sync.refresh(),
                                       Screen.DASHBOARD: lambda _i: dashboard.start(),
                                       Screen.INBOX: lambda _i: inbox.start(), **admin_openers,
                                       **({Screen.PRIVACY: lambda _i: privacy.load()} if privacy else {})})
    window.go, window.back = nav.go, nav.back
    _follow_syncs(window, session, sync, sync_runner, status.refresh)
    _report_to(window, session, runner, sync_runner)
    # attaching starts loading: only the screens the role may open
    attachments: tuple[tuple[Callable[[], None], Operation], ...] = (
        (lambda: customers_view.attach(customers), Operation.VIEW_CUSTOMERS),
        (lambda: profile_view.attach(profile), Operation.VIEW_CUSTOMERS),
        (lambda: orders_view.attach(order_list), Operation.VIEW_ORDERS),
        (lambda: order_view.attach(order), Operation.VIEW_ORDERS), (lambda: sync_view.attach(sync), Operation.SYNC),
        (lambda: inbox_view.attach(inbox), Operation.HANDLE_TICKETS))
    for attach, needs in attachments:
        if session.may(needs):
            attach()
    _menus(window, session, secrets, sync_runner, refresh_status=status.refresh, mail=mail)
    for watch in mail:  # mail that made or touched tickets shows in the inbox at once
        watch.changed.connect(inbox.refresh)
    _offer_privacy(window, runner, profile_view, profile, privacy=privacy,
                   after_erasure=lambda: nav.go(Place(Screen.CUSTOMERS)))
    _lock_when_idle(window, session, runner, settings_view)
    nav.go(_restrict(window, nav, session))
    status.refresh()
    return window


def _opener(open_item: Callable[[int], None]) -> Callable[[int | None], None]:
    return lambda item_id: open_item(item_id) if item_id is not None else None


def _privacy_screen(session: UserSession, runner: TaskRunner, secrets: SecretStore | None
                    ) -> tuple[QWidget | None, PrivacyPresenter | None]:
    """The Privacy & security screen with its presenter, for roles that handle privacy requests (others get neither)."""
    from ecrm_desktop.domain.permissions import Operation
    from ecrm_desktop.presenters.privacy import PrivacyPresenter
    from ecrm_desktop.services.backups import BackupService
    from ecrm_desktop.services.keys import KeyService
    from ecrm_desktop.services.privacy import PrivacyService
    from ecrm_desktop.views.privacy_screen import PrivacyScreen
    from ecrm_desktop.views.subject_report import write_subject_pdf

    if not session.may(Operation.PRIVACY_REQUESTS):
        return None, None
    view = PrivacyScreen()
    presenter = PrivacyPresenter(view, PrivacyService(session), KeyService(session, secrets),
                                 BackupService(session), runner=runner, write_pdf=write_subject_pdf)
    view.attach(presenter)
    return view, presenter


def _offer_privacy(window: MainWindow, runner: TaskRunner, profile_view: ProfileScreen, profile: ProfilePresenter, *,
                   privacy: PrivacyPresenter | None, after_erasure: Callable[[], None]) -> None:
    """The 360° view's privacy actions, and a reminder when the database key is older than 90 days (for roles
    that handle privacy requests: others have no `privacy`)."""
    if privacy is None:
        return
    _privacy_actions((profile_view.export_data_button, profile_view.erase_button), profile, privacy, after_erasure)
    runner.submit(lambda _s: privacy.keys.reminder(), lambda text: window.show_error(text) if text else None,
                  "Checking the database key's age")


def _privacy_actions(buttons: tuple[QPushButton, QPushButton], profile: ProfilePresenter,
                     privacy: PrivacyPresenter, after_erasure: Callable[[], None]) -> None:
    """The 360° view's "Export data…" and "Erase…" buttons act on the customer shown."""
    def on_shown(act: Callable[[int], None]) -> Callable[[], None]:
        return lambda: act(profile.customer_id) if profile.customer_id is not None else None

    export, erase = buttons
    export.clicked.connect(on_shown(privacy.export_customer))
    erase.clicked.connect(on_shown(lambda cid: privacy.erase_customer(cid, after_erasure)))
    for button in buttons:
        button.show()


def _analysis_screens(session: UserSession, runner: TaskRunner, go: Callable[[Place], None]
                      ) -> tuple[SegmentsScreen, SegmentsPresenter, DashboardScreen, DashboardPresenter]:
    """The Segments and Dashboard screens with their presenters, attached for the roles that may see them."""
    from ecrm_desktop.cli.writers import write_contacts, write_csv
    from ecrm_desktop.domain.permissions import Operation
    from ecrm_desktop.presenters.access import refusal_of
    from ecrm_desktop.presenters.dashboard import DashboardPresenter
    from ecrm_desktop.presenters.segments import SegmentsPresenter
    from ecrm_desktop.services.dashboard import DashboardService
    from ecrm_desktop.services.segments import SegmentService
    from ecrm_desktop.views.dashboard_screen import DashboardScreen
    from ecrm_desktop.views.segments_screen import SegmentsScreen

    segments_view, dashboard_view = SegmentsScreen(), DashboardScreen()
    segments = SegmentsPresenter(segments_view, SegmentService(session), runner, go, write_csv=write_csv,
                                 write_contacts=write_contacts, refusal=refusal_of(session.role, session.may))
    dashboard = DashboardPresenter(dashboard_view, DashboardService(session), runner)
    if session.may(Operation.VIEW_SEGMENT_COUNTS):  # attaching starts loading: only what the role may see
        segments_view.attach(segments)
    if session.may(Operation.VIEW_DASHBOARD):
        dashboard_view.attach(dashboard)
    return segments_view, segments, dashboard_view, dashboard


def support_mailbox(window: MainWindow, session: UserSession, secrets: SecretStore | None = None,
                    tls: Callable[[], ssl.SSLContext] | None = None) -> MailWatchPresenter:
    """Settings → Support mailbox… opens the connection dialog; a connected mailbox is watched (IDLE, else polled)
    on its own worker while the window is open. `poke()` the returned watcher after queueing a reply."""
    from ecrm_desktop.presenters.mail_watch import MailWatchPresenter
    from ecrm_desktop.presenters.mailbox import MailboxPresenter
    from ecrm_desktop.services.mail_channel import MailChannel
    from ecrm_desktop.services.tickets import TicketService
    from ecrm_desktop.views.mailbox_dialog import MailboxDialog

    rules = TicketService(session).on_mail
    channel = (MailChannel(session, secrets, tls, on_tickets=rules) if tls
               else MailChannel(session, secrets, on_tickets=rules))
    mail_runner, dialog_runner = TaskRunner(window), TaskRunner(window)  # the watch holds its worker for hours
    watch = MailWatchPresenter(channel, mail_runner, window)
    watch.polled.connect(lambda text: window.statusBar().showMessage(text, 15_000))
    watch.problem.connect(window.show_error)
    for worker in (mail_runner, dialog_runner):
        worker.failed.connect(window.show_error)

    def connected(message: str) -> None:
        window.statusBar().showMessage(message, 15_000)
        watch.start()

    def open_dialog() -> None:
        dialog = MailboxDialog(window)
        dialog.attach(MailboxPresenter(dialog, channel.mailbox, dialog_runner, connected))
        dialog.open()

    def stop_watching() -> None:
        watch.stop()
        mail_runner.wait(5_000)
        dialog_runner.wait(5_000)

    window.mailbox_action.triggered.connect(open_dialog)
    window.closing.append(stop_watching)
    if channel.mailbox.settings() is not None:
        watch.start()
    return watch


def build_inbox_screen(session: UserSession, runner: TaskRunner, go: Callable[[Place], None],
                       on_reply_queued: Callable[[], None] = lambda: None) -> tuple[InboxScreen, InboxPresenter]:
    """The Inbox screen and its presenter (not yet attached); `on_reply_queued` runs after each stored reply."""
    from ecrm_desktop.presenters.inbox import InboxPresenter
    from ecrm_desktop.services.inbox_sidebar import SenderService
    from ecrm_desktop.services.macros import MacroService
    from ecrm_desktop.services.mail_channel import Attachments
    from ecrm_desktop.services.ticket_import import TicketImportService
    from ecrm_desktop.services.ticket_rules import RuleService
    from ecrm_desktop.services.tickets import TicketService
    from ecrm_desktop.views.inbox_screen import InboxScreen

    tickets = TicketService(session, on_reply_queued=on_reply_queued)
    view = InboxScreen()
    return view, InboxPresenter(view, tickets, MacroService(session, tickets), SenderService(session, tickets),
                                runner, navigate=go, rules=RuleService(session), files=Attachments(session),
                                imports=TicketImportService(session))


def _security_screens(session: UserSession, runner: TaskRunner
                      ) -> tuple[SettingsScreen, AuditScreen | None, dict[Screen, Callable[[int | None], None]]]:
    """Settings (everyone: their own second factor; administrators: idle lock, users and roles) and, for roles
    that may read it, the audit trail viewer; with the openers that load them when shown."""
    from ecrm_desktop.cli.writers import write_audit_csv
    from ecrm_desktop.domain.permissions import Operation
    from ecrm_desktop.presenters.access import refusal_of
    from ecrm_desktop.presenters.audit_screen import AuditPresenter
    from ecrm_desktop.presenters.navigation import Screen
    from ecrm_desktop.presenters.security import SecurityPresenter
    from ecrm_desktop.services.audit import AuditService
    from ecrm_desktop.services.keys import KeyService
    from ecrm_desktop.services.mfa import MfaService
    from ecrm_desktop.services.permissions import RoleService
    from ecrm_desktop.services.settings import SettingsService
    from ecrm_desktop.services.users import UserService
    from ecrm_desktop.views.audit_screen import AuditScreen
    from ecrm_desktop.views.settings_screen import SettingsScreen

    settings_view = SettingsScreen(session.user_name)
    security = SecurityPresenter(settings_view, runner, mfa=MfaService(session), settings=SettingsService(session),
                                 users=UserService(session), roles=lambda: RoleService(session),
                                 refusal=refusal_of(session.role, session.may),
                                 key_reminder=KeyService(session).reminder)
    settings_view.attach(security)
    openers: dict[Screen, Callable[[int | None], None]] = {Screen.SETTINGS: lambda _i: security.start()}
    if not session.may(Operation.VIEW_AUDIT):
        return settings_view, None, openers
    audit_view = AuditScreen()
    trail = AuditPresenter(audit_view, AuditService(session), runner, write_audit_csv)
    audit_view.attach(trail)
    openers[Screen.AUDIT] = lambda _i: trail.start()
    return settings_view, audit_view, openers


def _restrict(window: MainWindow, nav: NavigationPresenter, session: UserSession) -> Place:
    """Screens the role may not open show why instead of loading, and the 360° view disables the edits it may not
    make; returns where the window opens."""
    from ecrm_desktop.domain.permissions import Operation
    from ecrm_desktop.presenters.access import denied_screens, first_section, refusal_of
    from ecrm_desktop.presenters.navigation import Place, Screen
    from ecrm_desktop.views.profile_screen import ProfileScreen

    profile = window.screens[Screen.CUSTOMER]
    if isinstance(profile, ProfileScreen):
        refusal = refusal_of(session.role, session.may)
        profile.restrict(refusal(Operation.EDIT_CUSTOMERS), refusal(Operation.MERGE_CUSTOMERS))
    denied = denied_screens(session.role, session.may)
    nav.openers = {s: o for s, o in nav.openers.items() if s not in denied}
    window.deny(denied)
    return Place(first_section(denied, session.role))


def _lock_when_idle(window: MainWindow, session: UserSession, runner: TaskRunner,
                    settings_view: SettingsScreen) -> None:
    """Lock the window after the workspace's idle minutes; the password (checked on the worker) opens it again.
    Settings tells the lock when an administrator changes the minutes."""
    from ecrm_desktop.presenters.idle_lock import IdleLockPresenter
    from ecrm_desktop.services.settings import SettingsService
    from ecrm_desktop.services.workspace import WorkspaceService
    from ecrm_desktop.views.lock_screen import ActivityFilter, LockScreen

    lock_view = LockScreen(window, session.user_name)
    lock = IdleLockPresenter(lock_view, runner, lambda pw, code: WorkspaceService().reauthenticate(session, pw, code),
                             SettingsService(session).idle_lock_minutes(),
                             WorkspaceService().has_second_factor(session))
    lock_view.attach(lock)
    activity = ActivityFilter(lock.activity)
    activity.setParent(window)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(activity)
    if settings_view.presenter is not None:
        settings_view.presenter.idle_lock_changed = lock.set_minutes


def _report_to(window: MainWindow, session: UserSession, runner: TaskRunner, sync_runner: TaskRunner) -> None:
    """Errors of both workers, the busy state and the session's notices reach the window's banner."""
    for worker in (runner, sync_runner):
        worker.failed.connect(window.show_error)
    runner.busy_changed.connect(window.show_busy)
    for notice in session.notices:
        window.show_error(notice)


def _follow_syncs(window: MainWindow, session: UserSession, sync: SyncPresenter, sync_runner: TaskRunner,
                  refresh_status: Callable[[], None]) -> None:
    """After each sync: the status line's "data as of", then what is derived from the data (predictions) on the
    sync worker, so no screen waits for it; closing the window stops a running sync after its page."""
    from ecrm_desktop.services.after_sync import refresh_derived_data

    def after_sync() -> None:
        refresh_status()
        sync_runner.submit(lambda _s: refresh_derived_data(session),
                           lambda message: window.statusBar().showMessage(message, 15_000),
                           "Updating segments and predictions")

    def stop_syncing() -> None:
        sync.shutdown()
        sync_runner.wait()

    sync.on_synced = after_sync
    window.closing.append(stop_syncing)


def _menus(window: MainWindow, session: UserSession, secrets: SecretStore | None, sync_runner: TaskRunner, *,
           refresh_status: Callable[[], None], mail: list[MailWatchPresenter]) -> None:
    """File → Import CSV… and Settings → Support mailbox…, for the roles that may use them."""
    from ecrm_desktop.domain.permissions import Operation

    if session.may(Operation.MANAGE_STORES):
        _import_wizard(window, session, sync_runner, refresh_status)
    else:
        window.import_action.setEnabled(False)
    if session.may(Operation.HANDLE_TICKETS):
        mail.append(support_mailbox(window, session, secrets))
    else:
        window.mailbox_action.setEnabled(False)


def _import_wizard(window: MainWindow, session: UserSession, sync_runner: TaskRunner,
                   refresh_status: Callable[[], None]) -> None:
    """File → Import CSV… opens the wizard; the import runs on the sync worker (a long write, while screens keep
    reading), and what is derived from the data is refreshed after it, as after a sync."""
    from ecrm_desktop.presenters.csv_import import ImportWizardPresenter
    from ecrm_desktop.services.after_sync import refresh_derived_data
    from ecrm_desktop.services.csv_import import CsvImportService
    from ecrm_desktop.views.import_wizard import ImportWizard

    def imported(_report: object) -> None:
        refresh_status()
        sync_runner.submit(lambda _s: refresh_derived_data(session),
                           lambda message: window.statusBar().showMessage(message, 15_000),
                           "Updating segments and predictions")

    def open_wizard() -> None:
        wizard = ImportWizard(window)
        wizard.attach(ImportWizardPresenter(wizard, CsvImportService(session), sync_runner, imported))
        wizard.open()

    window.import_action.triggered.connect(open_wizard)


def build_sync_screen(session: UserSession, runner: TaskRunner, sync_runner: TaskRunner,
                      secrets: SecretStore | None = None,
                      http: HttpOptions | None = None) -> tuple[SyncScreen, SyncPresenter]:
    """The Sync screen and its presenter (not yet attached), syncing on `sync_runner`; its "Connect a store…"
    opens the connection dialog, which checks and saves on the same worker."""
    from ecrm_desktop.presenters.store_connect import ConnectStorePresenter
    from ecrm_desktop.presenters.sync_screen import SyncPresenter
    from ecrm_desktop.services.sync import SyncService
    from ecrm_desktop.services.sync_history import SyncHistory
    from ecrm_desktop.services.sync_schedule import SyncScheduleService
    from ecrm_desktop.views.store_dialog import StoreDialog
    from ecrm_desktop.views.sync_screen import SyncScreen

    syncer = SyncService(session, secrets, http)
    view = SyncScreen()
    presenter = SyncPresenter(view, stores=syncer.stores, syncer=syncer, history=SyncHistory(session),
                              schedules=SyncScheduleService(session), runner=runner, sync_runner=sync_runner)

    def open_dialog() -> None:
        dialog = StoreDialog(view)
        dialog.attach(ConnectStorePresenter(dialog, syncer.stores, sync_runner, presenter.connected))
        view.show_dialog(dialog)

    view.connect_button.clicked.connect(open_dialog)
    return view, presenter


def write_report(session: UserSession, period: Period, segment: str | None, pdf: Path) -> Dashboard:
    """The dashboard of `period` (for a saved segment's members) written to `pdf` without showing a window."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ecrm_desktop.services.dashboard import DashboardService
    from ecrm_desktop.views.dashboard_report import write_pdf

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    dashboard = DashboardService(session).load_report(period, segment)
    write_pdf(dashboard, pdf)
    return dashboard


def write_subject_report(record: dict[str, Any], pdf: Path) -> None:
    """A data subject access export written to `pdf` as a readable document, without showing a window."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ecrm_desktop.views.subject_report import write_subject_pdf

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    write_subject_pdf(record, pdf)
