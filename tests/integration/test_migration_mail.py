"""Migration 0009 (email channel): replies that existed before count as sent, other messages have no state."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from ecrm_desktop.domain.enums import MessageKind, TicketChannel
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import migrate
from ecrm_desktop.storage.engine import open_engine
from ecrm_desktop.storage.keyslots import KeySlotFile
from ecrm_desktop.storage.tables import Ticket, TicketMessage


def test_existing_replies_become_sent_and_new_ones_queue(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "m.db", KeySlotFile.new_database_key())
    migrate.upgrade(engine, "0006")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO tickets (id, subject, status, priority, channel, created_at, updated_at) "
                          "VALUES (1, 'Hi', 'OPEN', 'NORMAL', 'EMAIL', '2026-01-01T10:00:00', "
                          "'2026-01-01T10:00:00')"))
        for i, kind in enumerate(("INBOUND", "REPLY", "NOTE"), start=1):
            conn.execute(text("INSERT INTO ticket_messages (id, ticket_id, kind, body_text, sent_at) "
                              f"VALUES ({i}, 1, '{kind}', 'x', '2026-01-0{i}T10:00:00')"))
    migrate.upgrade(engine)
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT kind, delivery_state, delivered_at FROM ticket_messages ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("INBOUND", None, None), ("REPLY", "sent", "2026-01-02T10:00:00"),
                                            ("NOTE", None, None)]
        conn.execute(text("INSERT INTO ticket_messages (ticket_id, kind, body_text, sent_at) "
                          "VALUES (1, 'REPLY', 'new', '2026-01-05T10:00:00')"))
        assert conn.execute(text("SELECT delivery_state FROM ticket_messages WHERE body_text = 'new'")).scalar() \
            == "queued"
    engine.dispose()


def test_orm_inserts_queue_replies_only(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        ticket = Ticket(subject="Hi", channel=TicketChannel.MANUAL)
        s.add(ticket)
        s.flush()
        s.add_all([TicketMessage(ticket_id=ticket.id, kind=kind, body_text=kind.value) for kind in MessageKind])
    with user_session.workspace.sessions() as s:
        states = {str(b): d for b, d in s.execute(select(TicketMessage.body_text, TicketMessage.delivery_state))}
    assert states == {"INBOUND": None, "REPLY": "queued", "NOTE": None}
