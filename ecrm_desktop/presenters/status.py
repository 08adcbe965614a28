"""The status bar: "data as of <last sync>" and what the worker is busy with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ecrm_desktop.presenters.tasks import Runner


class StatusView(Protocol):
    def show_data_as_of(self, when: datetime | None) -> None: ...


class StatusPresenter:
    def __init__(self, view: StatusView, data_as_of: Callable[[], datetime | None], runner: Runner) -> None:
        self.view, self.data_as_of, self.runner = view, data_as_of, runner

    def refresh(self) -> None:
        self.runner.submit(lambda _s: self.data_as_of(), self.view.show_data_as_of, "Reading status")
