"""The inbox: views with counts, the paged ticket list, one open conversation with its customer, the reply
editor with macros, and actions on the open ticket or on every selected one. All service calls run on the
task runner; after each change the counts, the list and the open ticket are read again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from ecrm_desktop.domain.enums import TicketChannel, TicketPriority, TicketStatus
from ecrm_desktop.domain.errors import EcrmError
from ecrm_desktop.domain.helpdesk.inbox import (
    Agent,
    Conversation,
    InboxView,
    SenderCard,
    TicketDraft,
    TicketQuery,
    TicketRow,
    ViewCount,
)
from ecrm_desktop.domain.helpdesk.macros import AppliedMacro, MacroDef
from ecrm_desktop.domain.helpdesk.ticket_csv import RejectedRow
from ecrm_desktop.presenters.macro_editor import MacroEditorPresenter, MacroEditorView, MacroStore, attempt
from ecrm_desktop.presenters.navigation import Place, Screen
from ecrm_desktop.presenters.paging import PagedRows
from ecrm_desktop.presenters.rules_editor import RulesEditorPresenter, RulesEditorView, RuleStore
from ecrm_desktop.presenters.tasks import Runner


class Tickets(Protocol):
    """What the inbox needs of `services.tickets.TicketService`."""

    def count(self, query: TicketQuery) -> int: ...
    def page(self, query: TicketQuery, offset: int, limit: int) -> list[TicketRow]: ...
    def view_counts(self) -> list[ViewCount]: ...
    def tag_counts(self) -> list[ViewCount]: ...
    def conversation(self, ticket_id: int) -> Conversation: ...
    def agents(self) -> list[Agent]: ...
    def now(self) -> datetime: ...
    def create(self, subject: str, body: str, *, requester_email: str | None = ..., requester_name: str | None = ...,
               channel: TicketChannel = ..., priority: TicketPriority = ...) -> int: ...
    def reply(self, ticket_id: int, text: str, status: TicketStatus | None = None) -> int: ...
    def add_note(self, ticket_id: int, text: str) -> int: ...
    def retry_reply(self, message_id: int) -> None: ...
    def set_status(self, ticket_ids: Sequence[int], status: TicketStatus) -> None: ...
    def snooze(self, ticket_ids: Sequence[int], until: datetime) -> None: ...
    def set_priority(self, ticket_ids: Sequence[int], priority: TicketPriority) -> None: ...
    def assign(self, ticket_ids: Sequence[int], user_name: str | None) -> None: ...
    def add_tag(self, ticket_ids: Sequence[int], name: str) -> None: ...
    def remove_tag(self, ticket_ids: Sequence[int], name: str) -> None: ...
    def merge(self, target_id: int, source_ids: Sequence[int]) -> None: ...


class Macros(MacroStore, Protocol):
    """What the inbox needs of `services.macros.MacroService`."""

    def apply(self, macro_id: int, ticket_id: int) -> AppliedMacro: ...
    def send(self, applied: AppliedMacro, ticket_id: int, text: str) -> int: ...


class Senders(Protocol):
    """What the sidebar needs of `services.inbox_sidebar.SenderService`."""

    def card(self, ticket_id: int) -> SenderCard: ...
    def link(self, ticket_id: int, customer_id: int) -> None: ...
    def create_customer(self, ticket_id: int) -> int: ...


class ImportOutcome(Protocol):
    """What `services.ticket_import.ImportReport` says: rows read, tickets imported, rows left out and why."""

    @property
    def rows(self) -> int: ...
    @property
    def imported(self) -> int: ...
    @property
    def rejected(self) -> tuple[RejectedRow, ...]: ...


class TicketImports(Protocol):
    """What the inbox needs of `services.ticket_import.TicketImportService`."""

    def import_csv(self, path: Path, dry_run: bool = False) -> ImportOutcome: ...


Imported = Callable[[ImportOutcome | None, str | None], None]  # the outcome, or the problem to show


class Files(Protocol):
    """What the conversation needs of `services.mail_channel.Attachments`."""

    def save_to(self, attachment_id: int, path: Path) -> Path: ...


class InboxScreenView(Protocol):
    def show_views(self, counts: list[ViewCount], current: int) -> None: ...
    def show_count(self, total: int) -> None: ...
    def show_conversation(self, conversation: Conversation | None) -> None: ...
    def show_sender(self, card: SenderCard | None) -> None: ...
    def show_macros(self, macros: list[MacroDef]) -> None: ...
    def show_agents(self, agents: list[Agent]) -> None: ...
    def show_draft(self, text: str, actions: str) -> None: ...
    def show_notice(self, text: str) -> None: ...
    def select_row(self, index: int) -> None: ...


SNOOZE_CHOICES = {"1 hour": timedelta(hours=1), "4 hours": timedelta(hours=4), "1 day": timedelta(days=1),
                  "3 days": timedelta(days=3), "1 week": timedelta(weeks=1)}


class InboxPresenter:
    def __init__(self, view: InboxScreenView, tickets: Tickets, macros: Macros, senders: Senders, runner: Runner, *,
                 navigate: Callable[[Place], None], rules: RuleStore | None = None, files: Files | None = None,
                 imports: TicketImports | None = None) -> None:
        self.view, self.tickets, self.macros, self.senders = view, tickets, macros, senders
        self.runner, self.navigate, self.rules, self.files, self.imports = runner, navigate, rules, files, imports
        self.query = TicketQuery()
        self.counts: list[ViewCount] = []
        self.current: int | None = None  # the open ticket's row index
        self.open_id: int | None = None
        self.applied: AppliedMacro | None = None
        self.rows: PagedRows[TicketQuery, TicketRow] = PagedRows(runner, tickets.count, tickets.page,
                                                                 page_size=100, max_pages=50)
        self.rows.on_reset(self._listed)

    def start(self) -> None:
        """Load counts, macros and agents, and list the current view."""
        self.refresh_counts()
        self.load_macros()
        self.runner.submit(lambda _s: self.tickets.agents(), self.view.show_agents, "Agents")
        self.rows.reset(self.query)

    def now(self) -> datetime:
        return self.tickets.now()

    def macro_editor(self, view: MacroEditorView) -> MacroEditorPresenter:
        """The editor's presenter, previewing on the open ticket; the macro picker follows its changes."""
        return MacroEditorPresenter(view, self.macros, self.runner, self.open_id, self.load_macros)

    def rule_segments(self, done: Callable[[list[str]], None]) -> None:
        """The saved segments a rule may name, for the rules editor (nothing without a rule store)."""
        rules = self.rules
        if rules is not None:
            self.runner.submit(lambda _s: rules.segment_names(), done, "Segments")

    def rules_editor(self, view: RulesEditorView) -> RulesEditorPresenter | None:
        return None if self.rules is None else RulesEditorPresenter(view, self.rules, self.runner)

    def load_macros(self) -> None:
        self.runner.submit(lambda _s: self.macros.list(), self.view.show_macros, "Macros")

    # what is listed
    def choose_view(self, index: int) -> None:
        if not 0 <= index < len(self.counts):
            return
        chosen = self.counts[index]
        self._list(TicketQuery(chosen.view, chosen.tag, chosen.priority, self.query.search, self.query.sort,
                               self.query.descending))

    def search(self, text: str) -> None:
        if text.strip() != self.query.search.strip():
            q = self.query
            self._list(TicketQuery(q.view, q.tag, q.priority, text.strip(), q.sort, q.descending))

    def sort_by_due(self, descending: bool) -> None:
        q = self.query
        if descending != q.descending:
            self._list(TicketQuery(q.view, q.tag, q.priority, q.search, q.sort, descending))

    def _list(self, query: TicketQuery) -> None:
        self.query = query
        self.current = None
        self.rows.reset(query)

    def _listed(self, total: int) -> None:
        self.view.show_count(total)
        self.view.show_views(self.counts, self._view_index())
        if total == 0:
            self._show(None)
        elif self.current is None:
            self.view.select_row(0)
        else:  # stay on the open ticket; where it left the view, its successor takes its place
            kept = self.rows.find(lambda r: r.id == self.open_id) if self.open_id is not None else None
            if kept is not None:
                self.view.select_row(kept)
            elif self.current < self.rows.page_size:  # (further down it may just not be fetched yet: stay)
                self.view.select_row(min(self.current, total - 1))

    def refresh_counts(self) -> None:
        """The views' counts, then the tag views' (slower: they visit every unsolved ticket)."""
        self.runner.submit(lambda _s: self.tickets.view_counts(), self._counted, "Counting tickets")
        self.runner.submit(lambda _s: self.tickets.tag_counts(), self._tags_counted, "Counting tags")

    def _counted(self, counts: list[ViewCount]) -> None:
        self.counts = counts + [c for c in self.counts if c.view is InboxView.TAG]
        self.view.show_views(self.counts, self._view_index())

    def _tags_counted(self, tags: list[ViewCount]) -> None:
        self.counts = [c for c in self.counts if c.view is not InboxView.TAG] + tags
        self.view.show_views(self.counts, self._view_index())

    def _view_index(self) -> int:
        q = self.query
        return next((i for i, c in enumerate(self.counts) if (c.view, c.tag, c.priority) == (q.view, q.tag, q.priority)
                     ), -1)

    # the open ticket
    def open_row(self, index: int) -> None:
        row = self.rows.row(index)
        if row is None:
            return
        self.current = index
        if row.id != self.open_id:  # the open ticket at another row (the list was read again) keeps its draft
            self.open_ticket(row.id)

    def move(self, step: int) -> None:
        """j / k: the next or previous ticket of the list."""
        index = (self.current if self.current is not None else -1) + step
        if 0 <= index < self.rows.total:
            self.view.select_row(index)

    def open_ticket(self, ticket_id: int) -> None:
        if ticket_id != self.open_id:  # never the last ticket's customer beside this one while it loads
            self.view.show_sender(None)
        self.open_id, self.applied = ticket_id, None
        self._load(ticket_id)

    def refresh(self) -> None:
        """Mail arrived (or something else changed the tickets): count and list again and read the open ticket
        again, keeping it open with its draft and applied macro."""
        self.refresh_counts()
        self.rows.reset(self.query)
        if self.open_id is not None:
            self._load(self.open_id)

    def _load(self, ticket_id: int) -> None:
        self.runner.submit(lambda _s: self.tickets.conversation(ticket_id), self._conversation_loaded, "Ticket")
        self.runner.submit(lambda _s: self.senders.card(ticket_id), self._card_loaded, "Customer")

    def _conversation_loaded(self, conversation: Conversation) -> None:
        if conversation.ticket.id == self.open_id:
            self.view.show_conversation(conversation)

    def _card_loaded(self, card: SenderCard) -> None:
        if card.ticket_id == self.open_id:
            self.view.show_sender(card)

    def _show(self, conversation: Conversation | None) -> None:
        self.open_id = None
        self.view.show_conversation(conversation)
        self.view.show_sender(None)

    def save_attachment(self, attachment_id: int, path: Path) -> None:
        """A copy of a message's file where the agent chose (the bytes stay encrypted in the workspace)."""
        files = self.files
        if files is not None:
            self.runner.submit(lambda _s: files.save_to(attachment_id, path),
                               lambda saved: self.view.show_notice(f"Saved {saved.name} in {saved.parent}."),
                               "Saving the attachment")

    def open_customer(self, customer_id: int) -> None:
        self.navigate(Place(Screen.CUSTOMER, customer_id))

    # writing
    def apply_macro(self, macro_id: int) -> None:
        ticket_id = self.open_id
        if ticket_id is None:
            return

        def applied(result: AppliedMacro) -> None:
            self.applied = result
            m = result.macro
            actions = [f"set status {m.set_status.value.lower()}" if m.set_status else "",
                       f"tag {m.add_tag}" if m.add_tag else "", f"assign to {m.assign_to}" if m.assign_to else ""]
            said = ", ".join(a for a in actions if a)
            self.view.show_draft(result.text, f"Sending also will {said}." if said else "")

        self.runner.submit(lambda _s: self.macros.apply(macro_id, ticket_id), applied, "Macro")

    def send_reply(self, text: str) -> None:
        ticket_id, applied = self.open_id, self.applied
        if ticket_id is None:
            return
        if applied is not None:
            self._write(lambda: self.macros.send(applied, ticket_id, text), "Reply queued for sending.")
        else:
            self._write(lambda: self.tickets.reply(ticket_id, text), "Reply queued for sending.")

    def retry_reply(self, message_id: int) -> None:
        """Queue a reply that failed to send again; the mailbox watch sends it."""
        self._write(lambda: self.tickets.retry_reply(message_id), "Reply queued to be sent again.")

    def create_ticket(self, draft: TicketDraft, answer: Callable[[str | None], None]) -> None:
        """A ticket taken by hand (the rules run on it); `answer` gets the problem to show, or None once it is
        made, and the new ticket opens."""
        def create() -> int:
            return self.tickets.create(draft.subject, draft.body, requester_email=draft.email or None,
                                       requester_name=draft.name or None, priority=draft.priority)

        def created(outcome: tuple[object, str | None]) -> None:
            ticket_id, problem = outcome
            answer(problem)
            if isinstance(ticket_id, int):
                self.view.show_notice(f"Created ticket #{ticket_id}.")
                self.refresh_counts()
                self.open_ticket(ticket_id)
                self.rows.reset(self.query)

        self.runner.submit(lambda _s: attempt(create), created, "Creating the ticket")

    def check_import(self, path: Path, answer: Imported) -> None:
        """A dry run of importing a help desk's CSV export: what would be imported and which rows not."""
        self._import(path, True, answer)

    def run_import(self, path: Path, answer: Imported) -> None:
        """Import the export's good rows in one transaction, then list again."""
        def done(outcome: ImportOutcome | None, problem: str | None) -> None:
            answer(outcome, problem)
            if outcome is not None:
                n = outcome.imported
                self.view.show_notice(f"Imported {n:,} ticket{'s' if n != 1 else ''}.")
                self.refresh()

        self._import(path, False, done)

    def _import(self, path: Path, dry_run: bool, answer: Imported) -> None:
        imports = self.imports
        if imports is None:
            return

        def job(_s: object) -> tuple[ImportOutcome | None, str | None]:
            try:
                return imports.import_csv(path, dry_run), None
            except EcrmError as exc:
                return None, str(exc)

        self.runner.submit(job, lambda result: answer(*result), "Reading the export" if dry_run else "Importing")

    def add_note(self, text: str) -> None:
        ticket_id = self.open_id
        if ticket_id is not None:
            self._write(lambda: self.tickets.add_note(ticket_id, text), "Note added.")

    def solve(self, ids: Sequence[int]) -> None:
        self._each(ids, lambda t: self.tickets.set_status(t, TicketStatus.SOLVED), "Solved")

    def set_status(self, ids: Sequence[int], status: TicketStatus) -> None:
        self._each(ids, lambda t: self.tickets.set_status(t, status), f"Set to {status.value.lower()}:")

    def snooze(self, ids: Sequence[int], choice: str) -> None:
        until = self.tickets.now() + SNOOZE_CHOICES[choice]
        self._each(ids, lambda t: self.tickets.snooze(t, until), f"Snoozed for {choice}:")

    def set_priority(self, ids: Sequence[int], priority: TicketPriority) -> None:
        self._each(ids, lambda t: self.tickets.set_priority(t, priority), f"Priority {priority.value.lower()}:")

    def assign(self, ids: Sequence[int], user_name: str | None) -> None:
        self._each(ids, lambda t: self.tickets.assign(t, user_name), f"Assigned to {user_name or 'nobody'}:")

    def add_tag(self, ids: Sequence[int], name: str) -> None:
        self._each(ids, lambda t: self.tickets.add_tag(t, name), f"Tagged {name}:")

    def remove_tag(self, ids: Sequence[int], name: str) -> None:
        self._each(ids, lambda t: self.tickets.remove_tag(t, name), f"Removed tag {name}:")

    def merge(self, ids: Sequence[int]) -> None:
        """Merge the selected tickets into the oldest of them."""
        if len(ids) < 2:
            self.view.show_notice("Select two or more tickets to merge.")
            return
        target, *others = sorted(ids)
        self._write(lambda: self.tickets.merge(target, others),
                    f"Merged {', '.join(f'#{i}' for i in others)} into #{target}.", open_after=target)

    def link_customer(self, customer_id: int) -> None:
        ticket_id = self.open_id
        if ticket_id is not None:
            self._write(lambda: self.senders.link(ticket_id, customer_id), "Linked the sender to the customer.")

    def create_customer(self) -> None:
        ticket_id = self.open_id
        if ticket_id is not None:
            self._write(lambda: self.senders.create_customer(ticket_id), "Created a customer for the sender.")

    def _each(self, ids: Sequence[int], change: Callable[[Sequence[int]], object], done: str) -> None:
        if not ids:
            self.view.show_notice("Select a ticket first.")
            return
        chosen = list(ids)
        self._write(lambda: change(chosen), f"{done} {len(chosen)} ticket{'s' if len(chosen) > 1 else ''}.")

    def _write(self, change: Callable[[], object], notice: str, open_after: int | None = None) -> None:
        def after(_result: object) -> None:
            self.view.show_notice(notice)
            self.applied = None
            self.refresh_counts()
            self.runner.submit(lambda _s: self.tickets.agents(), self.view.show_agents, "Agents")
            self.rows.reset(self.query)
            reopen = open_after or self.open_id
            if reopen is not None:
                self.open_ticket(reopen)

        self.runner.submit(lambda _s: change(), after, "Saving")
