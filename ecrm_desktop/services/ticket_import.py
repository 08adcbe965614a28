"""Importing tickets from another help desk's CSV export: rows that fit become tickets (channel IMPORT, the
description as the first message) in one transaction; the rest are reported by line. `dry_run` writes nothing."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from ecrm_desktop.domain.enums import MessageKind, TicketChannel, TicketStatus
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.helpdesk.ticket_csv import ImportedTicket, RejectedRow, column_map, read_row
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.ticket_automation import AGENT_ROLES, add_tag, apply_sla, sla_targets
from ecrm_desktop.services.tickets import Clock, utc_now
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import Ticket, TicketMessage, User
from ecrm_desktop.storage.ticket_matching import match_customer


@dataclass(frozen=True)
class ImportReport:
    rows: int
    imported: int
    rejected: tuple[RejectedRow, ...]
    dry_run: bool
    columns: dict[str, str]

    def as_json(self) -> dict[str, object]:
        return {"rows": self.rows, "imported": self.imported, "dry_run": self.dry_run, "columns": self.columns,
                "rejected": [{"line": r.line, "reason": r.reason} for r in self.rejected]}


class TicketImportService:
    def __init__(self, session: UserSession, clock: Clock = utc_now) -> None:
        self.session, self.clock = session, clock

    def import_csv(self, path: Path, dry_run: bool = False) -> ImportReport:
        require(self.session, Operation.HANDLE_TICKETS)
        tickets, rejected, columns = self._read(path)
        if not dry_run and tickets:
            self._write(tickets)
        return ImportReport(len(tickets) + len(rejected), 0 if dry_run else len(tickets), tuple(rejected), dry_run,
                            columns)

    @staticmethod
    def _read(path: Path) -> tuple[list[ImportedTicket], list[RejectedRow], dict[str, str]]:
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                columns = column_map(reader.fieldnames or [])
                tickets: list[ImportedTicket] = []
                rejected: list[RejectedRow] = []
                for row in reader:
                    read = read_row(reader.line_num, row, columns)
                    if isinstance(read, ImportedTicket):
                        tickets.append(read)
                    else:
                        rejected.append(read)
        except OSError as exc:
            raise UsageError(f"Cannot read {path}: {exc.strerror}.") from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UsageError(f"{path.name} is not a readable UTF-8 CSV file ({exc.__class__.__name__}).") from None
        return tickets, rejected, columns

    def _write(self, tickets: list[ImportedTicket]) -> None:
        now = self.clock()
        with self.session.workspace.sessions() as s, s.begin():
            agents = dict(s.execute(select(User.name, User.id).where(User.role.in_(AGENT_ROLES))).all())
            targets = sla_targets(s)
            for t in tickets:
                created = t.created_at or now
                ticket = Ticket(subject=t.subject, status=t.status, priority=t.priority, channel=TicketChannel.IMPORT,
                                requester_email=t.requester_email, requester_name=t.requester_name,
                                customer_id=match_customer(s, t.requester_email),
                                assignee_id=agents.get(t.assignee or ""),
                                created_at=created, updated_at=created,
                                solved_at=created if t.status is TicketStatus.SOLVED else None)
                apply_sla(ticket, targets)
                s.add(ticket)
                s.flush()
                s.add(TicketMessage(ticket_id=ticket.id, kind=MessageKind.INBOUND, author=t.requester_email,
                                    body_text=t.body or t.subject, sent_at=created))
                for tag in t.tags:
                    add_tag(s, ticket.id, tag[:100])
            audit.append(s, self.session.user_name, "ticket.import", "ticket", None, count=len(tickets))
