"""The windowed row cache and the navigation history, with fake data and fake views."""

from __future__ import annotations

from ecrm_desktop.presenters.navigation import NavigationPresenter, Place, Screen
from ecrm_desktop.presenters.paging import PagedRows
from tests.screen_fixtures import QueuedRunner

TOTAL = 1_000_000


class Sink:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, int]] = []

    def rows_reset(self, total: int) -> None:
        self.events.append(("reset", total, 0))

    def rows_arrived(self, first: int, last: int) -> None:
        self.events.append(("arrived", first, last))


def numbers(calls: list[tuple[int, int]]) -> PagedRows[str, int]:
    def fetch(_q: str, offset: int, limit: int) -> list[int]:
        calls.append((offset, limit))
        return list(range(offset, min(offset + limit, TOTAL)))

    return PagedRows(QueuedRunner(), lambda _q: TOTAL, fetch, page_size=100, max_pages=3, max_pending=2)


def test_rows_arrive_a_page_at_a_time_and_only_a_window_is_kept() -> None:
    calls: list[tuple[int, int]] = []
    rows = numbers(calls)
    sink = Sink()
    rows.sinks.append(sink)
    runner = rows._runner
    assert isinstance(runner, QueuedRunner)
    rows.reset("all")
    runner.run_all()
    assert sink.events == [("reset", TOTAL, 0)] and rows.row(5) == 5
    assert rows.row(900_042) is None  # not here yet: the view paints a placeholder
    runner.run_all()
    assert rows.row(900_042) == 900_042 and sink.events[-1] == ("arrived", 900_000, 900_099)
    for page in (1, 2, 3, 4):
        rows.row(page * 100)
        runner.run_all()
    assert len(rows._pages) == 3  # the oldest pages were forgotten
    assert calls[0] == (0, 100)


def test_a_new_query_drops_work_for_the_old_one_and_fast_scrolling_drops_old_pages() -> None:
    calls: list[tuple[int, int]] = []
    rows = numbers(calls)
    runner = rows._runner
    assert isinstance(runner, QueuedRunner)
    rows.reset("a")
    runner.run_all()
    for row in (10_000, 20_000, 30_000, 40_000):  # scrolling past: only the last two requests survive
        rows.row(row)
    runner.run_all()
    assert [offset for offset, _ in calls[1:]] == [30_000, 40_000]
    rows.reset("b")
    rows.reset("c")  # typing on: "b" is never counted or fetched
    runner.run_all()
    assert rows.query == "c" and runner.ran == 4


class FakeNavigationView:
    def __init__(self) -> None:
        self.shown: list[tuple[Place, bool]] = []

    def show_place(self, place: Place, can_go_back: bool) -> None:
        self.shown.append((place, can_go_back))


def test_navigation_opens_details_and_goes_back() -> None:
    view, opened = FakeNavigationView(), []
    nav = NavigationPresenter(view, {Screen.CUSTOMER: opened.append})
    nav.go(Place(Screen.CUSTOMERS))
    nav.go(Place(Screen.CUSTOMER, 7))
    nav.go(Place(Screen.CUSTOMER, 7))  # the same place again is no new step
    assert opened == [7] and view.shown[-1] == (Place(Screen.CUSTOMER, 7), True)
    assert Place(Screen.CUSTOMER, 7).section == Screen.CUSTOMERS
    nav.back()
    nav.back()  # nothing before the first place
    assert view.shown[-1] == (Place(Screen.CUSTOMERS), False) and len(view.shown) == 3
