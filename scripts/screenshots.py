"""Render the screens on a small deterministic demo workspace into PNGs: `make screenshots`.

Usage: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py docs/screenshots
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from ecrm_desktop.app import build_main_window
from ecrm_desktop.domain.enums import Platform, Role, TicketPriority, TicketStatus
from ecrm_desktop.domain.helpdesk.macros import MacroDef
from ecrm_desktop.domain.helpdesk.rules import LEAST_LOADED, RuleDef
from ecrm_desktop.domain.mail import MailSecurity
from ecrm_desktop.domain.sync_status import ConnectionCheck
from ecrm_desktop.presenters.idle_lock import CODE_PROMPT
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.keys import ROTATED_SETTING
from ecrm_desktop.services.macros import MacroService
from ecrm_desktop.services.predictions import refresh_predictions
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.sync import SyncService
from ecrm_desktop.services.ticket_rules import RuleService
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.users import UserService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.settings import write_setting
from ecrm_desktop.sync.emulator.demo_records import demo_emulated_store
from ecrm_desktop.sync.emulator.faults import Faults
from ecrm_desktop.sync.emulator.server import serve
from ecrm_desktop.sync.http import HttpOptions
from ecrm_desktop.views.audit_screen import AuditScreen
from ecrm_desktop.views.customers_screen import CustomersScreen
from ecrm_desktop.views.dashboard_report import write_pdf
from ecrm_desktop.views.dashboard_screen import DashboardScreen
from ecrm_desktop.views.import_wizard import ImportWizard
from ecrm_desktop.views.inbox_screen import InboxScreen
from ecrm_desktop.views.lock_screen import LockScreen
from ecrm_desktop.views.mailbox_dialog import MailboxDialog
from ecrm_desktop.views.main_window import MainWindow
from ecrm_desktop.views.order_screen import OrderScreen
from ecrm_desktop.views.orders_screen import OrdersScreen
from ecrm_desktop.views.privacy_screen import PrivacyScreen
from ecrm_desktop.views.profile_screen import ProfileScreen
from ecrm_desktop.views.segments_screen import SegmentsScreen
from ecrm_desktop.views.settings_screen import SettingsScreen
from ecrm_desktop.views.sign_in import FirstRunDialog, UnlockDialog
from ecrm_desktop.views.store_dialog import StoreDialog
from ecrm_desktop.views.sync_screen import SyncScreen
from tests.mail_support import SUPPORT, start_dovecot, start_smtp, stop_dovecot

CUSTOMERS, SEED, PASSWORD = 20_000, 1, "ecrm-demo-2026"
DEMO_TODAY = date(2026, 11, 2)  # the day after the demo's history ends
REPORT_PREDICTIONS_PAGE = 3  # the page of the PDF report that holds the prediction charts


def settle(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Run the event loop until `condition()` holds, then once more so the last change paints."""
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not finish loading")
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    QTimer.singleShot(50, loop.quit)
    loop.exec()


def save(widget: QWidget, out: Path, name: str) -> None:
    widget.grab().save(str(out / f"{name}.png"))
    print(out / f"{name}.png")


SEGMENTS = {
    "Lapsed VIPs": ("amount_spent > 500 AND last_order_date < -90d", "Spent a lot, quiet for three months"),
    "Recent shoppers": ("last_order_date >= -30d", "Ordered in the last 30 days"),
    "Champions": ("rfm_group = CHAMPIONS", "Shopify's RFM group"),
}


