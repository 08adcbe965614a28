"""GUI timings on a demo workspace, printed as one JSON document (medians in milliseconds).

Start-up is measured as whole processes (process start to the first paint of the unlock dialog, and of a
bare PySide6 window, in the same run); the rest in this process under the offscreen platform: unlock to the
first painted customer page, search as you type, sort, jump to row 900,000, opening 360° views, peak RSS.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_benchmarks.py WORKSPACE [--runs N]
(user admin, password from ECRM_PASSWORD, default ecrm-demo-2026)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

CHILD = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, (QDialog, QMainWindow)):
            print(time.time(), flush=True)
            os._exit(0)
        return False
app = QApplication(sys.argv)
spy = FirstPaint()
app.installEventFilter(spy)
if sys.argv[1] == "bare":
    window = QMainWindow()
    window.setWindowTitle("bare")
    window.resize(460, 200)
    window.show()
    app.exec()
else:
    from pathlib import Path
    from ecrm_desktop.app import run_gui
    run_gui(Path(sys.argv[1]))
"""


def startup_ms(target: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, target], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
                             check=True)
        times.append((float(out.stdout.split()[-1]) - started) * 1000)
    return statistics.median(times)


class PaintClock(QObject):
    """Remembers when the watched widget last painted."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.last = 0.0
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.last = time.perf_counter()
        return False


def until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        QTimer.singleShot(3, loop.quit)  # a coarse poll leaves the worker the interpreter
        loop.exec()


def painted_after(clock: PaintClock, start: float, ready: Callable[[], bool], widget: QWidget) -> float:
    """Milliseconds from `start` to the first paint of `widget` after `ready()` holds."""
    until(ready)
    mark = time.perf_counter()
    widget.update()
    until(lambda: clock.last >= mark)
    return (clock.last - start) * 1000


def in_process(folder: Path, password: str) -> dict[str, object]:
    from ecrm_desktop.app import build_main_window
    from ecrm_desktop.domain.directory import CustomerColumn
    from ecrm_desktop.presenters.navigation import Place, Screen
    from ecrm_desktop.presenters.tasks import TaskRunner
    from ecrm_desktop.services.workspace import WorkspaceService
    from ecrm_desktop.views.customers_screen import CustomersScreen
    from ecrm_desktop.views.profile_screen import ProfileScreen

    results: dict[str, object] = {}
    runner = TaskRunner()
    pressed = time.perf_counter()
    session = WorkspaceService().unlock(folder, "admin", password)
    unlocked = time.perf_counter()
    window = build_main_window(session, runner)
    window.resize(1400, 860)
    customers = window.screens[Screen.CUSTOMERS]
    profile = window.screens[Screen.CUSTOMER]
    assert isinstance(customers, CustomersScreen) and isinstance(profile, ProfileScreen)
    presenter = customers.presenter
    assert presenter is not None
    viewport = customers.table.viewport()
    clock = PaintClock(viewport)
    window.show()
    first = painted_after(clock, unlocked, lambda: presenter.rows.row(0) is not None, viewport)
    results["unlock_key_derivation_ms"] = round((unlocked - pressed) * 1000, 1)
    results["unlocked_to_first_customer_page_painted_ms"] = round(first, 1)
    results["unlock_pressed_to_first_customer_page_painted_ms"] = round(first + (unlocked - pressed) * 1000, 1)
    results["rss_customers_screen_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    def typed(text: str) -> float:
        start = time.perf_counter()
        customers.search.setText(text)
        return painted_after(clock, start, lambda: presenter.rows.query is not None
                             and presenter.rows.query.search.strip() == text.strip() and not runner_busy(), viewport)

    def runner_busy() -> bool:
        return runner.busy

    until(lambda: not runner_busy())

    keystrokes = []
    for word in ("smith", "maria g", "john", "gmail", "lopez", "anna m"):
        for i in range(1, len(word) + 1):
            keystrokes.append(typed(word[:i]))
        customers.search.setText("")
        until(lambda: not runner_busy())
    results["search_keystroke_to_repaint_ms"] = {"median": round(statistics.median(keystrokes), 1),
                                                 "p90": round(sorted(keystrokes)[int(len(keystrokes) * 0.9)], 1),
                                                 "keystrokes": len(keystrokes)}

    def sort(column: CustomerColumn, descending: bool) -> float:
        start = time.perf_counter()
        presenter.sort(column, descending)
        return painted_after(clock, start, lambda: not runner_busy() and presenter.rows.row(0) is not None,
                             viewport)

    sorts = [sort(CustomerColumn.SPENT, False), sort(CustomerColumn.SPENT, True),
             sort(CustomerColumn.SPENT, False), sort(CustomerColumn.SPENT, True)]
    results["sort_by_amount_spent_ms"] = round(statistics.median(sorts), 1)
    results["sort_by_name_ms"] = round(sort(CustomerColumn.NAME, False), 1)
    sort(CustomerColumn.SPENT, True)

    def row_ready(target: int) -> bool:
        return presenter.rows.row(target) is not None and not runner_busy()

    jumps = []
    for target in (900_000, 450_000, 900_000 - 5_000, 700_000):
        start = time.perf_counter()
        customers.table.scrollTo(customers.table.model().index(target, 0))
        jumps.append(painted_after(clock, start, partial(row_ready, target), viewport))
    results["jump_to_row_900000_ms"] = {"first": round(jumps[0], 1), "median": round(statistics.median(jumps), 1)}

    from sqlalchemy import text

    with session.workspace.sessions() as s:
        big: list[int] = list(s.execute(text("SELECT id FROM customers WHERE orders_count BETWEEN 195 AND 205 "
                                  "ORDER BY id LIMIT 7")).scalars())
    def profile_shown(cid: int) -> bool:
        return profile.profile is not None and profile.profile.id == cid

    pclock = PaintClock(profile)
    opens = []
    for cid in big:
        start = time.perf_counter()
        window.go(Place(Screen.CUSTOMER, cid))
        opens.append(painted_after(pclock, start, partial(profile_shown, cid), profile))
        window.back()
    results["open_360_view_200_orders_ms"] = {"median": round(statistics.median(opens), 1),
                                              "first": round(opens[0], 1), "customers": len(opens)}
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    window.close()
    runner.wait()
    session.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    password = os.environ.get("ECRM_PASSWORD", "ecrm-demo-2026")
    startup = {"bare_pyside6_window_ms": round(startup_ms("bare", args.runs), 1),
               "unlock_dialog_ms": round(startup_ms(str(args.workspace), args.runs), 1), "runs": args.runs}
    startup["ratio"] = round(startup["unlock_dialog_ms"] / startup["bare_pyside6_window_ms"], 2)
    app = QApplication.instance() or QApplication(sys.argv)
    report = {"workspace": str(args.workspace), "startup": startup, **in_process(args.workspace, password)}
    print(json.dumps(report, indent=2))
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
