"""Resolving a store's references to ecrm ids, shared by the writers of customers, orders and catalogue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.storage.tables import Category, CustomerEmail, CustomerIdentity


def normalise_email(email: str | None) -> str | None:
    """Trimmed and lower-cased, or None when empty."""
    return email.strip().lower() if email and email.strip() else None


def customer_id_for(session: Session, store_id: int, external_id: str | None, email: str | None) -> int | None:
    """The customer a record of this store refers to: by the store's customer id, else by email."""
    if external_id is not None:
        found = session.execute(select(CustomerIdentity.customer_id).where(
            CustomerIdentity.store_id == store_id, CustomerIdentity.external_id == external_id)).scalar()
        if found is not None:
            return found
    normalised = normalise_email(email)
    if normalised is None:
        return None
    return session.execute(select(CustomerEmail.customer_id).where(CustomerEmail.email == normalised)
                           .order_by(CustomerEmail.customer_id).limit(1)).scalar()


def category_id_for(session: Session, name: str | None) -> int | None:
    """The id of the category called `name`, created on first use (None for no name)."""
    if not name:
        return None
    cat_id = session.execute(select(Category.id).where(Category.name == name)).scalar()
    if cat_id is None:
        cat = Category(name=name)
        session.add(cat)
        session.flush()
        cat_id = cat.id
    return cat_id
