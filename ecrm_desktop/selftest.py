"""`ecrm --self-test`: proves an installed copy works end to end, without touching the user's data.

It creates a temporary encrypted workspace, loads the release key update checks trust, syncs a demo store
served by the store emulator on loopback, renders every screen offscreen and checks each painted something,
then removes it all. Exit 0 when every step passed, 1 naming the step that failed. `ecrm --self-test
first-paint` instead opens the first window a user sees and exits as soon as it has painted: the cold-start
benchmark times that.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ecrm_desktop.presenters.tasks import TaskRunner
    from ecrm_desktop.services.secrets import SecretStore
    from ecrm_desktop.services.workspace import UserSession

DEMO_CUSTOMERS = 150
SQLITE_HEADER = b"SQLite format 3\x00"
FIRST_PAINT = "first window painted"


class SelfTestFailed(Exception):
    """One step did not do what it must; the message is one sentence."""


@contextmanager
def _step(name: str) -> Iterator[None]:
    started = time.monotonic()
    try:
        yield
    except SelfTestFailed:
        raise
    except Exception as exc:
        raise SelfTestFailed(f"{name} failed with {exc.__class__.__name__}.") from exc
    print(f"self-test: {name}: ok ({time.monotonic() - started:.1f} s)", flush=True)


def run_self_test(customers: int = DEMO_CUSTOMERS) -> int:
    """Every step in order; prints one line per step and returns the exit code."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the self-test never needs or touches a display
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="ecrm-self-test-") as tmp:
            _check_everything(Path(tmp) / "workspace", customers)
    except SelfTestFailed as exc:
        print(f"self-test: FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"self-test: passed in {time.monotonic() - started:.1f} s", flush=True)
    return 0


def _check_everything(folder: Path, customers: int) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    from ecrm_desktop.services.release_signatures import release_key
    from ecrm_desktop.services.secrets import SecretStore
    from ecrm_desktop.services.workspace import WorkspaceService

    # Store secrets go to the temporary workspace, never to the user's keyring.
    secret_store = SecretStore(NoKeyring())  # type: ignore[no-untyped-call]
    with _step("encrypted workspace"):
        session = WorkspaceService(secret_store).create(folder, "admin", secrets.token_urlsafe(18))
        with session.workspace.paths.database.open("rb") as f:
            if f.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
                raise SelfTestFailed("the workspace database was written unencrypted.")
    try:
        with _step("release key for update checks"):
            release_key()
        with _step("demo sync against the store emulator"):
            _demo_sync(session, secret_store, customers)
        with _step("every screen rendered offscreen"):
            _render_screens(session)
    finally:
        session.close()


def _demo_sync(session: UserSession, secret_store: SecretStore, customers: int) -> None:
    from ecrm_desktop.domain.enums import Platform
    from ecrm_desktop.services.stores import StoreService
    from ecrm_desktop.services.sync import COMPLETE, SyncService
    from ecrm_desktop.sync.emulator.demo_records import demo_emulated_store
    from ecrm_desktop.sync.emulator.server import serve
    from ecrm_desktop.sync.emulator.shopify_api import Bucket

    store = demo_emulated_store(Platform.SHOPIFY, customers)
    server = serve(store, Platform.SHOPIFY, bucket=Bucket(maximum=1e9, available=1e9, restore_rate=1e9))
    try:
        StoreService(session, secret_store).add_shopify("Self-test shop", server.url, store.token)
        report = SyncService(session, secret_store).run()
    finally:
        server.stop()
    fetched = sum(s.fetched for s in report.stores)
    if report.status != COMPLETE or fetched < customers:
        raise SelfTestFailed(f"the demo sync ended {report.status} with {fetched} records fetched.")


def _render_screens(session: UserSession) -> None:
    from PySide6.QtWidgets import QApplication

    from ecrm_desktop.app import build_main_window
    from ecrm_desktop.presenters.navigation import Place, Screen
    from ecrm_desktop.presenters.tasks import TaskRunner
    from ecrm_desktop.views.customers_screen import CustomersScreen
    from ecrm_desktop.views.order_screen import OrderScreen
    from ecrm_desktop.views.orders_screen import OrdersScreen
    from ecrm_desktop.views.profile_screen import ProfileScreen
    from ecrm_desktop.views.sign_in import FirstRunDialog, UnlockDialog

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = session.workspace.paths.folder
    for dialog in (FirstRunDialog(folder.parent / "new"), UnlockDialog(folder, session.user_name)):
        dialog.show()
        _painted(dialog, type(dialog).__name__)
        dialog.close()
    runner = TaskRunner()
    window = build_main_window(session, runner)
    errors: list[str] = []
    runner.failed.connect(errors.append)  # a screen's job that failed (a missing module, say) fails the test
    window.show()
    try:
        customers = window.screens[Screen.CUSTOMERS]
        assert isinstance(customers, CustomersScreen) and customers.presenter is not None
        _settle(runner, lambda: customers.presenter is not None and customers.presenter.rows.row(0) is not None)
        _painted(window, "customers")
        customers.presenter.open(0)
        profile = window.screens[Screen.CUSTOMER]
        assert isinstance(profile, ProfileScreen)
        _settle(runner, lambda: profile.profile is not None)
        _painted(window, "customer")
        window.go(Place(Screen.ORDERS))
        orders = window.screens[Screen.ORDERS]
        assert isinstance(orders, OrdersScreen)
        _settle(runner, lambda: orders.presenter is not None and orders.presenter.rows.row(0) is not None)
        _painted(window, "orders")
        assert orders.presenter is not None
        orders.presenter.open(0)
        order = window.screens[Screen.ORDER]
        assert isinstance(order, OrderScreen)
        _settle(runner, lambda: order.presenter is not None and order.presenter.order is not None)
        _painted(window, "order")
        for screen in (Screen.SEGMENTS, Screen.DASHBOARD, Screen.SYNC, Screen.INBOX, Screen.SETTINGS,
                       Screen.AUDIT, Screen.PRIVACY):  # each loads on the worker when opened
            window.go(Place(screen))
            _settle(runner, lambda: True)
            _painted(window, screen.value.lower())
        if errors:
            raise SelfTestFailed(f"a screen's background work failed: {errors[0]}")
    finally:
        window.close()
        runner.wait()
    app.processEvents()


def _settle(runner: TaskRunner, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Run the event loop until `condition()` holds and no task is running."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not (condition() and not runner.busy):
        if time.monotonic() > deadline:
            raise SelfTestFailed("a screen did not finish loading within a minute.")
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _painted(widget: QWidget, name: str) -> None:
    """Fail unless the widget renders to an image of more than one colour."""
    image = widget.grab().toImage()
    if image.isNull() or image.width() < 50 or image.height() < 50:
        raise SelfTestFailed(f"the {name} screen rendered no image.")
    step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
    colours = {image.pixel(x, y) for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y)}
    if len(colours) < 3:
        raise SelfTestFailed(f"the {name} screen rendered blank.")
    print(f"self-test:   {name} rendered {image.width()}x{image.height()}", flush=True)


def first_paint(folder: Path) -> int:
    """Open the sign-in window `ecrm` opens on `folder` and exit once it has painted (cold-start probe)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from ecrm_desktop.views.sign_in import FirstRunDialog, UnlockDialog

    app = QApplication.instance() or QApplication(sys.argv[:1])
    dialog = UnlockDialog(folder, "admin") if (folder / "keyslots.json").exists() else FirstRunDialog(folder)

    class PaintWatch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, app.quit)
            return False

    watch = PaintWatch()
    dialog.installEventFilter(watch)
    dialog.show()
    app.exec()
    print(FIRST_PAINT, flush=True)
    return 0