def shoot_segments(window: MainWindow, session: UserSession, out: Path) -> None:
    """Saved segments evaluated weekly over two months (so the sparklines move), one open in the editor."""
    now = datetime.now(UTC)
    for weeks in range(8, -1, -1):
        service = SegmentService(session, clock=lambda w=weeks: now - timedelta(weeks=w))
        if weeks == 8:
            for name, (query, description) in SEGMENTS.items():
                service.save(name, query, description)
        service.refresh_all()
    window.go(Place(Screen.SEGMENTS))
    screen = window.screens[Screen.SEGMENTS]
    assert isinstance(screen, SegmentsScreen) and screen.presenter is not None
    settle(lambda: screen.list.rowCount() == len(SEGMENTS))
    row, lapsed = next((i, line.segment) for i, line in enumerate(screen.lines) if line.segment.name == "Lapsed VIPs")
    screen.list.selectRow(row)
    screen.presenter.select(lapsed)
    settle(lambda: screen.count.text().endswith("customers") and screen.model is not None
           and screen.model.rowCount() > 0 and screen.presenter is not None
           and screen.presenter.members.row(10) is not None)
    save(window, out, "segments")
    screen.query.setPlainText("amount_spent > 500 AND last_order_date <")
    settle(screen.problem.isVisible)
    save(window, out, "segments-invalid")


MACRO = ("Hi {customer.first_name},\n\nYour order {order.last.number} is {order.last.status}. You can follow it "
         "here: {order.last.tracking_url}\n\nBest wishes,\n{agent.name}")


HELP_DESK_EXPORT = """Id,Subject,Requester,Requester email,Status,Priority,Tags,Created at,Description
101,Parcel stuck in customs,Lena Berg,lena@example.se,open,high,"customs, shipping",2026-09-02T08:10:00Z,Since Monday
102,Invoice with VAT number,Tom Price,tom@example.co.uk,solved,normal,invoice,2026-09-03T11:00:00Z,Please add VAT
103,Exchange for size M,Ana Ruiz,ana.ruiz@example.es,pending,low,sizing,2026-09-04T15:30:00Z,Too small
104,Broken zip,Ana Ruiz,ana.ruiz@example.es,frozen,normal,,2026-09-05T09:00:00Z,The zip broke
105,,Ivo,ivo@example.nl,open,normal,,2026-09-06T10:00:00Z,No subject here
"""


def shoot_inbox(window: MainWindow, session: UserSession, out: Path) -> None:
    """The inbox on the demo's tickets: a ticket with its customer, a macro applied, a note, an unknown sender,
    the macro editor and the rules dialog."""
    tickets = TicketService(session)
    MacroService(session, tickets).save(MacroDef(0, "Where is my order", MACRO, TicketStatus.PENDING, "wismo"))
    MacroService(session, tickets).save(MacroDef(0, "Refund on its way", "Hi {customer.first_name}, the refund "
                                                 "for {order.last.number} is on its way.", TicketStatus.SOLVED))
    RuleService(session).save_rule(RuleDef("Refunds first", keywords=("refund", "money back"), add_tag="refund",
                                           set_priority=TicketPriority.HIGH, assign=LEAST_LOADED))
    stranger = tickets.create("Do you ship to Iceland?", "Hello, before I order: do you ship to Reykjavik?",
                              requester_email="gudrun@example.is", requester_name="Gudrun Jonsdottir")
    window.go(Place(Screen.INBOX))
    inbox = window.screens[Screen.INBOX]
    assert isinstance(inbox, InboxScreen) and inbox.presenter is not None
    presenter = inbox.presenter
    settle(lambda: presenter.open_id is not None and "Lifetime" in inbox.sidebar.toPlainText())
    opened = presenter.open_id
    assert opened is not None
    tickets.add_note(opened, "Carrier confirms the parcel is at the local depot; offer a discount if it is late.")
    presenter.open_ticket(opened)
    settle(lambda: "Internal note" in inbox.pane.conversation.toPlainText())
    save(window, out, "inbox")
    chosen = inbox.pane.macro.findText("Where is my order")
    inbox.pane.macro.setCurrentIndex(chosen)
    inbox.pane.macro.activated.emit(chosen)
    settle(lambda: bool(inbox.pane.editor.toPlainText()))
    save(window, out, "inbox-macro")
    dialog = inbox.edit_macros()
    assert dialog is not None
    settle(lambda: dialog.list.count() == 2 and bool(dialog.preview.toPlainText()))
    save(dialog, out, "inbox-macro-editor")
    dialog.close()
    presenter.open_ticket(stranger)
    settle(lambda: "matches no customer" in inbox.sidebar.toPlainText())
    save(window, out, "inbox-unknown-sender")
    inbox.edit_rules()
    settle(lambda: inbox.rules_dialog is not None and inbox.rules_dialog.list.count() == 1)
    assert inbox.rules_dialog is not None
    save(inbox.rules_dialog, out, "inbox-rules")
    inbox.rules_dialog.close()
    shoot_inbox_dialogs(inbox, out)


