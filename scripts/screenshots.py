"""Render the screens on a small deterministic demo workspace into PNGs: `make screenshots`.

Usage: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py docs/screenshots
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from ecrm_desktop.app import build_main_window
from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.predictions import refresh_predictions
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.sync import SyncService
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.sync.emulator.demo_records import demo_emulated_store
from ecrm_desktop.sync.emulator.faults import Faults
from ecrm_desktop.sync.emulator.server import serve
from ecrm_desktop.sync.http import HttpOptions
from ecrm_desktop.views.customers_screen import CustomersScreen
from ecrm_desktop.views.dashboard_report import write_pdf
from ecrm_desktop.views.dashboard_screen import DashboardScreen
from ecrm_desktop.views.import_wizard import ImportWizard
from ecrm_desktop.views.main_window import MainWindow
from ecrm_desktop.views.order_screen import OrderScreen
from ecrm_desktop.views.orders_screen import OrdersScreen
from ecrm_desktop.views.profile_screen import ProfileScreen
from ecrm_desktop.views.segments_screen import SegmentsScreen
from ecrm_desktop.views.sign_in import FirstRunDialog, UnlockDialog
from ecrm_desktop.views.sync_screen import SyncScreen

CUSTOMERS, SEED, PASSWORD = 20_000, 1, "ecrm-demo-2026"
DEMO_TODAY = date(2026, 11, 2)  # the day after the demo's history ends


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
    """The dashboard in the light and the dark theme, and the first page of its PDF report."""
    window.go(Place(Screen.DASHBOARD))
    screen = window.screens[Screen.DASHBOARD]
    assert isinstance(screen, DashboardScreen)
    settle(lambda: screen.dashboard is not None, timeout=120)
    window.resize(1400, 1500)
    settle(lambda: True)
    save(window, out, "dashboard")
    light = app.palette()
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    settle(lambda: True)
    save(window, out, "dashboard-dark")
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
    print(out / "dashboard-report.png")


def demo_workspace(folder: Path) -> UserSession:
    """The demo store, scored as after a sync."""
    session = WorkspaceService().create(folder, "admin", PASSWORD)
    fill_demo(session, CUSTOMERS, SEED)
    refresh_predictions(session, DEMO_TODAY)
    return session


def main(out: Path) -> int:  # noqa: PLR0915 (one screen after another)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        for dialog in (FirstRunDialog(folder), UnlockDialog(folder)):
            dialog.show()
            settle(lambda: True)
            save(dialog, out, "first-run" if isinstance(dialog, FirstRunDialog) else "unlock")
            dialog.close()
        session = demo_workspace(folder)
        runner = TaskRunner()
        secrets = SecretStore(NoKeyring())  # store secrets stay in the demo's encrypted database
        window = build_main_window(session, runner, secrets)
        window.resize(1400, 860)
        window.show()
        customers = window.screens[Screen.CUSTOMERS]
        assert isinstance(customers, CustomersScreen) and customers.presenter is not None
        settle(lambda: customers.presenter is not None and customers.presenter.rows.row(25) is not None)
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

        shoot_segments(window, session, out)
        sync_screens(window, session, secrets, out)
        dashboard_screenshots(app, window, out)
        import_wizard_screens(window, session, Path(tmp), out)
        window.close()
        runner.wait()
        session.close()
    app.quit()
    return 0


def sync_screens(window: MainWindow, session: UserSession, secrets: SecretStore, out: Path) -> None:
    """Two emulated stores on loopback: a failed run, a partial one with quarantined records, a complete one,
    then a sync caught in progress; and the quarantine tab with a record's payload."""
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
