"""The Privacy & security presenter with a fake view and real services: exports from the 360° view, erasure
only after confirmation, a preview that applies to exactly what it showed, rotation and backups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ecrm_desktop.domain.privacy import RetentionAction, RetentionPreview
from ecrm_desktop.presenters.privacy import PrivacyPresenter, PrivacyState
from ecrm_desktop.services.backups import BackupService
from ecrm_desktop.services.demo import fill_demo
from ecrm_desktop.services.keys import KeyService
from ecrm_desktop.services.privacy import PrivacyService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import Customer, Tombstone
from tests.screen_fixtures import InlineRunner


class FakeView:
    def __init__(self, answer: bool, path: Path | None) -> None:
        self.answer, self.path = answer, path
        self.messages: list[str] = []
        self.questions: list[str] = []
        self.state: PrivacyState | None = None
        self.preview: RetentionPreview | None = None

    def show_state(self, state: PrivacyState) -> None:
        self.state = state

    def show_preview(self, preview: RetentionPreview) -> None:
        self.preview = preview

    def show_message(self, message: str) -> None:
        self.messages.append(message)

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self.answer

    def ask_save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        return self.path


def _presenter(session: UserSession, view: FakeView) -> tuple[PrivacyPresenter, list[Path]]:
    pdfs: list[Path] = []

    def write_pdf(_record: dict[str, Any], path: Path) -> None:
        pdfs.append(path)

    return PrivacyPresenter(view, PrivacyService(session), KeyService(session), BackupService(session),
                            runner=InlineRunner(), write_pdf=write_pdf), pdfs


def _count(session: UserSession, table: Any) -> int:
    with session.workspace.sessions() as s:
        return int(s.execute(select(func.count()).select_from(table)).scalar_one())


def test_exports_and_erasure_need_the_users_word(user_session: UserSession, tmp_path: Path) -> None:
    fill_demo(user_session, 40, seed=2)
    view = FakeView(answer=False, path=tmp_path / "c.json")
    presenter, pdfs = _presenter(user_session, view)
    presenter.export_customer(1)
    assert json.loads((tmp_path / "c.json").read_text())["records"][0]["customer"]["id"] == 1
    view.path = tmp_path / "c.pdf"
    presenter.export_customer(1)
    assert pdfs == [tmp_path / "c.pdf"]

    presenter.erase_customer(1)  # the user said no
    assert view.questions and _count(user_session, Tombstone) == 0
    view.answer = True
    erased: list[bool] = []
    presenter.erase_customer(1, lambda: erased.append(True))
    assert erased and _count(user_session, Tombstone) > 0 and "Erased 1 customer" in view.messages[-1]


def test_preview_then_apply(user_session: UserSession) -> None:
    fill_demo(user_session, 80, seed=4)
    view = FakeView(answer=True, path=None)
    presenter, _ = _presenter(user_session, view)
    presenter.load()
    assert view.state is not None and view.state.policy is None and view.state.key_changed is not None
    presenter.preview_policy(2, RetentionAction.DELETE, False)
    assert view.preview is not None and view.preview.count > 0
    before = _count(user_session, Customer)
    presenter.apply_preview()
    assert _count(user_session, Customer) == before - view.preview.count
    presenter.preview_policy(2, RetentionAction.DELETE, False)
    assert view.preview.count == 0


def test_rotate_and_back_up(user_session: UserSession, tmp_path: Path) -> None:
    view = FakeView(answer=True, path=tmp_path / "b.ecrmbackup")
    presenter, _ = _presenter(user_session, view)
    old = user_session.workspace.database_key
    presenter.rotate_key()
    assert user_session.workspace.database_key != old and "rotated" in view.messages[0]
    presenter.back_up()
    assert (tmp_path / "b.ecrmbackup").stat().st_size > 0 and "backup" in view.messages[-1]