def shoot_inbox_dialogs(inbox: InboxScreen, out: Path) -> None:
    """A ticket taken by hand, and a help desk's CSV export checked before it is imported."""
    taken = inbox.new_ticket()
    assert taken is not None
    taken.subject.setText("Phone: deliver to the office instead")
    taken.email.setText("gudrun@example.is")
    taken.name.setText("Gudrun Jonsdottir")
    taken.body.setPlainText("Called at 10:40. Wants her order delivered to her office (Laugavegur 12) because "
                            "nobody is home during the day.")
    save(taken, out, "inbox-new-ticket")
    taken.close()
    export = Path(tempfile.mkdtemp(prefix="ecrm-shots-")) / "zendesk-export.csv"
    export.write_text(HELP_DESK_EXPORT, encoding="utf-8")
    importing = inbox.import_tickets()
    assert importing is not None
    importing.check(export)
    settle(importing.import_button.isEnabled)
    save(importing, out, "inbox-import")
    importing.close()
    shutil.rmtree(export.parent)


def dark_palette() -> QPalette:
    """A dark theme, to check the screens read in it."""
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#1f2227"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
                         (QPalette.ColorRole.Base, "#16181c"), (QPalette.ColorRole.AlternateBase, "#23262b"),
                         (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.Button, "#2a2e34"),
                         (QPalette.ColorRole.ButtonText, "#e6e6e6"), (QPalette.ColorRole.Highlight, "#3b82f6"),
                         (QPalette.ColorRole.Mid, "#9aa0a6"), (QPalette.ColorRole.ToolTipBase, "#2a2e34"),
                         (QPalette.ColorRole.ToolTipText, "#e6e6e6"), (QPalette.ColorRole.PlaceholderText, "#a8adb3")):
        palette.setColor(role, QColor(colour))
    return palette


def dashboard_screenshots(app: QApplication, window: MainWindow, out: Path) -> None:
    """The dashboard in the light and the dark theme (its top, and its prediction charts), and the pages of its PDF
    report with the key figures and with the prediction charts."""
    window.go(Place(Screen.DASHBOARD))
    screen = window.screens[Screen.DASHBOARD]
    assert isinstance(screen, DashboardScreen)
    settle(lambda: screen.dashboard is not None and screen.dashboard.predictions.holdout is not None, timeout=300)
    window.resize(1400, 1500)
    settle(lambda: True)

    def both(name: str) -> None:
        save(window, out, name)
        assert screen.charts is not None
        bar = screen.scroll_area.verticalScrollBar()
        holdout = screen.charts.predictions.holdout
        bar.setValue(holdout.mapTo(screen.scroll_area.widget(), holdout.rect().bottomLeft()).y()
                     - screen.scroll_area.viewport().height() + 12)  # the prediction charts at the bottom
        settle(lambda: True)
        save(window, out, f"{name.replace('dashboard', 'dashboard-predictions')}")
        screen.scroll_area.verticalScrollBar().setValue(0)

    both("dashboard")
    light = app.palette()
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    settle(lambda: True)
    both("dashboard-dark")
    segment_screenshots(app, window, screen, light, out)
    app.setPalette(light)
    window.resize(1400, 860)
    assert screen.dashboard is not None
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm (poppler-utils) is missing: no PNG of the report page", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "dashboard.pdf"
        write_pdf(screen.dashboard, pdf)
        subprocess.run([pdftoppm, "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf),  # noqa: S603
                        str(out / "dashboard-report")], check=True)
        subprocess.run([pdftoppm, "-png", "-r", "90", "-f", str(REPORT_PREDICTIONS_PAGE), "-l",  # noqa: S603
                        str(REPORT_PREDICTIONS_PAGE), "-singlefile", str(pdf),
                        str(out / "dashboard-report-predictions")], check=True)
    print(out / "dashboard-report.png")


