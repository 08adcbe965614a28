"""The inbox presenter with a recording view and jobs run on demand: what a refresh keeps, what a switch clears."""

from __future__ import annotations

from ecrm_desktop.domain.enums import TicketPriority
from ecrm_desktop.domain.helpdesk.inbox import Agent, Conversation, SenderCard, ViewCount
from ecrm_desktop.domain.helpdesk.macros import MacroDef
from ecrm_desktop.presenters.inbox import InboxPresenter
from ecrm_desktop.services.inbox_sidebar import SenderService
from ecrm_desktop.services.macros import MacroService
from ecrm_desktop.services.tickets import TicketService
from ecrm_desktop.services.workspace import UserSession
from tests.screen_fixtures import QueuedRunner, fill_small_store


class RecordingView:
    """Implements `InboxScreenView`, keeping what it was last told."""

    def __init__(self) -> None:
        self.presenter: InboxPresenter | None = None
        self.conversation: Conversation | None = None
        self.card: SenderCard | None = None
        self.draft = ""

    def show_views(self, counts: list[ViewCount], current: int) -> None: ...
    def show_count(self, total: int) -> None: ...
    def show_macros(self, macros: list[MacroDef]) -> None: ...
    def show_agents(self, agents: list[Agent]) -> None: ...
    def show_notice(self, text: str) -> None: ...

    def show_conversation(self, conversation: Conversation | None) -> None:
        self.conversation = conversation

    def show_sender(self, card: SenderCard | None) -> None:
        self.card = card

    def show_draft(self, text: str, actions: str) -> None:
        self.draft = text

    def select_row(self, index: int) -> None:
        assert self.presenter is not None
        self.presenter.open_row(index)


def test_a_refresh_keeps_the_open_ticket_and_its_macro_and_a_switch_clears_the_sidebar(
        user_session: UserSession) -> None:
    fill_small_store(user_session)
    tickets = TicketService(user_session)
    macros = MacroService(user_session, tickets)
    macro_id = macros.save(MacroDef(0, "Hi", "Hi {customer.first_name}"))
    first = tickets.create("First", "Hello?", requester_email="person2@example.com")
    second = tickets.create("Second", "Hello again", requester_email="person1@example.com")
    view, runner = RecordingView(), QueuedRunner()
    presenter = InboxPresenter(view, tickets, macros, SenderService(user_session, tickets), runner,
                               navigate=lambda _p: None)
    view.presenter = presenter
    presenter.start()
    runner.run_all()
    assert presenter.open_id == first and view.card is not None and view.card.ticket_id == first

    presenter.move(1)
    assert presenter.open_id == second and view.card is None  # not the first ticket's customer meanwhile
    runner.run_all()
    assert view.card is not None and view.card.ticket_id == second
    presenter.apply_macro(macro_id)
    runner.run_all()
    assert view.draft == "Hi Name1" and presenter.applied is not None

    urgent = tickets.create("Urgent one", "Now!", requester_email="person3@example.com",
                            priority=TicketPriority.URGENT)  # sorts first: the open ticket moves down a row
    presenter.refresh()
    runner.run_all()
    assert presenter.rows.row(0) is not None and presenter.rows.row(0).id == urgent  # type: ignore[union-attr]
    assert (presenter.open_id, presenter.current) == (second, 2) and presenter.applied is not None
    assert view.conversation is not None and view.conversation.ticket.id == second
