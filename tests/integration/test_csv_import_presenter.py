"""The import wizard's presenter with a fake view over the real service: mapping guesses, a chosen mapping,
preview, dry run, import, a problem shown in the wizard, and saving the rejected rows."""

from __future__ import annotations

from pathlib import Path

from ecrm_desktop.domain.csv_import import ImportKind, ImportReport, Rejection
from ecrm_desktop.presenters.csv_import import ImportWizardPresenter, MappingRow
from ecrm_desktop.services.csv_import import CsvImportService
from ecrm_desktop.services.workspace import UserSession
from tests.screen_fixtures import InlineRunner

SAMPLES = Path(__file__).parent.parent / "data" / "csv_import"


class FakeWizard:
    def __init__(self) -> None:
        self.mapping: list[MappingRow] = []
        self.preview: list[tuple[str, ...]] = []
        self.rejections: tuple[Rejection, ...] = ()
        self.reports: list[ImportReport] = []
        self.messages: list[str] = []
        self.progress: list[tuple[int, int]] = []

    def show_mapping(self, headers: tuple[str, ...], rows: list[MappingRow]) -> None:
        self.mapping = rows

    def show_preview(self, columns: tuple[str, ...], rows: list[tuple[str, ...]], parsed_rows: int,
                     rejections: tuple[Rejection, ...]) -> None:
        self.preview, self.rejections = rows, rejections

    def show_report(self, report: ImportReport) -> None:
        self.reports.append(report)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.append((done, total))

    def show_busy(self, busy: bool, label: str) -> None:
        pass

    def show_message(self, message: str) -> None:
        self.messages.append(message)


def test_mapping_preview_dry_run_import(user_session: UserSession, tmp_path: Path) -> None:
    view, imported = FakeWizard(), []
    presenter = ImportWizardPresenter(view, CsvImportService(user_session), InlineRunner(), imported.append)
    presenter.choose(tmp_path / "missing.csv", ImportKind.CUSTOMERS)
    assert view.messages == ["Cannot read missing.csv: No such file or directory."]
    path = tmp_path / "crm.csv"
    path.write_text("Kontakt;Vorname;Stadt\nkim@example.de;Kim;Köln\nbad;X;Y\n", encoding="utf-8")
    presenter.choose(path, ImportKind.CUSTOMERS)
    guessed = {row.field: row.source for row in view.mapping}
    assert (guessed["email"], guessed["first_name"], guessed["city"]) == ("", "Vorname", "Stadt")
    presenter.preview({"email": "Kontakt", "first_name": "Vorname", "city": "Stadt"})
    assert [row[1:3] for row in view.preview] == [("Kim", "kim@example.de")]
    assert view.rejections == (Rejection(3, "Kontakt: 'bad' is not an email address"),)
    presenter.dry_run()
    presenter.start_import()
    assert [(r.dry_run, r.new, len(r.rejections)) for r in view.reports] == [(True, 1, 1), (False, 1, 1)]
    assert imported == [view.reports[1]] and view.progress[-1] == (1, 1)
    presenter.save_rejections(tmp_path / "rejected.csv")
    assert view.messages[-1] == "Saved 1 rejected rows with their reasons to rejected.csv."
    assert (tmp_path / "rejected.csv").read_text(encoding="utf-8").splitlines() == [
        "Row,Reason,Kontakt,Vorname,Stadt", "3,Kontakt: 'bad' is not an email address,bad,X,Y"]