def segment_screenshots(app: QApplication, window: MainWindow, screen: DashboardScreen, light: QPalette,
                        out: Path) -> None:
    """The dashboard limited to a saved segment (its members as of its last evaluation), dark then light; back to
    everyone after."""
    screen.segment.setCurrentText("Champions")
    settle(lambda: screen.dashboard is not None and screen.dashboard.segment == "Champions", timeout=300)
    save(window, out, "dashboard-segment-dark")
    app.setPalette(light)
    settle(lambda: True)
    save(window, out, "dashboard-segment")
    screen.segment.setCurrentIndex(0)
    settle(lambda: screen.dashboard is not None and screen.dashboard.segment is None, timeout=300)


def demo_workspace(folder: Path) -> UserSession:
    """The demo store, scored as after a sync."""
    session = WorkspaceService().create(folder, "admin", PASSWORD)
    fill_demo(session, CUSTOMERS, SEED)
    refresh_predictions(session, DEMO_TODAY)
    return session


def shoot_sign_in(folder: Path, out: Path) -> None:
    for dialog in (FirstRunDialog(folder), UnlockDialog(folder)):
        dialog.show()
        settle(lambda: True)
        save(dialog, out, "first-run" if isinstance(dialog, FirstRunDialog) else "unlock")
        dialog.close()


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        shoot_sign_in(folder, out)
        session = demo_workspace(folder)
        runner = TaskRunner()
        secrets = SecretStore(NoKeyring())  # store secrets stay in the demo's encrypted database
        window = build_main_window(session, runner, secrets)
        window.resize(1400, 860)
        window.show()
        customers = window.screens[Screen.CUSTOMERS]
        assert isinstance(customers, CustomersScreen) and customers.presenter is not None
        settle(lambda: customers.presenter is not None and customers.presenter.rows.row(25) is not None
               and not window.data_as_of.text().endswith("…"))
        save(window, out, "customers")

        customers.presenter.open(2)
        profile = window.screens[Screen.CUSTOMER]
        assert isinstance(profile, ProfileScreen)
        settle(lambda: profile.profile is not None)
        assert profile.presenter is not None and profile.profile is not None
        profile.presenter.save_tags(["wholesale lead"])
        profile.presenter.add_note("Asked about sizes for the winter coat; prefers email.")
        settle(lambda: profile.profile is not None and len(profile.profile.notes) == 1)
        profile.presenter.merge_with(3 if profile.profile.id != 3 else 4)  # a merge that can be undone
        settle(lambda: profile.profile is not None and len(profile.profile.merges) == 1)
        assert profile.profile is not None
        profile.orders.expand(profile.orders_model.index(0, 0))
        settle(lambda: True)
        save(window, out, "customer-360")

        refunded = next((o for o in profile.profile.orders if o.refunds), profile.profile.orders[0])
        profile.presenter.open_order(refunded.row.id)
        order = window.screens[Screen.ORDER]
        assert isinstance(order, OrderScreen) and order.presenter is not None
        settle(lambda: order.presenter is not None and order.presenter.order is not None)
        save(window, out, "order")

        window.go(Place(Screen.ORDERS))
        orders = window.screens[Screen.ORDERS]
        assert isinstance(orders, OrdersScreen) and orders.presenter is not None
        settle(lambda: orders.presenter is not None and orders.presenter.rows.row(25) is not None)
        save(window, out, "orders")

        section_screens(app, window, session, runner, secrets=secrets, out=out)
        import_wizard_screens(window, session, Path(tmp), out)
        window.close()
        runner.wait()
        session.close()
    app.quit()
    return 0


