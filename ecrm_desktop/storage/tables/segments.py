"""What segments keep between evaluations: RFM scores, saved segments' members, who entered or left, and counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.segments.rfm import RfmGroup
from ecrm_desktop.storage.tables.base import Base, UtcDateTime, enum_type, utcnow
from ecrm_desktop.storage.tables.commerce import Order
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

# The orders that count, by time, with what segments' windows and the purchase models read of them: "placed N
# orders between two days" (`orders_placed(date: BETWEEN ...)`) and each customer's order history
# (`storage.clv_queries`) come from this index alone, not from the wide order rows.
ORDERS_COUNTED_BY_TIME = Index("ix_orders_counted_created", Order.created_at, Order.customer_id, Order.cancelled_at,
                               Order.total_reporting_cents,
                               sqlite_where=text("cancelled_at IS NULL AND customer_id IS NOT NULL"),
                               postgresql_where=text("cancelled_at IS NULL AND customer_id IS NOT NULL"))


class RecentOrder(Base):
    """Aggregate: a customer's orders that count, numbered from the latest (rank 1) back to the first.

    "At least N orders since a day" (`orders_placed(count_at_least: N, date: >= ...)`) holds exactly when the
    customer's N-th latest order is that late, so it is one range of `ix_recent_orders_rank`: no counting."""

    __tablename__ = "recent_orders"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (Index("ix_recent_orders_rank", "rank", "ordered_at"), {"sqlite_with_rowid": False})


class CustomerFacet(Base):
    """Aggregate: how many customers (not merged into another) share a country and an email consent state.

    Kept by triggers on `customers` (migration 0016, `storage.customer_facets`), so every write path keeps it in
    its own transaction; a segment on country and consent alone is a sum over these few rows rather than a count
    of its members. A migration that rebuilds `customers` in a batch drops the triggers with the old table and
    must create them again."""

    __tablename__ = "customer_facets"
    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str | None] = mapped_column(String(2))
    email_consent: Mapped[ConsentState] = mapped_column(enum_type(ConsentState))
    customers: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (Index("ix_customer_facets_key", "country", "email_consent"),)


class CategoryPurchase(Base):
    """Aggregate: a customer bought in a category at an instant (one row per order time, orders not cancelled).

    Kept with the other per-customer aggregates (`storage.aggregates`, `storage.bulk_summaries`), so that
    "bought in category X between two days" is one range of the primary key rather than a join of orders and
    their lines."""

    __tablename__ = "category_purchases"
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True)
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    __table_args__ = (Index("ix_category_purchases_customer", "customer_id"), {"sqlite_with_rowid": False})


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
