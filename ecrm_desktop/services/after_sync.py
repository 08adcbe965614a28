"""What is derived from the synced data and refreshed after each sync that changed something: RFM groups and
saved segments' members (with who entered and left; their dashboard rollups move by what those customers
contribute), then the stored predictions and recommendations (and, with them, the next best actions)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ecrm_desktop.domain.clv.errors import InsufficientData
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.predictions import refresh_predictions
from ecrm_desktop.services.privacy import run_due_retention
from ecrm_desktop.services.segments import SegmentService
from ecrm_desktop.services.sync import SyncReport
from ecrm_desktop.services.workspace import UserSession

log = logging.getLogger(__name__)


def refresh_derived_data(session: UserSession, progress: Callable[[int, int], None] | None = None) -> str:
    """Refresh everything derived from the orders; one sentence saying what happened. Too little history for
    the models is not an error here: predictions simply stay absent until there is enough. Every write is a
    short transaction of its own (see `SegmentService.refresh_all`, `refresh_predictions`), so edits made
    meanwhile go through; `progress(done, total)` follows each part's steps."""
    require(session, Operation.SYNC)
    retained = run_due_retention(session)  # the scheduled retention policy, at most once a day
    segments = SegmentService(session).refresh_all(progress)
    said = f"Segments re-evaluated ({len(segments)} saved)."
    if retained is not None:
        said = (f"Retention policy: {retained.erased.customers:,} inactive customers "
                f"{retained.policy.action.value}d. {said}")
    try:
        scored = refresh_predictions(session, progress=progress)
    except InsufficientData as exc:
        return f"{said} No predictions yet: {exc}"
    return f"{said} Predictions updated for {scored.customers:,} customers."


def sync_changed_data(report: SyncReport) -> bool:
    """Whether the sync wrote anything, so that what is derived from the data needs refreshing."""
    return any(s.created or s.updated or getattr(s, "deleted", 0) for s in report.stores)
