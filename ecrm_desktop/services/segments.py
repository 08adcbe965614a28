"""Segments: counting and listing the customers a query selects, and saving queries under a name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, tzinfo

from sqlalchemy import ColumnElement

from ecrm_desktop.domain.customers import CustomerSummary
from ecrm_desktop.domain.errors import NotFound, UsageError
from ecrm_desktop.domain.segments import parse
from ecrm_desktop.domain.segments.ast import Node
from ecrm_desktop.domain.segments.saved import SavedSegment
from ecrm_desktop.domain.zones import workspace_zone
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import audit, segment_queries
from ecrm_desktop.storage.settings import read_setting

MAX_NAME = 200


class SegmentService:
    """Segment use cases for the signed-in user. `clock` (UTC now) is replaceable for tests."""

    def __init__(self, session: UserSession, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.session = session
        self.clock = clock

    def parse(self, query: str) -> Node:
        """The validated syntax tree of `query` (SegmentSyntaxError or SegmentDataError when unusable)."""
        return parse(query)

    def count(self, query: str) -> int:
        with self.session.workspace.sessions() as s:
            return segment_queries.count(s, self._members(query))

    def member_ids(self, query: str, limit: int = 100, offset: int = 0) -> list[int]:
        """One page of the ids of the customers `query` selects, in id order."""
        with self.session.workspace.sessions() as s:
            return segment_queries.member_ids(s, self._members(query), limit, offset)

    def export(self, query_or_name: str, contacts_only: bool = False) -> Iterator[list[CustomerSummary]]:
        """Members of a saved segment (by name) or of a query, in batches; written to the audit trail first.
        With `contacts_only`, only customers who consented to email marketing."""
        found = self._saved(query_or_name.strip())
        query = found.query if found else query_or_name
        condition = self._members(query, consenting_only=contacts_only)
        with self.session.workspace.sessions() as s, s.begin():
            audit.append(s, self.session.user_name, "segment.export", "segment", found.id if found else None,
                         query=query, contacts_only=contacts_only)
        with self.session.workspace.sessions() as s:
            yield from segment_queries.iter_members(s, condition)

    # -- saved segments ------------------------------------------------------------------------------------

    def save(self, name: str, query: str, description: str = "") -> SavedSegment:
        """Save (or replace) the segment `name`; the query must be valid."""
        name = name.strip()
        if not name or len(name) > MAX_NAME:
            raise UsageError(f"A segment name must be 1 to {MAX_NAME} characters.")
        parse(query)
        with self.session.workspace.sessions() as s, s.begin():
            segment_id, created = segment_queries.save(s, name, query.strip(), description.strip(),
                                                       self.session.user_id)
            audit.append(s, self.session.user_name, "segment.save", "segment", segment_id, name=name,
                         query=query.strip(), created=created)
        return self.get(name)

    def list(self) -> list[SavedSegment]:
        with self.session.workspace.sessions() as s:
            return segment_queries.saved(s)

    def get(self, name: str) -> SavedSegment:
        found = self._saved(name.strip())
        if found is None:
            raise NotFound(f"There is no saved segment named '{name}'; 'ecrm segment list' shows them.")
        return found

    def delete(self, name: str) -> None:
        with self.session.workspace.sessions() as s, s.begin():
            segment_id = segment_queries.delete_saved(s, name.strip())
            if segment_id is None:
                raise NotFound(f"There is no saved segment named '{name}'; 'ecrm segment list' shows them.")
            audit.append(s, self.session.user_name, "segment.delete", "segment", segment_id, name=name.strip())

    # -- helpers -------------------------------------------------------------------------------------------

    def _saved(self, name: str) -> SavedSegment | None:
        with self.session.workspace.sessions() as s:
            return next(iter(segment_queries.saved(s, name)), None)

    def _members(self, query: str, consenting_only: bool = False) -> ColumnElement[bool]:
        today, zone = self._today()
        return segment_queries.members(parse(query), today, zone, consenting_only=consenting_only)

    def _today(self) -> tuple[date, tzinfo]:
        """Today in the workspace's time zone (setting "timezone": "local" is the computer's), and that zone."""
        with self.session.workspace.sessions() as s:
            name = read_setting(s, "timezone") or "local"
        zone = workspace_zone(name)
        return self.clock().astimezone(zone).date(), zone

