"""What segments keep between evaluations: RFM scores, saved segments' members, who entered or left, and counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.domain.segments.rfm import RfmGroup
from ecrm_desktop.storage.tables.base import Base, UtcDateTime, enum_type, utcnow
from ecrm_desktop.storage.tables.people import Customer, CustomerCategory

# Segments' conditions on a customer's own columns read this narrow index rather than the wide rows: a scan of it
# reads a few times fewer pages than a scan of `customers`, and country and consent lead, so "country X and
# subscribed" is a range of it. (Declared here, with the other segment tables; it belongs to `customers`.)
SEGMENT_SCAN = Index("ix_customers_segment_scan", Customer.country, Customer.email_consent, Customer.merged_into_id,
                     Customer.orders_count, Customer.total_spent_cents, Customer.aov_cents, Customer.first_order_at,
                     Customer.last_order_at)
# "Bought in category X since a day" (`products_purchased(category: ..., date: >= ...)`) is a range of this index.
CATEGORY_SINCE = Index("ix_customer_categories_since", CustomerCategory.category_id, CustomerCategory.last_ordered_at,
                       CustomerCategory.customer_id)


class CustomerRfm(Base):
    """Each customer's recency, frequency and monetary scores (1 to 5; NULL without orders) and RFM group."""

    __tablename__ = "customer_rfm"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    recency: Mapped[int | None] = mapped_column(SmallInteger)
    frequency: Mapped[int | None] = mapped_column(SmallInteger)
    monetary: Mapped[int | None] = mapped_column(SmallInteger)
    rfm_group: Mapped[RfmGroup] = mapped_column(enum_type(RfmGroup))
    __table_args__ = (Index("ix_customer_rfm_group", "rfm_group", "customer_id"), {"sqlite_with_rowid": False})


class SegmentMember(Base):
    """A customer in a saved segment at its latest evaluation."""

    __tablename__ = "segment_members"
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    since: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    __table_args__ = ({"sqlite_with_rowid": False},)


class SegmentChange(Base):
    """A customer entered (or left) a saved segment when it was evaluated at `at`."""

    __tablename__ = "segment_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    entered: Mapped[bool] = mapped_column(Boolean)
    __table_args__ = (Index("ix_segment_changes_segment_at", "segment_id", "at"),)


class SegmentCount(Base):
    """A saved segment's size at one evaluation, with how many entered and left since the one before."""

    __tablename__ = "segment_counts"
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    members: Mapped[int] = mapped_column(Integer)
    entered: Mapped[int] = mapped_column(Integer)
    left: Mapped[int] = mapped_column(Integer)
