"""GUI fixtures: the main window on a small store, and a check that no test leaves a window behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ecrm_desktop.app import build_main_window
from ecrm_desktop.presenters.tasks import TaskRunner
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.views.main_window import MainWindow
from tests.conftest import MemoryKeyring
from tests.mail_support import mail_servers  # noqa: F401 (the loopback IMAP/SMTP servers fixture)
from tests.screen_fixtures import fill_small_store


@pytest.fixture(autouse=True)
def no_windows_left_behind(qapp: QApplication) -> Iterator[None]:
    yield
    QApplication.processEvents()
    left = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not left, f"test left windows open: {left}"


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()


@pytest.fixture
def window(qtbot: QtBot, user_session: UserSession, runner: TaskRunner,
           memory_keyring: MemoryKeyring) -> Iterator[MainWindow]:
    fill_small_store(user_session)
    window = build_main_window(user_session, runner, SecretStore(memory_keyring))
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    yield window
    window.close()
    runner.wait()
