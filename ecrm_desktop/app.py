"""The composition root: signs the user in, builds services, pairs presenters with views, opens the window.

Only QtWidgets and the sign-in dialog are imported before the dialog paints; SQLAlchemy, argon2, keyring and
the screens are imported on the worker while the user types, or when the window is built.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.presenters.unlock import FirstRunPresenter, UnlockPresenter
from ecrm_desktop.views.sign_in import FirstRunDialog, UnlockDialog

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecrm_desktop.domain.kpis import Dashboard, Period
    from ecrm_desktop.presenters.dashboard import DashboardPresenter
    from ecrm_desktop.presenters.navigation import Place
    from ecrm_desktop.presenters.segments import SegmentsPresenter
    from ecrm_desktop.presenters.sync_screen import SyncPresenter
    from ecrm_desktop.services.secrets import SecretStore
    from ecrm_desktop.services.workspace import UserSession, WorkspaceService
    from ecrm_desktop.sync.http import HttpOptions
    from ecrm_desktop.views.dashboard_screen import DashboardScreen
    from ecrm_desktop.views.main_window import MainWindow
    from ecrm_desktop.views.segments_screen import SegmentsScreen
    from ecrm_desktop.views.sync_screen import SyncScreen


def run_gui(folder: Path, debug: bool = False) -> int:
    """Open the window on the workspace in `folder`; returns the application's exit code."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING)
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
        unlock = UnlockPresenter(dialog, runner, lambda u, p, r: svc().unlock(folder, u, p, r),
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
    sync_runner = TaskRunner()
    sync_view, sync = build_sync_screen(session, runner, sync_runner, secrets)
    window = MainWindow({Screen.CUSTOMERS: customers_view, Screen.CUSTOMER: profile_view,
                         Screen.ORDERS: orders_view, Screen.ORDER: order_view, Screen.SEGMENTS: segments_view,
                         Screen.DASHBOARD: dashboard_view, Screen.SYNC: sync_view},
                        f"{session.user_name} · {session.workspace.paths.folder.name}")
    sync_runner.setParent(window)
    window.resize(1400, 860)
    orders = OrderService(session)
    customers = CustomersPresenter(customers_view, CustomerDirectory(session), runner, go, SegmentService(session))
    profile = ProfilePresenter(profile_view, CustomerProfileService(session), runner, go)
    order_list = OrdersPresenter(orders_view, orders, runner, go)
    order = OrderPresenter(order_view, orders, runner, go)
    status = StatusPresenter(window, StatusService(session).data_as_of, runner)

    def opener(open_item: Callable[[int], None]) -> Callable[[int | None], None]:
        return lambda item_id: open_item(item_id) if item_id is not None else None

    nav = NavigationPresenter(window, {Screen.CUSTOMER: opener(profile.open), Screen.ORDER: opener(order.open),
                                       Screen.ORDERS: lambda _i: order_list.start(),
                                       Screen.SEGMENTS: lambda _i: segments.reload(),
                                       Screen.CUSTOMERS: lambda _i: customers.load_segments(),
                                       Screen.SYNC: lambda _i: sync.refresh(),
                                       Screen.DASHBOARD: lambda _i: dashboard.start()})
    window.go, window.back = nav.go, nav.back
    _follow_syncs(window, session, sync, sync_runner, status.refresh)
    _report_to(window, session, runner, sync_runner)
    _import_wizard(window, session, sync_runner, status.refresh)
    customers_view.attach(customers)
    profile_view.attach(profile)
    orders_view.attach(order_list)
    order_view.attach(order)
    sync_view.attach(sync)
    nav.go(Place(Screen.CUSTOMERS))
    status.refresh()
    return window


def _analysis_screens(session: UserSession, runner: TaskRunner, go: Callable[[Place], None]
                      ) -> tuple[SegmentsScreen, SegmentsPresenter, DashboardScreen, DashboardPresenter]:
    """The Segments and Dashboard screens with their presenters, attached."""
    from ecrm_desktop.cli.writers import write_csv
    from ecrm_desktop.presenters.dashboard import DashboardPresenter
    from ecrm_desktop.presenters.segments import SegmentsPresenter
    from ecrm_desktop.services.dashboard import DashboardService
    from ecrm_desktop.services.segments import SegmentService
    from ecrm_desktop.views.dashboard_screen import DashboardScreen
    from ecrm_desktop.views.segments_screen import SegmentsScreen

    segments_view, dashboard_view = SegmentsScreen(), DashboardScreen()
    segments = SegmentsPresenter(segments_view, SegmentService(session), runner, go, write_csv=write_csv)
    dashboard = DashboardPresenter(dashboard_view, DashboardService(session), runner)
    segments_view.attach(segments)
    dashboard_view.attach(dashboard)
    return segments_view, segments, dashboard_view, dashboard


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
    dashboard = DashboardService(session).load(period, segment)
    write_pdf(dashboard, pdf)
    return dashboard
