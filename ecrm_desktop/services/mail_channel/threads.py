"""Which ticket an inbound mail belongs to, and which customer sent it.

Threading rules, in order (docs/inbox-email.md):
1. a mail whose Message-ID is already stored is a copy and is skipped;
2. In-Reply-To, then References from the newest id back, naming a message of a ticket: that ticket;
3. a subject with a reply or forward prefix ("Re:", "RE:", "Fwd:", "AW:", "SV:", …) that, normalised, equals the
   subject of a ticket of the same requester updated within `SUBJECT_FALLBACK_DAYS`: that ticket;
4. otherwise a new ticket.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import TicketChannel
from ecrm_desktop.domain.mail import normalised_subject
from ecrm_desktop.storage.tables import Customer, CustomerEmail, Ticket, TicketMessage

SUBJECT_FALLBACK_DAYS = 30
_CANDIDATES = 50


def known_message(session: Session, message_id: str | None) -> bool:
    return message_id is not None and session.execute(
        select(TicketMessage.id).where(TicketMessage.message_id == message_id).limit(1)).first() is not None


def ticket_by_headers(session: Session, thread_ids: list[str]) -> int | None:
    """The ticket holding the nearest message the mail refers to."""
    if not thread_ids:
        return None
    rows = session.execute(select(TicketMessage.message_id, TicketMessage.ticket_id)
                           .where(TicketMessage.message_id.in_(thread_ids))).all()
    found = {mid: tid for mid, tid in rows}
    return next((found[i] for i in thread_ids if i in found), None)


def ticket_by_subject(session: Session, subject: str, requester: str, now: datetime) -> int | None:
    """Subject fallback: only for a subject with a reply/forward prefix, same requester, recent ticket."""
    wanted = normalised_subject(subject)
    if not wanted or wanted == " ".join(subject.split()).casefold():
        return None
    rows = session.execute(
        select(Ticket.id, Ticket.subject).where(Ticket.requester_email == requester,
                                                Ticket.channel == TicketChannel.EMAIL,
                                                Ticket.updated_at >= now - timedelta(days=SUBJECT_FALLBACK_DAYS))
        .order_by(Ticket.updated_at.desc()).limit(_CANDIDATES)).all()
    return next((tid for tid, s in rows if normalised_subject(s) == wanted), None)


def customer_for(session: Session, email: str) -> int | None:
    """The customer with this address as primary email, else among their other emails (merges followed)."""
    found = session.execute(select(Customer.id).where(Customer.email == email, Customer.merged_into_id.is_(None))
                            .order_by(Customer.id).limit(1)).scalar()
    if found is None:
        found = session.execute(select(CustomerEmail.customer_id).where(CustomerEmail.email == email)
                                .order_by(CustomerEmail.customer_id).limit(1)).scalar()
    for _ in range(10):  # a chain of merges ends at the surviving customer
        merged = session.execute(select(Customer.merged_into_id).where(Customer.id == found)).scalar() \
            if found is not None else None
        if merged is None:
            break
        found = merged
    return found