def section_screens(app: QApplication, window: MainWindow, session: UserSession, runner: TaskRunner, *,
                    secrets: SecretStore, out: Path) -> None:
    """Segments, Inbox, Sync, Dashboard, the mailbox dialog, Privacy, Settings and Audit."""
    shoot_segments(window, session, out)
    shoot_inbox(window, session, out)
    sync_screens(window, session, secrets, out)
    dashboard_screenshots(app, window, out)
    mailbox_screens(window, out)
    privacy_screen(window, out)
    security_screens(window, session, runner, secrets, out)


def privacy_screen(window: MainWindow, out: Path) -> None:
    """Privacy & security with a retention preview (customers inactive for 2 years)."""
    window.go(Place(Screen.PRIVACY))
    screen = window.screens[Screen.PRIVACY]
    assert isinstance(screen, PrivacyScreen) and screen.presenter is not None
    settle(lambda: bool(screen.key_age.text()))
    screen.years.setValue(2)
    screen.preview_button.click()
    settle(screen.apply_button.isEnabled)
    save(window, out, "privacy")


def security_screens(window: MainWindow, session: UserSession, runner: TaskRunner, secrets: SecretStore,
                     out: Path) -> None:
    """Settings (second factor, idle lock, users, the reminder of a key older than 90 days), the Roles dialog,
    enrolment with its QR code, the audit trail filtered to one customer with the chain verified, the idle lock
    (also asking for the second factor), and the window as Marketing sees it."""
    with session.workspace.sessions() as s, s.begin():
        write_setting(s, ROTATED_SETTING, (datetime.now(UTC) - timedelta(days=97)).isoformat())
    UserService(session).add("mia", Role.MARKETING, "marketing-demo-2026")
    UserService(session).add("sam", Role.SALES, "sales-demo-2026-x")
    window.go(Place(Screen.SETTINGS))
    settings = window.screens[Screen.SETTINGS]
    assert isinstance(settings, SettingsScreen) and settings.presenter is not None
    settings.presenter.start()
    settle(lambda: settings.users_model.rowCount() == 3 and "Second factor" in settings.mfa_state.text()
           and "rotate it" in settings.notice.text())
    save(window, out, "settings")
    settings.roles_button.click()
    settle(lambda: settings.roles_dialog is not None and settings.roles_dialog.isVisible())
    assert settings.roles_dialog is not None
    save(settings.roles_dialog, out, "roles")
    settings.roles_dialog.close()
    settings.presenter.begin_enrolment()
    assert settings.enrol_dialog is not None
    settle(lambda: settings.enrol_dialog is not None and settings.enrol_dialog.isVisible())
    save(settings.enrol_dialog, out, "mfa-enrol")
    settings.enrol_dialog.close()

    window.go(Place(Screen.AUDIT))
    audit = window.screens[Screen.AUDIT]
    assert isinstance(audit, AuditScreen) and audit.presenter is not None
    settle(lambda: audit.model.rowCount() > 0 and audit.action.count() > 1)
    audit.verify_button.click()
    settle(lambda: audit.verdict.text().startswith(("Intact", "Tampered")))
    save(window, out, "audit")

    lock_screens(window, out)

    marketing = replace(session, role=Role.MARKETING, user_name="mia")
    seen = build_main_window(marketing, runner, secrets)
    seen.resize(1400, 860)
    seen.show()
    segments = seen.screens[Screen.SEGMENTS]
    assert isinstance(segments, SegmentsScreen) and segments.presenter is not None
    settle(lambda: segments.list.rowCount() > 0)
    query = "email_subscription_status = SUBSCRIBED AND number_of_orders >= 2"
    segments.show_editor("Subscribed repeat buyers", "For the newsletter: contacts export only", query)
    segments.presenter.edit_text(query)
    settle(lambda: "customers" in segments.count.text() and "may not" in segments.members_title.text())
    save(seen, out, "marketing-segments")
    seen.go(Place(Screen.CUSTOMERS))
    settle(lambda: True)
    save(seen, out, "marketing-customers-denied")
    seen.close()


