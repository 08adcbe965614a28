"""The Privacy & security screen: data subject requests (also from the 360° view), the retention policy with
its preview, key rotation and backups. Every piece of work runs on the task runner; the view asks the user."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from ecrm_desktop.domain.privacy import RetentionAction, RetentionPolicy, RetentionPreview
from ecrm_desktop.presenters.tasks import Runner, TaskState
from ecrm_desktop.services.backups import BackupService
from ecrm_desktop.services.keys import KeyService
from ecrm_desktop.services.privacy import PrivacyService

WritePdf = Callable[[dict[str, Any], Path], None]


@dataclass(frozen=True)
class PrivacyState:
    policy: RetentionPolicy | None
    key_changed: datetime | None
    reminder: str | None


class PrivacyView(Protocol):
    def show_state(self, state: PrivacyState) -> None: ...

    def show_preview(self, preview: RetentionPreview) -> None: ...

    def show_message(self, message: str) -> None: ...

    def confirm(self, question: str) -> bool: ...

    def ask_save_path(self, title: str, suggested: str, filters: str) -> Path | None: ...


class PrivacyPresenter:
    def __init__(self, view: PrivacyView, privacy: PrivacyService, keys: KeyService, backups: BackupService, *,
                 runner: Runner, write_pdf: WritePdf) -> None:
        self.view, self.privacy, self.keys, self.backups = view, privacy, keys, backups
        self.runner, self.write_pdf = runner, write_pdf
        self.preview: RetentionPreview | None = None

    def load(self) -> None:
        self.runner.submit(lambda _s: PrivacyState(self.privacy.policy(), self.keys.last_rotation(),
                                                   self.keys.reminder()), self.view.show_state, "Loading")

    # -- data subject requests ------------------------------------------------------------------------------

    def export_email(self, email: str) -> None:
        path = self.view.ask_save_path("Export everything held about this person", "subject-access.pdf",
                                       "PDF (*.pdf);;JSON (*.json)")
        if path is not None:
            self._export(lambda: self.privacy.customers_of(email), path)

    def export_customer(self, customer_id: int) -> None:
        path = self.view.ask_save_path("Export everything held about this customer",
                                       f"customer-{customer_id}.pdf", "PDF (*.pdf);;JSON (*.json)")
        if path is not None:
            self._export(lambda: [customer_id], path)

    def _export(self, ids: Callable[[], list[int]], path: Path) -> None:
        def job(_state: TaskState) -> str:
            record = self.privacy.access_export(ids())
            if path.suffix.lower() == ".pdf":
                self.write_pdf(record, path)
            else:
                tmp = path.with_name(f".{path.name}.partial")
                try:
                    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    with os.fdopen(fd, "w", encoding="utf-8") as fh:
                        json.dump(record, fh, indent=2, ensure_ascii=False)
                    os.replace(tmp, path)
                finally:
                    tmp.unlink(missing_ok=True)
            return f"Exported everything held about this person to {path}."

        self.runner.submit(job, self.view.show_message, "Exporting")

    def erase_email(self, email: str) -> None:
        if self.view.confirm("Erase this person? Their personal data is removed for good; their orders stay, "
                             "anonymised, and the next sync will not bring them back."):
            self._erase(lambda: self.privacy.customers_of(email))

    def erase_customer(self, customer_id: int, after: Callable[[], None] = lambda: None) -> None:
        if self.view.confirm("Erase this customer? Their personal data is removed for good; their orders stay, "
                             "anonymised, and the next sync will not bring them back."):
            self._erase(lambda: [customer_id], after)

    def _erase(self, ids: Callable[[], list[int]], after: Callable[[], None] = lambda: None) -> None:
        def done(message: str) -> None:
            self.view.show_message(message)
            after()

        def job(_state: TaskState) -> str:
            erased = self.privacy.erase(ids())
            return (f"Erased {erased.customers} customer record(s); {erased.orders} orders kept anonymised, "
                    f"{erased.tickets} tickets blanked.")

        self.runner.submit(job, done, "Erasing")

    # -- retention ------------------------------------------------------------------------------------------

    def preview_policy(self, years: int, action: RetentionAction, scheduled: bool) -> None:
        policy = RetentionPolicy(years, action, scheduled)

        def done(preview: RetentionPreview) -> None:
            self.preview = preview
            self.view.show_preview(preview)

        self.runner.submit(lambda _s: self.privacy.preview_retention(policy), done, "Previewing")

    def save_policy(self, years: int, action: RetentionAction, scheduled: bool) -> None:
        policy = RetentionPolicy(years, action, scheduled)
        self.runner.submit(lambda _s: self.privacy.set_policy(policy),
                           lambda _r: self.view.show_message("Retention policy saved."), "Saving")

    def apply_preview(self) -> None:
        preview = self.preview
        if preview is None or not preview.count:
            return
        verb = "Anonymise" if preview.policy.action is RetentionAction.ANONYMISE else "Delete"
        if not self.view.confirm(f"{verb} the {preview.count:,} customers in the preview? This cannot be undone."):
            return
        self.preview = None

        def job(_state: TaskState) -> str:
            result = self.privacy.apply_retention(preview)
            return (f"{verb}d {result.erased.customers:,} inactive customers; {result.skipped} had become "
                    "active since the preview and were left alone.")

        self.runner.submit(job, self.view.show_message, "Applying the retention policy")

    # -- key and backups ------------------------------------------------------------------------------------

    def rotate_key(self) -> None:
        if not self.view.confirm("Re-encrypt the workspace under a new key? Every user keeps their password; "
                                 "keys remembered on computers are forgotten. Stop syncs first."):
            return

        def job(_state: TaskState) -> str:
            self.keys.rotate()
            return "The database key was rotated and every user's key slot re-wrapped."

        self.runner.submit(job, self._then_reload, "Rotating the key")

    def back_up(self) -> None:
        path = self.view.ask_save_path("Back up the workspace", f"ecrm-{datetime.now():%Y-%m-%d}.ecrmbackup",
                                       "ecrm backups (*.ecrmbackup)")
        if path is None:
            return

        def job(_state: TaskState) -> str:
            info = self.backups.create(path)
            return f"Wrote an encrypted backup to {path} ({info.database_bytes / 1e6:,.1f} MB)."

        self.runner.submit(job, self.view.show_message, "Backing up")

    def _then_reload(self, message: str) -> None:
        self.view.show_message(message)
        self.load()
