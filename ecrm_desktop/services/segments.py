"""Segments: counting and listing the customers a query selects, and saving queries under a name."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy import ColumnElement, and_

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.domain.directory import CustomerQuery, CustomerRow
from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.domain.segments import parse
from ecrm_desktop.domain.segments.ast import Node, filters_used
from ecrm_desktop.domain.segments.rfm import RfmCell
from ecrm_desktop.domain.segments.saved import Evaluation, MembershipChange, SavedSegment
from ecrm_desktop.domain.zones import workspace_zone
from ecrm_desktop.services.permissions import require, require_any
from ecrm_desktop.services.search_scope import search_fields
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import (
    audit,
    directory_queries,
    prediction_queries,
    rfm,
    rollups,
    segment_history,
    segment_predictions,
    segment_queries,
)
from ecrm_desktop.storage.settings import read_setting, reporting_currency
from ecrm_desktop.storage.tables import Customer

log = logging.getLogger(__name__)
MAX_NAME = 200
Evaluations = list[Evaluation]
CountSeries = list[tuple[datetime, int]]
Changes = list[MembershipChange]
Members = str | RfmCell  # a query's text, or a cell of the R x F grid
Progress = Callable[[int, int], None]
RFM_CHUNK = 50_000  # customers whose scores one transaction rewrites


def build_segment_rollups(session: UserSession, segment_id: int, at: datetime) -> None:
    """Count every member into the saved segment's dashboard rollups when they are not complete: a few thousand
    members per short transaction (`rollups.build_segment_step`), so that syncs and edits go on meanwhile."""
    while True:
        with session.workspace.sessions() as s, s.begin():
            if rollups.build_segment_step(s, segment_id, at):
                return


class SegmentService:
    """Segment use cases for the signed-in user. `clock` (UTC now) is replaceable for tests."""

    def __init__(self, session: UserSession, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.session = session
        self.clock = clock

    def parse(self, query: str) -> Node:
        """The validated syntax tree of `query` (SegmentSyntaxError or SegmentDataError when unusable)."""
        return parse(query)

    def count(self, query: str) -> int:
        require(self.session, Operation.VIEW_SEGMENT_COUNTS)
        day, zone = self._today()
        node = self._parsed(query)
        with self.session.workspace.sessions() as s:
            return segment_queries.count_members(s, node, day, zone)

    def member_ids(self, query: str, limit: int = 100, offset: int = 0) -> list[int]:
        """One page of the ids of the customers `query` selects, in id order."""
        require(self.session, Operation.VIEW_SEGMENT_MEMBERS)
        condition = self._members(query)
        with self.session.workspace.sessions() as s:
            return segment_queries.member_ids(s, condition, limit, offset)

    def includes(self, name: str, customer_id: int) -> bool:
        """Whether the customer is in the saved segment `name` right now (evaluated live, for ticket rules, which
        run for whoever handles the tickets; a segment deleted since is no one's)."""
        require_any(self.session, Operation.VIEW_SEGMENT_COUNTS, Operation.HANDLE_TICKETS)
        saved = self._saved(name.strip())  # not `get`: agents who handle tickets need not list segments
        if saved is None:
            return False
        condition = and_(self._members(saved.query), Customer.id == customer_id)
        with self.session.workspace.sessions() as s:
            return segment_queries.count(s, condition) > 0

    def count_rows(self, source: Members, listing: CustomerQuery) -> int:
        """How many of the customers `source` (a query, or a cell of the R x F grid) selects the customer list
        shows for `listing` (its search text)."""
        require(self.session, Operation.VIEW_SEGMENT_MEMBERS)
        condition = segment_queries.listed(self._source(source), listing, search_fields(self.session))
        if condition is None:
            return 0
        with self.session.workspace.sessions() as s:
            return segment_queries.count(s, condition)

    def page_rows(self, source: Members, listing: CustomerQuery, offset: int, limit: int) -> list[CustomerRow]:
        """Rows [offset, offset + limit) of those customers, in the customer list's order."""
        require(self.session, Operation.VIEW_SEGMENT_MEMBERS)
        condition = segment_queries.listed(self._source(source), listing, search_fields(self.session))
        if condition is None:
            return []
        with self.session.workspace.sessions() as s:
            ids = segment_queries.listed_page_ids(s, condition, listing, offset, limit)
            return directory_queries.rows(s, ids, reporting_currency(s))

    def export(self, query_or_name: str, contacts_only: bool = False) -> Iterator[list[CustomerSummary]]:
        """Members of a saved segment (by name) or of a query, in batches; written to the audit trail first.
        With `contacts_only`, only customers who consented to email marketing."""
        require(self.session, Operation.EXPORT_CONTACTS if contacts_only else Operation.EXPORT_CUSTOMERS)
        found = self._saved(query_or_name.strip())
        query = found.query if found else query_or_name
        condition = self._members(query, consenting_only=contacts_only)
        self.ensure_rfm()
        with self.session.workspace.sessions() as s, s.begin():
            audit.append(s, self.session.user_name, "segment.export", "segment", found.id if found else None,
                         query=query, contacts_only=contacts_only)
        return self._member_batches(condition)

    def _member_batches(self, condition: ColumnElement[bool]) -> Iterator[list[CustomerSummary]]:
        with self.session.workspace.sessions() as s:
            yield from segment_queries.iter_members(s, condition)

    # -- saved segments ------------------------------------------------------------------------------------

    def save(self, name: str, query: str, description: str = "") -> SavedSegment:
        """Save (or replace) the segment `name` and evaluate it; the query must be valid."""
        require(self.session, Operation.MANAGE_SEGMENTS)
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise UsageError(f"A segment name must be 1 to {MAX_NAME} characters.")
        condition = self._members(query)
        with self.session.workspace.sessions() as s, s.begin():
            segment_id, created = segment_queries.save(s, name, query.strip(), description.strip(),
                                                       self.session.user_id)
            segment_history.evaluate(s, segment_id, condition, self._now())
            prediction_queries.keep_figures(s)  # the dashboard's value by segment now counts this one
            audit.append(s, self.session.user_name, "segment.save", "segment", segment_id, name=name,
                         query=query.strip(), created=created)
        build_segment_rollups(self.session, segment_id, self._now())
        return self.get(name)

    def list(self) -> list[SavedSegment]:
        require(self.session, Operation.VIEW_SEGMENT_COUNTS)
        with self.session.workspace.sessions() as s:
            return segment_queries.saved(s)

    def get(self, name: str) -> SavedSegment:
        require(self.session, Operation.VIEW_SEGMENT_COUNTS)
        return self._saved_or_missing(name)

    def _saved_or_missing(self, name: str) -> SavedSegment:
        found = self._saved(name.strip())
        if found is None:
            raise NotFound(f"There is no saved segment named '{name}'; 'ecrm segment list' shows them.")
        return found

    def delete(self, name: str) -> None:
        require(self.session, Operation.MANAGE_SEGMENTS)
        with self.session.workspace.sessions() as s, s.begin():
            segment_id = segment_queries.delete_saved(s, name.strip())
            if segment_id is None:
                raise NotFound(f"There is no saved segment named '{name}'; 'ecrm segment list' shows them.")
            audit.append(s, self.session.user_name, "segment.delete", "segment", segment_id, name=name.strip())

    # -- re-evaluation and RFM -------------------------------------------------------------------------------

    def refresh_all(self, progress: Progress | None = None) -> Evaluations:
        """Re-rank every customer's RFM scores, then re-evaluate every saved segment, recording who entered and
        left. Run after each sync that changed data (`services.after_sync`). Each step is its own short
        transaction (the scores of `RFM_CHUNK` customers, one segment), so that a person's edit made meanwhile
        never waits long for the write lock; `progress(done, total)` follows the steps."""
        require(self.session, Operation.SYNC)
        today, zone = self._today()
        at = self._now()
        with self.session.workspace.sessions() as s, s.begin():
            bounds = rfm.rank(s)
            ranges = rfm.id_ranges(s, RFM_CHUNK)
            segments = segment_queries.saved(s)
        steps, done = len(ranges) + len(segments), []
        for step, (low, high) in enumerate(ranges, start=1):
            with self.session.workspace.sessions() as s, s.begin():
                rfm.rewrite(s, bounds, low, high)
            if progress:
                progress(step, steps)
        for step, seg in enumerate(segments, start=len(ranges) + 1):
            try:
                condition = self._members(seg.query, today=(today, zone))
            except UsageError:  # saved by an older ecrm that read it differently, or no predictions: left as it was
                log.warning("saved segment %d cannot be evaluated now; left as it was", seg.id)
                continue
            with self.session.workspace.sessions() as s, s.begin():
                done.append(segment_history.evaluate(s, seg.id, condition, at))
            build_segment_rollups(self.session, seg.id, at)  # when not kept yet (after a merge, or an upgrade)
            if progress:
                progress(step, steps)
        return done

    def refresh_rfm(self, customer_ids: Iterable[int] | None = None) -> None:
        """Recompute RFM scores: of everyone (None), or of these customers against the last ranking."""
        require(self.session, Operation.SYNC)
        with self.session.workspace.sessions() as s, s.begin():
            if customer_ids is None:
                rfm.refresh_all(s)
            else:
                rfm.refresh_customers(s, customer_ids)

    def rfm_grid(self) -> dict[tuple[int, int], int]:
        """Customers who ordered, by (recency score, frequency score)."""
        require(self.session, Operation.VIEW_SEGMENT_COUNTS)
        self.ensure_rfm()
        with self.session.workspace.sessions() as s:
            return rfm.grid(s)

    def history(self, name: str, limit: int = 90) -> CountSeries:
        """The saved segment's size at its latest evaluations, oldest first."""
        require(self.session, Operation.VIEW_SEGMENT_COUNTS)
        segment = self.get(name)
        with self.session.workspace.sessions() as s:
            return segment_history.counts(s, segment.id, limit)

    def changes(self, name: str, limit: int = 200) -> Changes:
        """Who entered or left the saved segment, newest first."""
        require(self.session, Operation.VIEW_SEGMENT_MEMBERS)
        segment = self.get(name)
        with self.session.workspace.sessions() as s:
            return segment_history.changes(s, segment.id, limit)

    # -- helpers -------------------------------------------------------------------------------------------

    def _saved(self, name: str) -> SavedSegment | None:
        with self.session.workspace.sessions() as s:
            return next(iter(segment_queries.saved(s, name)), None)

    def _members(self, query: str, consenting_only: bool = False,
                 today: tuple[date, tzinfo] | None = None) -> ColumnElement[bool]:
        day, zone = today or self._today()
        return segment_queries.members(self._parsed(query), day, zone, consenting_only=consenting_only)

    def _parsed(self, query: str) -> Node:
        """`query` parsed, with the RFM scores and predictions it reads computed first when missing."""
        node = parse(query)
        used = filters_used(node)
        if "rfm_group" in used:
            self.ensure_rfm()
        if used & segment_predictions.PREDICTED:
            self._ensure_predictions()
        return node

    def _source(self, source: Members) -> ColumnElement[bool]:
        if isinstance(source, RfmCell):
            self.ensure_rfm()
            return and_(Customer.merged_into_id.is_(None), rfm.in_cell(source))
        return self._members(source)

    def ensure_rfm(self) -> None:
        """Compute RFM scores the first time anything needs them (a query, the grid, an export)."""
        with self.session.workspace.sessions() as s:
            if rfm.computed(s):
                return
        with self.session.workspace.sessions() as s, s.begin():
            if not rfm.computed(s):
                rfm.refresh_all(s)

    def _ensure_predictions(self) -> None:
        """Refuse a query on predictions in a workspace that never computed them (it would select nobody)."""
        with self.session.workspace.sessions() as s:
            if not segment_predictions.computed(s):
                raise UsageError(segment_predictions.NOT_COMPUTED)

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC).replace(microsecond=0)

    def _today(self) -> tuple[date, tzinfo]:
        """Today in the workspace's time zone (setting "timezone": "local" is the computer's), and that zone."""
        with self.session.workspace.sessions() as s:
            name = read_setting(s, "timezone") or "local"
        zone = workspace_zone(name)
        return self.clock().astimezone(zone).date(), zone