def lock_screens(window: MainWindow, out: Path) -> None:
    """The idle lock over the window: the password, and the password with the second factor's code."""
    lock_view = window.findChild(LockScreen)
    assert lock_view is not None
    lock_view.show_locked()
    settle(lock_view.isVisible)
    save(window, out, "locked")
    lock_view.show_locked()
    lock_view.ask_lock_code(CODE_PROMPT)  # a user with a second factor
    lock_view.password.setText("a long passphrase")
    lock_view.show_lock_error("Enter the code from your authenticator app as well.")
    settle(lock_view.code.isVisible)
    save(window, out, "locked-mfa")
    lock_view.show_unlocked()


def shoot_store_dialog(out: Path) -> None:
    """The Connect dialog set up for a Vendure store, after "Check connection" found what it needs."""
    dialog = StoreDialog()
    dialog.platform.setCurrentIndex(dialog.platform.findData(Platform.VENDURE))
    dialog.name.setText("Vendure shop")
    dialog.url.setText("https://shop.example.com")
    dialog.key.setText("superadmin")
    dialog.secret.setText("a-password")
    dialog.show_check(ConnectionCheck("shop.example.com", "USD", ("ReadCustomer", "ReadOrder", "ReadProduct")))
    dialog.show()
    settle(lambda: True)
    save(dialog, out, "store-connect-vendure")
    dialog.close()


def sync_screens(window: MainWindow, session: UserSession, secrets: SecretStore, out: Path) -> None:
    """Two emulated stores on loopback: a failed run, a partial one with quarantined records, a complete one,
    then a sync caught in progress; and the quarantine tab with a record's payload."""
    shoot_store_dialog(out)
    shop = demo_emulated_store(Platform.SHOPIFY, 700, seed=3)
    books = demo_emulated_store(Platform.WOOCOMMERCE, 500, seed=4)
    shop_faults = Faults(retry_after=0.05)
    books_faults = Faults(retry_after=0.05, corrupt={sorted(books.customers)[7], sorted(books.orders)[11],
                                                     sorted(books.orders)[40]})
    shop_server = serve(shop, Platform.SHOPIFY, faults=shop_faults)
    books_server = serve(books, Platform.WOOCOMMERCE, faults=books_faults)
    try:
        service = SyncService(session, secrets, HttpOptions(attempts=2, backoff_base=0.01, backoff_cap=0.05))
        service.stores.add_shopify("Northwind Outlet", shop_server.url, shop.token)
        service.stores.add_woocommerce("Harbour Books", books_server.url, books.key, books.secret)
        shop_faults.inject("503", "503")
        service.run("Northwind Outlet")  # fails: the store answers 503 twice in a row
        service.run("Harbour Books")  # partial: three records quarantined
        service.run("Northwind Outlet")
        shop_faults.latency = 0.2

        window.go(Place(Screen.SYNC))
        sync = window.screens[Screen.SYNC]
        assert isinstance(sync, SyncScreen) and sync.presenter is not None
        settle(lambda: sync.history_model.rowCount() == 3)
        sync.presenter.sync_now()
        settle(lambda: sync.progress_model.rowCount() >= 5, timeout=60)
        save(window, out, "sync")
        settle(lambda: not sync.running, timeout=120)
        sync.tabs.setCurrentIndex(1)
        sync.quarantine.selectRow(0)
        settle(lambda: bool(sync.payload.toPlainText()))
        save(window, out, "sync-quarantine")
    finally:
        shop_server.stop()
        books_server.stop()


