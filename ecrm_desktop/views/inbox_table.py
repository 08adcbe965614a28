"""The inbox's ticket list: a paged table whose SLA column warns in colour and in words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from ecrm_desktop.domain.helpdesk.inbox import TicketRow
from ecrm_desktop.domain.helpdesk.sla import SlaState, describe_due, sla_state
from ecrm_desktop.presenters.paging import PagedRows
from ecrm_desktop.views.format import status, when
from ecrm_desktop.views.paged_model import Column, Index, PagedTableModel

SLA_COLOURS = {SlaState.BREACHED: (QColor("#a11212"), QColor("#fde2e1")),
               SlaState.DUE_SOON: (QColor("#8a4b00"), QColor("#fff1d6"))}
PRIORITY_COLOURS = {"URGENT": QColor("#a11212"), "HIGH": QColor("#8a4b00")}


def sla_text(row: TicketRow, now: datetime) -> str:
    text = describe_due(row.sla_due_at, now, answered=row.first_response_at is not None)
    return f"⚠ {text}" if sla_state(row.sla_due_at, now) is SlaState.BREACHED else text


def columns(now: Callable[[], datetime]) -> list[Column[TicketRow]]:
    return [
        Column("sla", "SLA", lambda r: sla_text(r, now()), sortable=True),
        Column("subject", "Subject", lambda r: r.subject),
        Column("requester", "Requester", lambda r: r.requester),
        Column("status", "Status", lambda r: status(r.status.value)),
        Column("priority", "Priority", lambda r: status(r.priority.value)),
        Column("assignee", "Assignee", lambda r: r.assignee or "—"),
        Column("tags", "Tags", lambda r: ", ".join(r.tags)),
        Column("messages", "Msgs", lambda r: str(r.message_count), numeric=True),
        Column("updated", "Updated", lambda r: when(r.updated_at)),
    ]


class TicketTableModel(PagedTableModel[TicketRow]):
    """Adds the SLA warning colours and a bold urgent priority to the paged table."""

    def __init__(self, rows: PagedRows[Any, TicketRow], now: Callable[[], datetime],
                 sort: Callable[[str, bool], None]) -> None:
        super().__init__(rows, columns(now), sort)
        self.now = now
        self._bold = QFont()
        self._bold.setBold(True)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        key = self.columns[index.column()].key if index.isValid() else ""
        if role in {Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole} and key in {"sla", "priority"}:
            row = self.rows.row(index.row())
            if row is not None:
                return self._colour(row, key, role == Qt.ItemDataRole.BackgroundRole)
        if role == Qt.ItemDataRole.FontRole and key == "priority":
            row = self.rows.row(index.row())
            return self._bold if row is not None and row.priority.value == "URGENT" else None
        return super().data(index, role)

    def _colour(self, row: TicketRow, key: str, background: bool) -> QColor | None:
        if key == "priority":
            return None if background else PRIORITY_COLOURS.get(row.priority.value)
        colours = SLA_COLOURS.get(sla_state(row.sla_due_at, self.now()))
        return None if colours is None else colours[1 if background else 0]
