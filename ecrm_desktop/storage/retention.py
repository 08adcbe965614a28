"""Which customers the retention policy applies to: no order, store update or ticket since the cutoff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ecrm_desktop.storage.tables import Customer, Ticket, Tombstone


def inactive_customers(session: Session, cutoff: datetime) -> list[int]:
    """Customers (not merged into another, not already erased) whose last activity is before `cutoff`."""
    c = Customer
    last = func.max(c.created_at, c.updated_at, func.coalesce(c.last_order_at, c.created_at))
    return list(session.execute(select(c.id).where(
        c.merged_into_id.is_(None), last < cutoff,
        ~exists().where(Tombstone.customer_id == c.id),
        ~exists().where(Ticket.customer_id == c.id, Ticket.updated_at >= cutoff),
    ).order_by(c.id)).scalars())
