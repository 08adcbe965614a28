"""A saved segment's dashboard rollups: the store-wide rollups' rows summed over the segment's members only.

They hold what the members (as of the segment's last evaluation) contribute with their orders as they stand now:
the store writer moves them with every write to a member's orders, in its transaction, and an evaluation moves
them by what the customers who entered or left contribute (`storage.rollups`). `SegmentRollupsBuilt` says a
segment's rows are kept, and for which members (they are computed in steps of a short transaction each).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.storage.tables.base import Base, UtcDateTime
from ecrm_desktop.storage.tables.segments import SegmentMember

WITHOUT_ROWID = {"sqlite_with_rowid": False}
SEGMENT = "segments.id"

# The writer finds the segments of the customers whose orders it writes by this index.
Index("ix_segment_members_customer", SegmentMember.customer_id, SegmentMember.segment_id)


class SegmentRollupsBuilt(Base):
    """A saved segment whose rollups are kept: for its members with ids up to `upto` (all of them, and every
    entrant, once computed whole: `storage.rollups.COMPLETE`), and when they were last computed."""

    __tablename__ = "segment_rollups_built"
    segment_id: Mapped[int] = mapped_column(ForeignKey(SEGMENT, ondelete="CASCADE"), primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UtcDateTime)
    upto: Mapped[int] = mapped_column(BigInteger)


class SegmentSales(Base):
    """`DailySales` of a segment's members (without the store)."""

    __tablename__ = "segment_rollup_sales"
    segment_id: Mapped[int] = mapped_column(ForeignKey(SEGMENT, ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    refunds: Mapped[int] = mapped_column(Integer)
    refunded_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)


class SegmentCategory(Base):
    """`DailyCategory` of a segment's members."""

    __tablename__ = "segment_rollup_categories"
    segment_id: Mapped[int] = mapped_column(ForeignKey(SEGMENT, ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    items: Mapped[int] = mapped_column(Integer)
    sales_cents: Mapped[int] = mapped_column(BigInteger)
    returned_items: Mapped[int] = mapped_column(Integer)
    __table_args__ = (WITHOUT_ROWID,)


class SegmentProduct(Base):
    """`DailyProduct` of a segment's members."""

    __tablename__ = "segment_rollup_products"
    segment_id: Mapped[int] = mapped_column(ForeignKey(SEGMENT, ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    items: Mapped[int] = mapped_column(Integer)
    sales_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)


class SegmentMonthlyProduct(Base):
    """`MonthlyProduct` of a segment's members."""

    __tablename__ = "segment_rollup_monthly_products"
    segment_id: Mapped[int] = mapped_column(ForeignKey(SEGMENT, ondelete="CASCADE"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    items: Mapped[int] = mapped_column(Integer)
    sales_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)


class SegmentNewCustomers(Base):
    """`DailyNewCustomers` of a segment's members."""

    __tablename__ = "segment_rollup_new_customers"
    segment_id: Mapped[int] = mapped_column(ForeignKey(SEGMENT, ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    customers: Mapped[int] = mapped_column(Integer)
    __table_args__ = (WITHOUT_ROWID,)


class SegmentCohort(Base):
    """`CohortMonth` of a segment's members."""

    __tablename__ = "segment_rollup_cohorts"
    segment_id: Mapped[int] = mapped_column(ForeignKey(SEGMENT, ondelete="CASCADE"), primary_key=True)
    cohort: Mapped[str] = mapped_column(String(7), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    customers: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    refunded_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)


class SegmentActivity(Base):
    """`ActivityMonth` of a segment's members."""

    __tablename__ = "segment_rollup_activity"
    segment_id: Mapped[int] = mapped_column(ForeignKey(SEGMENT, ondelete="CASCADE"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    prev_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    next_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    multi: Mapped[int] = mapped_column(Integer, primary_key=True)
    customers: Mapped[int] = mapped_column(Integer)
    __table_args__ = (WITHOUT_ROWID,)
