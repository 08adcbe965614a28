"""Workspace settings: one JSON value per key in the `settings` table."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.storage.tables import Setting


def read_setting(session: Session, key: str) -> Any:
    """A workspace setting's value (decoded from its JSON), or None when it is not set."""
    raw = session.execute(select(Setting.value_json).where(Setting.key == key)).scalar()
    return None if raw is None else json.loads(raw)


def write_setting(session: Session, key: str, value: Any) -> None:
    """Set a workspace setting in the caller's transaction."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value_json=json.dumps(value)))
    else:
        row.value_json = json.dumps(value)


def reporting_currency(session: Session) -> str:
    """The currency reports and aggregates are kept in (setting `reporting_currency`, default USD)."""
    value = read_setting(session, "reporting_currency")
    return str(value) if value else "USD"
