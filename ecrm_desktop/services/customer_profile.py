"""The 360° view of a customer and the edits made there (ecrm tags, notes, merges), each one audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.domain.enums import TagSource, TicketStatus
from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.domain.next_action import next_best_action
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.profile import CustomerProfile
from ecrm_desktop.services.orders import visible_payment
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.search_scope import search_fields
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit, customer_queries, merges, predictions, profile_queries, search_index
from ecrm_desktop.storage.settings import reporting_currency
from ecrm_desktop.storage.tables import Customer, CustomerTag, Note, Tag, utcnow

MAX_TAG = 100


class CustomerProfileService:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def profile(self, customer_id: int, opened: bool = True) -> CustomerProfile:
        """Everything about the customer, with their stored predictions, recommended products and the next best
        action these suggest, as the signed-in role may see it. Opening it (`opened`, not a reload after an edit)
        is written to the audit trail."""
        require(self.session, Operation.VIEW_CUSTOMERS)
        with self.session.workspace.sessions() as s, s.begin():
            base = profile_queries.profile(s, customer_id, reporting_currency(s))
            stored = predictions.prediction_of(s, customer_id)
            recommended = tuple(predictions.recommended_products(s, customer_id))
            if opened:
                audit.append(s, self.session.user_name, "customer.view", "customer", customer_id)
        prediction, at = stored if stored is not None else (None, None)
        open_tickets = sum(t.status is not TicketStatus.SOLVED for t in base.tickets)
        full = replace(base, prediction=prediction, predicted_at=at, recommendations=recommended,
                       next_action=next_best_action(prediction, open_tickets, next(iter(recommended), None)))
        return self._visible(full)

    def _visible(self, profile: CustomerProfile) -> CustomerProfile:
        """Drop what the role may not see and say what was withheld."""
        may, withheld = self.session.may, list[str]()
        if not may(Operation.VIEW_ORDERS):
            profile, withheld = replace(profile, orders=()), [*withheld, "order history"]
        elif not may(Operation.VIEW_PAYMENT):
            profile = replace(profile, orders=tuple(visible_payment(self.session, o) for o in profile.orders))
            withheld.append("payment details")
        if not may(Operation.VIEW_NOTES):
            profile, withheld = replace(profile, notes=()), [*withheld, "notes"]
        elif not may(Operation.VIEW_SENSITIVE_NOTES):
            profile = replace(profile, notes=tuple(n for n in profile.notes if not n.sensitive))
            withheld.append("sensitive notes")
        if not may(Operation.VIEW_TICKETS):
            profile, withheld = replace(profile, tickets=()), [*withheld, "tickets"]
        return replace(profile, withheld=tuple(withheld))

    def set_tags(self, customer_id: int, names: Iterable[str]) -> None:
        """Make the customer's ecrm tags exactly `names` (store tags stay as the store says)."""
        wanted = {n.strip() for n in names if n.strip()}
        require(self.session, Operation.EDIT_CUSTOMERS)
        if any(len(n) > MAX_TAG for n in wanted):
            raise UsageError(f"A tag may have at most {MAX_TAG} characters.")
        with self.session.workspace.sessions() as s, s.begin():
            self._customer(s, customer_id)
            current: dict[str, TagSource] = {name: source for name, source in s.execute(
                select(Tag.name, CustomerTag.source).join(Tag).where(CustomerTag.customer_id == customer_id))}
            mine = {n for n, src in current.items() if src == TagSource.ECRM}
            added, removed = sorted(wanted - set(current)), sorted(mine - wanted)
            if not added and not removed:
                return
            for name in added:
                tag_id = s.execute(select(Tag.id).where(Tag.name == name)).scalar()
                if tag_id is None:
                    tag = Tag(name=name)
                    s.add(tag)
                    s.flush()
                    tag_id = tag.id
                s.add(CustomerTag(customer_id=customer_id, tag_id=tag_id, source=TagSource.ECRM))
            if removed:
                s.execute(delete(CustomerTag).where(
                    CustomerTag.customer_id == customer_id, CustomerTag.source == TagSource.ECRM,
                    CustomerTag.tag_id.in_(select(Tag.id).where(Tag.name.in_(removed)))))
            s.flush()
            search_index.reindex_customers(s, [customer_id])
            audit.append(s, self.session.user_name, "customer.tags", "customer", customer_id,
                         added=added, removed=removed)

    def add_note(self, customer_id: int, body: str, sensitive: bool = False) -> int:
        require(self.session, Operation.EDIT_CUSTOMERS)
        if sensitive:
            require(self.session, Operation.VIEW_SENSITIVE_NOTES)
        body = _note_text(body)
        with self.session.workspace.sessions() as s, s.begin():
            self._customer(s, customer_id)
            note = Note(customer_id=customer_id, author_id=self.session.user_id, body=body, sensitive=sensitive)
            s.add(note)
            s.flush()
            search_index.reindex_customers(s, [customer_id])
            audit.append(s, self.session.user_name, "note.add", "customer", customer_id, note_id=note.id)
            return note.id

    def edit_note(self, note_id: int, body: str) -> None:
        require(self.session, Operation.EDIT_CUSTOMERS)
        body = _note_text(body)
        with self.session.workspace.sessions() as s, s.begin():
            note = s.get(Note, note_id)
            if note is None:
                raise NotFound(f"There is no note {note_id}.")
            if note.sensitive:
                require(self.session, Operation.VIEW_SENSITIVE_NOTES)
            note.body, note.updated_at = body, utcnow()
            s.flush()
            search_index.reindex_customers(s, [note.customer_id])
            audit.append(s, self.session.user_name, "note.edit", "customer", note.customer_id, note_id=note_id)

    def merge_candidates(self, customer_id: int, user_text: str, limit: int = 20) -> list[CustomerSummary]:
        """Customers matching the text who could be merged into this one (not itself, not already merged)."""
        require(self.session, Operation.MERGE_CUSTOMERS)
        with self.session.workspace.sessions() as s:
            found = customer_queries.search_ids(s, user_text, limit + 1, search_fields(self.session))
            ids = [i for i in found if i != customer_id]
            return customer_queries.summaries(s, ids[:limit])

    def merge(self, survivor_id: int, absorbed_id: int) -> int:
        """Fold the absorbed customer into the survivor (see `storage.merges`); returns the merge's id."""
        require(self.session, Operation.MERGE_CUSTOMERS)
        with self.session.workspace.sessions() as s, s.begin():
            merge_id = merges.merge(s, survivor_id, absorbed_id, self.session.user_id)
            audit.append(s, self.session.user_name, "customer.merge", "customer", survivor_id,
                         absorbed=absorbed_id, merge_id=merge_id)
            return merge_id

    def undo_merge(self, merge_id: int) -> int:
        """Separate the customers of a merge again; returns the id of the customer that comes back."""
        require(self.session, Operation.MERGE_CUSTOMERS)
        with self.session.workspace.sessions() as s, s.begin():
            record = merges.undo(s, merge_id, self.session.user_id)
            audit.append(s, self.session.user_name, "customer.unmerge", "customer", record.survivor_id,
                         absorbed=record.absorbed_id, merge_id=merge_id)
            return record.absorbed_id

    @staticmethod
    def _customer(s: Session, customer_id: int) -> None:
        if s.get(Customer, customer_id) is None:
            raise NotFound(f"There is no customer {customer_id}.")


def _note_text(body: str) -> str:
    body = body.strip()
    if not body:
        raise UsageError("A note cannot be empty.")
    return body
