"""The inbox sidebar: the customer behind a ticket (their 360° view with predictions, recommendations and the
next best action, and the saved segments they are in), and linking an unknown sender or creating a customer."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.domain.helpdesk.inbox import SenderCard
from ecrm_desktop.services.customer_profile import CustomerProfileService
from ecrm_desktop.services.search_scope import search_fields
from ecrm_desktop.services.tickets import HANDLING_ROLES, READING_ROLES, TicketService
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit, customer_queries, search_index
from ecrm_desktop.storage.tables import Customer, CustomerEmail, Segment, SegmentMember, Ticket
from ecrm_desktop.storage.ticket_matching import match_customer

CANDIDATES = 5


class SenderService:
    def __init__(self, session: UserSession, tickets: TicketService | None = None) -> None:
        self.session = session
        self.tickets = tickets or TicketService(session)
        self.profiles = CustomerProfileService(session)

    def card(self, ticket_id: int) -> SenderCard:
        self.tickets.require(READING_ROLES)
        with self.session.workspace.sessions() as s:
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFound(f"There is no ticket {ticket_id}.")
            email, name = ticket.requester_email, ticket.requester_name
            customer_id = ticket.customer_id or match_customer(s, email)
            if customer_id is None:
                words = " ".join(w for w in (email or name or "").replace("@", " ").split()[:2])
                ids = customer_queries.search_ids(s, words, CANDIDATES, search_fields(self.session)) if words else []
                return SenderCard(ticket_id, email, name, None, (), tuple(customer_queries.summaries(s, ids)))
            segments = tuple(s.execute(select(Segment.name).join(SegmentMember, SegmentMember.segment_id == Segment.id)
                                       .where(SegmentMember.customer_id == customer_id).order_by(Segment.name))
                             .scalars())
        return SenderCard(ticket_id, email, name, self.profiles.profile(customer_id), segments)

    def link(self, ticket_id: int, customer_id: int) -> None:
        """The sender is this customer: link the ticket (and the sender's other unlinked tickets)."""
        self.tickets.require(HANDLING_ROLES)
        with self.session.workspace.sessions() as s, s.begin():
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFound(f"There is no ticket {ticket_id}.")
            if s.get(Customer, customer_id) is None:
                raise NotFound(f"There is no customer {customer_id}.")
            self._link(s, ticket, customer_id)
            audit.append(s, self.session.user_name, "ticket.link_customer", "ticket", ticket_id,
                         customer_id=customer_id)

    def create_customer(self, ticket_id: int) -> int:
        """A new customer from the sender's address and name; the ticket is linked to them."""
        self.tickets.require(HANDLING_ROLES)
        with self.session.workspace.sessions() as s, s.begin():
            ticket = s.get(Ticket, ticket_id)
            if ticket is None:
                raise NotFound(f"There is no ticket {ticket_id}.")
            if not ticket.requester_email:
                raise UsageError("The sender has no email address to create a customer from.")
            if match_customer(s, ticket.requester_email) is not None:
                raise UsageError(f"A customer with {ticket.requester_email} already exists; link the ticket instead.")
            first, _, last = (ticket.requester_name or "").partition(" ")
            customer = Customer(first_name=first or None, last_name=last or None, email=ticket.requester_email,
                                email_consent=ConsentState.NOT_SUBSCRIBED)
            s.add(customer)
            s.flush()
            s.add(CustomerEmail(customer_id=customer.id, email=ticket.requester_email, is_primary=True))
            s.flush()
            search_index.reindex_customers(s, [customer.id])
            self._link(s, ticket, customer.id)
            audit.append(s, self.session.user_name, "customer.create", "customer", customer.id,
                         from_ticket=ticket_id)
            return customer.id

    @staticmethod
    def _link(s: Session, ticket: Ticket, customer_id: int) -> None:
        ticket.customer_id = customer_id
        if ticket.requester_email:
            s.execute(update(Ticket).where(Ticket.requester_email == ticket.requester_email,
                                           Ticket.customer_id.is_(None)).values(customer_id=customer_id))