def mailbox_screens(window: MainWindow, out: Path) -> None:
    """Settings → Support mailbox…, tested against a real Dovecot and SMTP server on loopback: a refused password,
    then both servers accepting the mailbox."""
    folder = Path(tempfile.mkdtemp(prefix="ecrm-mail-"))
    servers = start_dovecot(folder)
    smtp = start_smtp(servers)
    trusted = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(servers.cafile)  # the loopback servers' self-signed certificate
    try:
        window.mailbox_action.trigger()
        [dialog] = window.findChildren(MailboxDialog)
        dialog.address.setText(SUPPORT)
        dialog.display_name.setText("Northwind Support")
        dialog.user.setText(SUPPORT)
        dialog.imap.set(servers.host, servers.imaps_port, MailSecurity.SSL)
        dialog.smtp.set(servers.host, servers.smtp_port, MailSecurity.STARTTLS)
        dialog.password.setText("not-the-password")
        dialog.test_button.click()
        settle(lambda: "refused" in dialog.outcome.text())
        save(dialog, out, "mailbox-refused")
        dialog.password.setText(servers.users[SUPPORT])
        dialog.test_button.click()
        settle(lambda: "Both servers accepted" in dialog.outcome.text())
        save(dialog, out, "mailbox")
        dialog.reject()
    finally:
        if trusted is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = trusted
        smtp.stop()
        stop_dovecot(servers)
        shutil.rmtree(folder, ignore_errors=True)


def import_wizard_screens(window: MainWindow, session: UserSession, tmp: Path, out: Path) -> None:
    """File → Import CSV… on another CRM's export: the guessed columns, the preview, the dry run, the import."""
    from sqlalchemy import select

    from ecrm_desktop.storage.tables import Customer

    with session.workspace.sessions() as s:
        known = s.execute(select(Customer.email, Customer.first_name, Customer.last_name, Customer.city,
                                 Customer.country).where(Customer.email.is_not(None), Customer.city.is_not(None))
                          .limit(60)).all()
    known = [k for k in known if _in_cp1252(" ".join(map(str, k)))][:6]  # the file is written as Excel would
    rows = ["E-Mail;Firstname;Surname;Mobile;City;Country;Newsletter;Signup Date;Labels"]
    rows += [f"{email};{first};{last};;{city};{country};yes;0{i + 1}/02/2024;import"
             for i, (email, first, last, city, country) in enumerate(known)]
    names = [("Lena", "Fischer", "Berlin"), ("Jonas", "Weber", "Hamburg"), ("Mia", "Schulz", "München"),
             ("Paul", "Wagner", "Köln"), ("Emma", "Becker", "Leipzig"), ("Ben", "Hoffmann", "Dresden")]
    rows += [f"{first.lower()}.{last.lower()}@example.de;{first};{last};+49 30 555 01{i:02d};{city};DE;"
             f"{'yes' if i % 2 else 'no'};1{i}/03/2024;\"spring, newsletter\""
             for i, (first, last, city) in enumerate(names)]
    rows += ["not-an-email;Bad;Row;;;;no;01/01/2024;", "tom@example.de;Tom;Late;;;DE;no;31/02/2024;",
             f"{known[0][0]};{known[0][1]};Twice;;;DE;yes;01/02/2024;"]
    path = tmp / "crm-export.csv"
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    window.import_action.trigger()
    wizard = QApplication.activeModalWidget()
    assert isinstance(wizard, ImportWizard) and wizard.presenter is not None
    wizard.resize(1000, 640)
    wizard.path.setText(str(path))
    wizard.next.click()
    settle(lambda: wizard.pages.currentIndex() == 1)
    wizard.date_format.setText("%d/%m/%Y")
    save(wizard, out, "import-columns")
    wizard.next.click()
    settle(lambda: wizard.pages.currentIndex() == 2)
    save(wizard, out, "import-preview")
    wizard.next.click()
    settle(lambda: wizard.pages.currentIndex() == 3 and "Dry run" in wizard.summary.text())
    save(wizard, out, "import-dry-run")
    wizard.run.click()
    settle(lambda: "Imported" in wizard.summary.text())
    save(wizard, out, "import-done")
    wizard.close()


def _in_cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
