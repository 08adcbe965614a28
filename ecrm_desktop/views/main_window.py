"""The main window: navigation bar, the screens, the error banner and the status bar ("data as of")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ecrm_desktop.presenters.navigation import SECTIONS, Place, Screen
from ecrm_desktop.views.clipboard_guard import ClipboardGuard
from ecrm_desktop.views.format import when


class NotBuiltYet(QLabel):
    def __init__(self, screen: Screen) -> None:
        super().__init__(f"{screen.value}\n\nThis screen is not built yet.")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("font-size: 14pt; color: palette(mid);")


class DeniedScreen(QLabel):
    """Stands in for a screen the signed-in role may not open, saying why."""

    def __init__(self, screen: Screen, reason: str) -> None:
        super().__init__(f"{screen.value}\n\n{reason}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("font-size: 13pt; color: palette(mid); padding: 40px;")


class MainWindow(QMainWindow):
    """Implements `presenters.navigation.NavigationView` and `presenters.status.StatusView`."""

    def __init__(self, screens: dict[Screen, QWidget], workspace_label: str) -> None:
        super().__init__()
        self.setWindowTitle(f"ecrm — {workspace_label}")
        self.go: Callable[[Place], None] = lambda _p: None
        self.place: Place | None = None
        self.back: Callable[[], None] = lambda: None
        self.closing: list[Callable[[], None]] = []  # called as the window closes (stop background work)
        ClipboardGuard(self)  # customer data copied from any screen stays out of clipboard history
        self.screens = {s: screens.get(s) or NotBuiltYet(s) for s in Screen}
        self.stack = QStackedWidget()
        for widget in dict.fromkeys(self.screens.values()):
            self.stack.addWidget(widget)
        self.nav = QListWidget()
        self.nav.addItems([s.value for s in SECTIONS])
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 6px; }")
        self.nav.currentRowChanged.connect(lambda row: self.go(Place(SECTIONS[row])) if row >= 0 else None)
        self.error = QLabel()
        self.error.setWordWrap(True)
        dismiss = QPushButton("Dismiss")
        self.banner = QWidget()
        self.banner.setStyleSheet("background: #fde2e1; color: #7a1212;")
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.error, 1)
        banner_layout.addWidget(dismiss)
        dismiss.clicked.connect(self.banner.hide)
        self.banner.hide()
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        row = QHBoxLayout()
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        column.addLayout(row, 1)
        self.setCentralWidget(body)
        self._actions()
        self.data_as_of = QLabel("Data as of: …")
        self.busy = QProgressBar(textVisible=False)
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.data_as_of)

    def _actions(self) -> None:
        bar = QToolBar("Navigation", movable=False)
        self.addToolBar(bar)
        self.back_action = QAction("← Back", self, enabled=False, toolTip="Back (Alt+Left)")
        keys = [QKeySequence("Alt+Left"), *QKeySequence.keyBindings(QKeySequence.StandardKey.Back)]
        self.back_action.setShortcuts(list({k.toString(): k for k in keys}.values()))
        self.back_action.triggered.connect(self._back)
        bar.addAction(self.back_action)
        find = QAction("Find", self, shortcut=QKeySequence("Ctrl+F"), toolTip="Focus the search box (Ctrl+F)")
        find.triggered.connect(self.focus_search)
        bar.addAction(find)
        self.import_action = QAction("Import CSV…", self, shortcut=QKeySequence("Ctrl+Shift+I"),
                                     toolTip="Import customers or orders from a CSV file (Ctrl+Shift+I)")
        self.menuBar().addMenu("&File").addAction(self.import_action)
        self.mailbox_action = QAction("Support &mailbox…", self, toolTip="Connect the support mailbox")
        self.menuBar().addMenu("&Settings").addAction(self.mailbox_action)
        for i, screen in enumerate(SECTIONS, start=1):
            action = QAction(screen.value, self, shortcut=QKeySequence(f"Ctrl+{i}"))
            action.triggered.connect(lambda _c=False, s=screen: self.go(Place(s)))
            self.addAction(action)

    def deny(self, reasons: Mapping[Screen, str]) -> None:
        """Show the screens the role may not open as disabled, with the reason as tooltip and in their place."""
        for screen, reason in reasons.items():
            denied = DeniedScreen(screen, reason)
            self.stack.addWidget(denied)
            self.screens[screen] = denied
            if screen in SECTIONS:
                item = self.nav.item(SECTIONS.index(screen))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(reason)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        for stop in self.closing:
            stop()
        super().closeEvent(event)

    def _back(self) -> None:
        self.back()

    def focus_search(self) -> None:
        """Ctrl+F: the current screen's search box; on a detail screen, its list's."""
        focus = getattr(self.stack.currentWidget(), "focus_search", None)
        if focus is not None:
            focus()
        elif self.place is not None:
            self.go(Place(self.place.section))

    # NavigationView
    def show_place(self, place: Place, can_go_back: bool) -> None:
        self.place = place
        self.stack.setCurrentWidget(self.screens[place.screen])
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(SECTIONS.index(place.section))
        self.nav.blockSignals(False)
        self.back_action.setEnabled(can_go_back)
        if place.item_id is None:
            self.focus_search()
        else:
            self.screens[place.screen].setFocus()

    # StatusView
    def show_data_as_of(self, moment: datetime | None) -> None:
        self.data_as_of.setText(f"Data as of {when(moment)}" if moment else "Data as of: never synced")

    # the one place errors reach the user
    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.banner.show()

    def show_busy(self, busy: bool) -> None:
        self.busy.setRange(0, 0)
        self.busy.setVisible(busy)
