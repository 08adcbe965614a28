"""Everything the 360° view shows of one customer, read in a handful of indexed queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ecrm_desktop.domain.customers import Source
from ecrm_desktop.domain.errors import NotFound
from ecrm_desktop.domain.profile import (
    CheckoutView,
    CustomerProfile,
    CustomerTagView,
    LifetimeStats,
    MergeView,
    NoteView,
    PostalAddress,
    TicketView,
)
from ecrm_desktop.storage import order_queries
from ecrm_desktop.storage.tables import (
    AbandonedCheckout,
    Address,
    Customer,
    CustomerEmail,
    CustomerIdentity,
    CustomerMerge,
    CustomerTag,
    Note,
    Store,
    Tag,
    Ticket,
    User,
)


def profile(session: Session, customer_id: int, currency: str, show_sensitive: bool = True) -> CustomerProfile:
    c = session.get(Customer, customer_id)
    if c is None:
        raise NotFound(f"There is no customer {customer_id}.")
    emails = tuple(session.execute(select(CustomerEmail.email).where(CustomerEmail.customer_id == customer_id)
                                   .order_by(CustomerEmail.is_primary.desc(), CustomerEmail.id)).scalars())
    addresses = tuple(
        PostalAddress(tuple(p for p in (a.name, a.company, a.address1, a.address2,
                                        " ".join(x for x in (a.postal_code, a.city) if x), a.region, a.country,
                                        a.phone) if p), a.is_default)
        for a in session.execute(select(Address).where(Address.customer_id == customer_id)
                                 .order_by(Address.is_default.desc(), Address.id)).scalars())
    tags = tuple(CustomerTagView(name, source) for name, source in session.execute(
        select(Tag.name, CustomerTag.source).join(Tag).where(CustomerTag.customer_id == customer_id)
        .order_by(Tag.name)))
    note_stmt = (select(Note.id, Note.body, User.name, Note.sensitive, Note.created_at, Note.updated_at)
                 .outerjoin(User, User.id == Note.author_id).where(Note.customer_id == customer_id)
                 .order_by(Note.created_at.desc(), Note.id.desc()))
    if not show_sensitive:
        note_stmt = note_stmt.where(Note.sensitive.is_(False))
    notes = tuple(NoteView(*r) for r in session.execute(note_stmt))
    checkouts = tuple(
        CheckoutView(a.created_at, a.currency, a.total_cents, a.items_count, a.summary, a.completed_at is not None)
        for a in session.execute(select(AbandonedCheckout).where(AbandonedCheckout.customer_id == customer_id)
                                 .order_by(AbandonedCheckout.created_at.desc())).scalars())
    tickets = tuple(TicketView(t.id, t.subject, t.status, t.created_at, t.updated_at) for t in session.execute(
        select(Ticket).where(Ticket.customer_id == customer_id).order_by(Ticket.updated_at.desc())).scalars())
    stats = LifetimeStats(currency, c.orders_count, c.total_spent_cents, c.aov_cents, c.refunded_cents,
                          c.items_count, c.return_rate, c.first_order_at, c.last_order_at)
    orders = tuple(order_queries.details(session, order_queries.customer_order_ids(session, customer_id)))
    sources = tuple(Source(str(platform), store, ext) for platform, store, ext in session.execute(
        select(Store.platform, Store.name, CustomerIdentity.external_id).join(Store)
        .where(CustomerIdentity.customer_id == customer_id).order_by(CustomerIdentity.id)))
    absorbed = aliased(Customer)
    merges = tuple(
        MergeView(m.id, m.absorbed_id, " ".join(p for p in (first, last) if p) or email or f"Customer {m.absorbed_id}",
                  m.merged_at, by)
        for m, first, last, email, by in session.execute(
            select(CustomerMerge, absorbed.first_name, absorbed.last_name, absorbed.email, User.name)
            .join(absorbed, absorbed.id == CustomerMerge.absorbed_id)
            .outerjoin(User, User.id == CustomerMerge.user_id)
            .where(CustomerMerge.survivor_id == customer_id, CustomerMerge.undone_at.is_(None))
            .order_by(CustomerMerge.merged_at.desc(), CustomerMerge.id.desc())))
    return CustomerProfile(
        id=c.id, first_name=c.first_name, last_name=c.last_name, email=c.email, emails=emails, phone=c.phone,
        created_at=c.created_at, email_consent=c.email_consent, email_consent_at=c.email_consent_at,
        email_consent_source=c.email_consent_source, addresses=addresses, tags=tags, notes=notes, stats=stats,
        orders=orders, checkouts=checkouts, tickets=tickets, sources=sources, merges=merges,
        merged_into_id=c.merged_into_id)
