"""The lock over the main window (idle lock): an opaque page that hides every screen, keeping their state, and
asks for the password (and the code, for a user with a second factor); and the application-wide filter that
notices a person is still there."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QPushButton, QToolBar, QVBoxLayout, QWidget

from ecrm_desktop.presenters.idle_lock import IdleLockPresenter

INPUT_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}


class LockScreen(QWidget):
    """Implements `presenters.idle_lock.LockView`; covers its window while locked."""

    def __init__(self, window: QMainWindow, user: str) -> None:
        super().__init__(window)
        self.window_ = window
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # opaque: nothing shows through
        self.setObjectName("lock")
        self.setStyleSheet("#lock { background: palette(window); }")
        title = QLabel("ecrm is locked")
        title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        hint = QLabel(f"Signed in as {user}. Enter your password to go on where you left off.")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password, placeholderText="password")
        self.password.setFixedWidth(280)
        self.code = QLineEdit(placeholderText="authentication code")
        self.code.setFixedWidth(280)
        self.code.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText)
        self.code_hint = QLabel()
        self.unlock_button = QPushButton("Unlock")
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for w in (title, hint, self.password, self.code_hint, self.code, self.unlock_button, self.message):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.code.hide()
        self.code_hint.hide()
        self.presenter: IdleLockPresenter | None = None
        self.hide()
        window.installEventFilter(self)

    def attach(self, presenter: IdleLockPresenter) -> None:
        self.presenter = presenter
        self.unlock_button.clicked.connect(lambda: presenter.unlock(self.password.text(), self.code.text()))
        self.password.returnPressed.connect(self.unlock_button.click)
        self.code.returnPressed.connect(self.unlock_button.click)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window_ and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.window_.rect())
        return False

    # LockView
    def show_locked(self) -> None:
        self._set_window_usable(False)
        self.setGeometry(self.window_.rect())
        self.message.clear()
        self.password.clear()
        self.code.clear()
        self.show()
        self.raise_()
        self.password.setFocus()

    def ask_lock_code(self, message: str) -> None:
        self.code_hint.setText(message)
        self.code_hint.show()
        self.code.show()
        if self.password.text():
            self.code.setFocus()

    def show_unlocked(self) -> None:
        self.password.clear()
        self.code.clear()
        self.hide()
        self._set_window_usable(True)

    def show_lock_error(self, message: str) -> None:
        self.message.setText(message)
        self.password.selectAll()

    def _set_window_usable(self, usable: bool) -> None:
        """Screens, toolbars and shortcuts do nothing while locked."""
        central = self.window_.centralWidget()
        if central is not None:
            central.setEnabled(usable)
        for action in self.window_.actions():
            action.setEnabled(usable)
        for bar in self.window_.findChildren(QToolBar):
            bar.setEnabled(usable)


class ActivityFilter(QObject):
    """Calls `heard()` on a person's input anywhere in the application, at most every few seconds."""

    def __init__(self, heard: Callable[[], None], every_ms: int = 5000) -> None:
        super().__init__()
        self.heard, self.every_ms = heard, every_ms
        self._since = QElapsedTimer()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in INPUT_EVENTS and (not self._since.isValid() or self._since.elapsed() > self.every_ms):
            self._since.start()
            self.heard()
        return False
