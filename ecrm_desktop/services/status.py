"""What the status bar says about the data: when it was last brought up to date from the stores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.tables import Order, Store


class StatusService:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def data_as_of(self) -> datetime | None:
        """The last finished sync of any store; for data never synced (demo, import), the newest order."""
        with self.session.workspace.sessions() as s:
            synced = s.execute(select(Store.last_sync_at).where(Store.last_sync_at.is_not(None))
                               .order_by(Store.last_sync_at.desc()).limit(1)).scalar()
            if synced is not None:
                return synced
            return s.execute(select(Order.updated_at).order_by(Order.created_at.desc()).limit(1)).scalar()
