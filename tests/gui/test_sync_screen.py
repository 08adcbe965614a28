"""The Sync screen driven as a person would: connect a store, Sync now against the emulator on loopback with
latency, watch progress arrive while the event loop never stalls, cancel, and read the history."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from ecrm_desktop.app import build_sync_screen
from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.domain.sync_status import SyncSchedule
from ecrm_desktop.presenters.navigation import Screen
from ecrm_desktop.presenters.sync_screen import SyncPresenter
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.sync_schedule import SyncScheduleService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.sync.emulator.emulated_store import EmulatedStore
from ecrm_desktop.sync.emulator.faults import Faults
from ecrm_desktop.views.main_window import MainWindow
from ecrm_desktop.views.sync_screen import EMPTY, SyncScreen
from tests.conftest import MemoryKeyring
from tests.sync_support import FAST, connect, emulator, sample_store

pytestmark = pytest.mark.gui


class Heartbeat:
    """A 10 ms timer on the GUI thread that remembers the longest gap between two of its ticks."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = self.longest = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self._tick()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now
        self.ticks += 1


@pytest.fixture
def screen(qtbot: QtBot, user_session: UserSession, memory_keyring: MemoryKeyring,
           runner: TaskRunner) -> Iterator[tuple[SyncScreen, SyncPresenter]]:
    sync_runner = TaskRunner()
    view, presenter = build_sync_screen(user_session, runner, sync_runner, SecretStore(memory_keyring), FAST)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.attach(presenter)
    view.show()
    yield view, presenter
    presenter.shutdown()
    sync_runner.wait()
    view.close()


def connected(qtbot: QtBot, user_session: UserSession, memory_keyring: MemoryKeyring, server: object,
              view: SyncScreen, presenter: SyncPresenter) -> None:
    connect(user_session, SecretStore(memory_keyring), server, Platform.WOOCOMMERCE)  # type: ignore[arg-type]
    presenter.refresh()
    qtbot.waitUntil(lambda: view.stores_model.rowCount() == 1)


def slow_store() -> tuple[EmulatedStore, Faults]:
    return sample_store(60), Faults(retry_after=0.05, latency=0.08)


def test_the_event_loop_never_stalls_while_a_store_syncs(qtbot: QtBot, screen: tuple[SyncScreen, SyncPresenter],
                                                         user_session: UserSession,
                                                         memory_keyring: MemoryKeyring) -> None:
    view, presenter = screen
    store, faults = slow_store()
    with emulator(store, Platform.WOOCOMMERCE, faults=faults) as server:
        connected(qtbot, user_session, memory_keyring, server, view, presenter)
        faults.inject("429")
        beat = Heartbeat()
        beat.start()
        started = time.perf_counter()
        qtbot.mouseClick(view.sync_button, Qt.MouseButton.LeftButton)
        assert view.cancel_button.isEnabled() and not view.sync_button.isEnabled()
        qtbot.waitUntil(lambda: view.progress_model.rowCount() > 0, timeout=10_000)
        qtbot.waitUntil(lambda: view.result.text().startswith("Sync complete"), timeout=30_000)
        seconds = time.perf_counter() - started
        beat.stop()
    print(f"sync {seconds:.2f} s, {beat.ticks} ticks, longest gap {beat.longest * 1000:.1f} ms")
    assert seconds > 1.0, "the sync should run long enough for the heartbeat to mean something"
    assert beat.longest < 0.100, f"the event loop stalled for {beat.longest * 1000:.0f} ms"
    assert beat.ticks > seconds / 0.010 * 0.5
    resources = {view.progress_model.item(r, 1).text() for r in range(view.progress_model.rowCount())}
    assert resources >= {"Customers", "Orders", "Products"}
    waits = [view.progress_model.item(r, 7).text() for r in range(view.progress_model.rowCount())]
    assert any(w.startswith("1 (") for w in waits), waits
    qtbot.waitUntil(lambda: view.history_model.rowCount() == 1)
    assert view.history_model.item(0, 2).text() == "Complete"
    assert view.stores_model.item(0, 5).text() == "Complete"
    assert view.sync_button.isEnabled() and not view.cancel_button.isEnabled()


def test_cancel_stops_the_sync_and_the_history_says_partial(qtbot: QtBot, screen: tuple[SyncScreen, SyncPresenter],
                                                            user_session: UserSession,
                                                            memory_keyring: MemoryKeyring) -> None:
    view, presenter = screen
    store, faults = slow_store()
    with emulator(store, Platform.WOOCOMMERCE, faults=faults) as server:
        connected(qtbot, user_session, memory_keyring, server, view, presenter)
        view.stores.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: view.progress_model.rowCount() > 0, timeout=10_000)
        qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
        assert view.result.text().startswith("Cancelling")
        qtbot.waitUntil(lambda: view.result.text().startswith("Sync partial"), timeout=10_000)
        assert "cancelled" in view.result.text()
    qtbot.waitUntil(lambda: view.history_model.rowCount() == 1)
    assert view.history_model.item(0, 2).text() == "Partial"
    assert "cancelled" in view.history_model.item(0, 8).text()


def test_ctrl_6_opens_the_sync_screen_and_a_store_connects_from_the_dialog(
        qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    view = window.screens[Screen.SYNC]
    assert isinstance(view, SyncScreen) and window.stack.currentWidget() is view
    qtbot.waitUntil(lambda: view.stores_stack.currentWidget() is view.empty)
    assert view.empty.text() == EMPTY and not view.sync_button.isEnabled()
    store = sample_store(5)
    with emulator(store, Platform.SHOPIFY) as server:
        qtbot.mouseClick(view.connect_button, Qt.MouseButton.LeftButton)
        dialog = view.dialog
        assert dialog is not None and dialog.isVisible()
        assert "read_all_orders" in dialog.help.text()
        qtbot.keyClicks(dialog.name, "Main shop")
        qtbot.keyClicks(dialog.url, server.url)
        qtbot.keyClicks(dialog.token, store.token)
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Emulated Shop" in dialog.outcome.text())
        assert "Missing" not in dialog.outcome.text()
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: view.dialog is None)
    qtbot.waitUntil(lambda: view.stores_model.rowCount() == 1)
    assert view.stores_model.item(0, 0).text() == "Main shop" and view.sync_button.isEnabled()
    assert view.result.text().startswith("Main shop is connected")


def test_the_schedule_is_set_from_the_screen_and_kept_in_the_workspace(
        qtbot: QtBot, screen: tuple[SyncScreen, SyncPresenter], user_session: UserSession) -> None:
    view, presenter = screen
    qtbot.waitUntil(lambda: view.minutes.value() == 15)
    view.minutes.setFocus()
    view.minutes.selectAll()
    qtbot.keyClicks(view.minutes, "30")
    qtbot.keyClick(view.minutes, Qt.Key.Key_Tab)
    qtbot.mouseClick(view.periodic, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: presenter.schedule == SyncSchedule(30, True, False))
    assert presenter.timer.isActive() and presenter.timer.interval() == 30 * 60_000
    assert SyncScheduleService(user_session).read() == SyncSchedule(30, True, False)
