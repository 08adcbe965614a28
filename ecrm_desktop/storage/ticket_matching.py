"""Who wrote in: the customer behind a ticket's sender address (their main email, then any other address
they are known by), followed to the record a merge kept."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.storage.tables import Customer, CustomerEmail


def match_customer(session: Session, email: str | None) -> int | None:
    if not email:
        return None
    email = email.strip().lower()
    found = session.execute(select(Customer.id, Customer.merged_into_id).where(Customer.email == email)
                            .order_by(Customer.merged_into_id.is_not(None), Customer.id).limit(1)).first()
    if found is None:
        found = session.execute(select(Customer.id, Customer.merged_into_id)
                                .join(CustomerEmail, CustomerEmail.customer_id == Customer.id)
                                .where(CustomerEmail.email == email)
                                .order_by(Customer.merged_into_id.is_not(None), Customer.id).limit(1)).first()
    if found is None:
        return None
    customer_id, merged_into = found
    return int(merged_into if merged_into is not None else customer_id)
