"""Saved segments' membership over time: who is in each, who entered or left at each evaluation, and the counts.

An evaluation computes the members once into a temporary table and compares them with the members kept from the
last one, set-based, in the caller's transaction; the segment's dashboard rollups move by what those who left and
those who entered contribute (when they are not kept yet, the caller computes them: `rollups.build_segment_step`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ColumnElement, Integer, MetaData, Table, and_, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.segments.saved import Evaluation, MembershipChange
from ecrm_desktop.storage import rollups
from ecrm_desktop.storage.tables import Customer, SegmentChange, SegmentCount, SegmentMember

_NOW = Table("segment_now", MetaData(), Column("id", Integer, primary_key=True), prefixes=["TEMPORARY"])


def evaluate(session: Session, segment_id: int, condition: ColumnElement[bool], at: datetime) -> Evaluation:
    """Record who entered and left the segment since its last evaluation, keep its members and its count at `at`."""
    _NOW.create(session.connection(), checkfirst=True)
    session.execute(delete(_NOW))
    session.execute(insert(_NOW).from_select(["id"], select(Customer.id).where(condition)))
    kept = select(SegmentMember.customer_id).where(SegmentMember.segment_id == segment_id)
    new = _NOW.c.id.not_in(kept)
    gone = and_(SegmentMember.segment_id == segment_id, SegmentMember.customer_id.not_in(select(_NOW.c.id)))
    when, columns, conn = literal(at, SegmentChange.at.type), ["segment_id", "customer_id", "at", "entered"], \
        session.connection()
    entered = conn.execute(insert(SegmentChange).from_select(
        columns, select(literal(segment_id), _NOW.c.id, when, literal(True)).where(new))).rowcount
    left = conn.execute(insert(SegmentChange).from_select(
        columns, select(literal(segment_id), SegmentMember.customer_id, when, literal(False)).where(gone))).rowcount
    kept_rollups = rollups.segment_kept(session, segment_id)  # else the caller computes them in steps
    change = rollups.Change(session)
    if kept_rollups and left:
        change.take_members(segment_id, session.execute(select(SegmentMember.customer_id).where(gone)).scalars(), -1)
    entrants: list[int] = []
    if kept_rollups and entered:
        entrants = list(session.execute(select(_NOW.c.id).where(new)).scalars())
    session.execute(delete(SegmentMember).where(gone))
    session.execute(insert(SegmentMember).from_select(
        ["segment_id", "customer_id", "since"], select(literal(segment_id), _NOW.c.id, when).where(new)))
    if kept_rollups:
        change.take_members(segment_id, entrants, +1)
        change.apply()
    members = session.execute(select(func.count()).select_from(_NOW)).scalar_one()
    row = session.get(SegmentCount, (segment_id, at))
    if row is None:
        session.add(SegmentCount(segment_id=segment_id, at=at, members=members, entered=entered, left=left))
    else:  # a second evaluation within the same second
        row.members, row.entered, row.left = members, row.entered + entered, row.left + left
    session.flush()
    return Evaluation(segment_id, at, members, entered, left)


def last_evaluated(session: Session, segment_id: int) -> datetime | None:
    """When the segment's members were last evaluated (None: never)."""
    return session.execute(select(func.max(SegmentCount.at)).where(SegmentCount.segment_id == segment_id)).scalar()


def counts(session: Session, segment_id: int, limit: int = 90) -> list[tuple[datetime, int]]:
    """The segment's size at its latest `limit` evaluations, oldest first."""
    rows = session.execute(select(SegmentCount.at, SegmentCount.members).where(SegmentCount.segment_id == segment_id)
                           .order_by(SegmentCount.at.desc()).limit(limit)).all()
    return [(at, n) for at, n in reversed(rows)]


def latest_counts(session: Session) -> dict[int, int]:
    """Each evaluated segment's size at its latest evaluation."""
    latest = (select(SegmentCount.segment_id, func.max(SegmentCount.at).label("at"))
              .group_by(SegmentCount.segment_id).subquery())
    rows = session.execute(select(SegmentCount.segment_id, SegmentCount.members).join(
        latest, (latest.c.segment_id == SegmentCount.segment_id) & (latest.c.at == SegmentCount.at)))
    return {sid: n for sid, n in rows}


def changes(session: Session, segment_id: int, limit: int = 200) -> list[MembershipChange]:
    """The latest `limit` entries and exits, newest first."""
    rows = session.execute(select(SegmentChange.customer_id, SegmentChange.at, SegmentChange.entered)
                           .where(SegmentChange.segment_id == segment_id)
                           .order_by(SegmentChange.at.desc(), SegmentChange.id.desc()).limit(limit))
    return [MembershipChange(cid, at, entered) for cid, at, entered in rows]


def members_of(segment_id: int) -> ColumnElement[bool]:
    """The condition a customer meets when kept as a member at the segment's latest evaluation."""
    return Customer.id.in_(select(SegmentMember.customer_id).where(SegmentMember.segment_id == segment_id))
