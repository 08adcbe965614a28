"""Macros: saved canned replies (administrators and support agents keep them), rendered for one ticket with
its customer's data, and applied: the reply text plus the macro's actions (status, tag, assignee)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import FulfillmentStatus, ShipmentStatus, TicketStatus
from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.domain.helpdesk.macros import AppliedMacro, MacroDef, MacroFacts, check_body, render
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.tickets import TicketService, utc_now
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit
from ecrm_desktop.storage.tables import Customer, Fulfillment, Macro, Order, Ticket, User

# How an order's state reads in a reply.
SHIPMENT_WORDS = {ShipmentStatus.LABEL_PRINTED: "label printed, waiting for the carrier",
                  ShipmentStatus.IN_TRANSIT: "in transit", ShipmentStatus.OUT_FOR_DELIVERY: "out for delivery",
                  ShipmentStatus.DELIVERED: "delivered", ShipmentStatus.FAILURE: "held up in delivery"}
FULFILMENT_WORDS = {FulfillmentStatus.UNFULFILLED: "being prepared",
                    FulfillmentStatus.PARTIALLY_FULFILLED: "partly shipped", FulfillmentStatus.FULFILLED: "shipped"}


class MacroService:
    def __init__(self, session: UserSession, tickets: TicketService | None = None) -> None:
        self.session = session
        self.tickets = tickets or TicketService(session, utc_now)

    def list(self) -> list[MacroDef]:
        require(self.session, Operation.VIEW_TICKETS)
        with self.session.workspace.sessions() as s:
            names = dict(s.execute(select(User.id, User.name)).all())
            return [MacroDef(m.id, m.name, m.body, m.set_status, m.add_tag,
                             names.get(m.assign_to_id) if m.assign_to_id else None)
                    for m in s.execute(select(Macro).order_by(Macro.name)).scalars()]

    def save(self, macro: MacroDef) -> int:
        """Create (id 0) or update a macro; placeholders are checked."""
        self._require()
        name, body = macro.name.strip(), check_body(macro.body)
        if not name:
            raise UsageError("A macro needs a name.")
        if macro.set_status is TicketStatus.SNOOZED:
            raise UsageError("A macro cannot snooze a ticket (snoozing needs a time).")
        with self.session.workspace.sessions() as s, s.begin():
            assignee = self._user_id(s, macro.assign_to)
            clash = s.execute(select(Macro.id).where(Macro.name == name, Macro.id != macro.id)).scalar()
            if clash is not None:
                raise UsageError(f"A macro named {name} already exists.")
            row = s.get(Macro, macro.id) if macro.id else Macro()
            if row is None:
                raise NotFound(f"There is no macro {macro.id}.")
            row.name, row.body, row.set_status = name, body, macro.set_status
            row.add_tag, row.assign_to_id, row.updated_at = (macro.add_tag or "").strip() or None, assignee, utc_now()
            s.add(row)
            s.flush()
            audit.append(s, self.session.user_name, "macro.save", "macro", row.id, name=name)
            return row.id

    def delete(self, macro_id: int) -> None:
        self._require()
        with self.session.workspace.sessions() as s, s.begin():
            row = s.get(Macro, macro_id)
            if row is None:
                raise NotFound(f"There is no macro {macro_id}.")
            s.delete(row)
            audit.append(s, self.session.user_name, "macro.delete", "macro", macro_id, name=row.name)

    def preview(self, body: str, ticket_id: int) -> str:
        """`body` as it would read on the ticket (for the editor's live preview)."""
        require(self.session, Operation.VIEW_TICKETS)
        with self.session.workspace.sessions() as s:
            return render(body, self._facts(s, ticket_id))

    def apply(self, macro_id: int, ticket_id: int) -> AppliedMacro:
        """The macro's text filled in for the ticket; nothing is changed until the reply is sent."""
        macro = next((m for m in self.list() if m.id == macro_id), None)
        if macro is None:
            raise NotFound(f"There is no macro {macro_id}.")
        return AppliedMacro(macro, self.preview(macro.body, ticket_id))

    def send(self, applied: AppliedMacro, ticket_id: int, text: str) -> int:
        """Reply with `text` (the filled-in macro, perhaps edited) and take the macro's actions."""
        macro = applied.macro
        message_id = self.tickets.reply(ticket_id, text, macro.set_status)
        if macro.add_tag:
            self.tickets.add_tag([ticket_id], macro.add_tag)
        if macro.assign_to:
            self.tickets.assign([ticket_id], macro.assign_to)
        return message_id

    def _facts(self, s: Session, ticket_id: int) -> MacroFacts:
        ticket = s.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound(f"There is no ticket {ticket_id}.")
        customer = s.get(Customer, ticket.customer_id) if ticket.customer_id else None
        values: dict[str, str | None] = {
            "ticket.id": str(ticket.id), "ticket.subject": ticket.subject,
            "agent.name": self.session.user_name,
            "customer.first_name": customer.first_name if customer else _first_word(ticket.requester_name),
            "customer.last_name": customer.last_name if customer else None,
            "customer.name": " ".join(p for p in (customer.first_name, customer.last_name) if p) if customer
            else ticket.requester_name,
            "customer.email": (customer.email if customer else None) or ticket.requester_email,
        }
        order = s.execute(select(Order).where(Order.customer_id == customer.id).order_by(
            Order.created_at.desc()).limit(1)).scalar() if customer else None
        if order is not None:
            shipment = s.execute(select(Fulfillment).where(Fulfillment.order_id == order.id).order_by(
                Fulfillment.shipped_at.desc(), Fulfillment.id.desc()).limit(1)).scalar()
            values["order.last.number"] = order.number
            values["order.last.status"] = ("cancelled" if order.cancelled_at else SHIPMENT_WORDS[shipment.status]
                                           if shipment else FULFILMENT_WORDS[order.fulfillment_status])
            values["order.last.tracking_url"] = shipment.tracking_url if shipment else None
            values["order.last.tracking_number"] = shipment.tracking_number if shipment else None
        return MacroFacts(values)

    def _require(self) -> None:
        require(self.session, Operation.HANDLE_TICKETS)

    @staticmethod
    def _user_id(s: Session, name: str | None) -> int | None:
        if not name:
            return None
        found = s.execute(select(User.id).where(User.name == name)).scalar()
        if found is None:
            raise UsageError(f"There is no user {name} to assign to.")
        return found


def _first_word(name: str | None) -> str | None:
    return name.split()[0] if name and name.split() else None
