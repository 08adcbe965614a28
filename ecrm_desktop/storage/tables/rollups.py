"""Rollup tables: sums of the orders kept current in the writer's transaction so the dashboard never scans orders.

Days and months are the workspace time zone's (`storage.rollups` records which zone they were bucketed in).
Amounts are hundredths of the reporting currency. Only orders that count (not cancelled) are summed. The
store-wide tables use '' for a missing sales channel or country and 0 for a line without a category, so every
key column is part of a primary key.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.storage.tables.base import Base
from ecrm_desktop.storage.tables.commerce import AbandonedCheckout, Refund
from ecrm_desktop.storage.tables.support import Ticket

WITHOUT_ROWID = {"sqlite_with_rowid": False}

# Refreshing a day's refunds reads them by the day they were made.
Index("ix_refunds_created_at", Refund.created_at)
# The abandoned checkout tiles read a period's checkouts from this index alone (a million-customer store has
# hundreds of thousands a year; reading their rows took over a second).
Index("ix_abandoned_checkouts_dashboard", AbandonedCheckout.created_at, AbandonedCheckout.completed_at,
      AbandonedCheckout.currency, AbandonedCheckout.total_cents, AbandonedCheckout.customer_id)
# The median first response reads a period's tickets from this index alone.
Index("ix_tickets_dashboard", Ticket.created_at, Ticket.first_response_at, Ticket.customer_id)


class DailySales(Base):
    """Orders and gross revenue on the day they were placed; refunds on the day they were made."""

    __tablename__ = "rollup_daily_sales"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    store_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    refunds: Mapped[int] = mapped_column(Integer)
    refunded_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)


class CustomerDay(Base):
    """`DailySales` per customer (without the store): what a segment's figures read for its members."""

    __tablename__ = "rollup_customer_days"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    refunds: Mapped[int] = mapped_column(Integer)
    refunded_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)


class DailyCategory(Base):
    """Items sold per category on the day their order was placed, and how many of those items came back."""

    __tablename__ = "rollup_daily_categories"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    items: Mapped[int] = mapped_column(Integer)
    sales_cents: Mapped[int] = mapped_column(BigInteger)
    returned_items: Mapped[int] = mapped_column(Integer)
    __table_args__ = (WITHOUT_ROWID,)


class DailyProduct(Base):
    """Items sold and line revenue per product on the day their order was placed."""

    __tablename__ = "rollup_daily_products"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    items: Mapped[int] = mapped_column(Integer)
    sales_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)


class CustomerFirstOrder(Base):
    """Each customer's first counted order: when, where and through which channel the customer was acquired."""

    __tablename__ = "rollup_customer_firsts"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    store_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2))
    __table_args__ = (Index("ix_rollup_customer_firsts_day", "day", "channel", "customer_id"),)


class CustomerMonth(Base):
    """A customer's counted orders in one month: their number, gross total and what was refunded on them, and
    the customer's active months before and after this one ('' when there is none)."""

    __tablename__ = "rollup_customer_months"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    orders: Mapped[int] = mapped_column(Integer)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    refunded_cents: Mapped[int] = mapped_column(BigInteger)
    prev_month: Mapped[str] = mapped_column(String(7))
    next_month: Mapped[str] = mapped_column(String(7))
    __table_args__ = (WITHOUT_ROWID,)


class ActivityMonth(Base):
    """Customer-months counted by (month, the customer's previous and next active month, two or more orders).

    Distinct customers over a run of months A..B are the customer-months in it whose previous month is before A
    (each customer's first month in the run); those who were also active in the months just before A are the
    ones whose previous month falls there; those with two or more orders in the run have a second month in it
    (next month <= B) or two orders in the first."""

    __tablename__ = "rollup_activity"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    prev_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    next_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    multi: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1: two or more orders in the month
    customers: Mapped[int] = mapped_column(Integer)
    __table_args__ = (WITHOUT_ROWID,)


class CohortMonth(Base):
    """Customers first acquired in `cohort` who ordered in `month`, with their orders, gross and refunded."""

    __tablename__ = "rollup_cohorts"
    cohort: Mapped[str] = mapped_column(String(7), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    customers: Mapped[int] = mapped_column(Integer)
    orders: Mapped[int] = mapped_column(Integer)
    gross_cents: Mapped[int] = mapped_column(BigInteger)
    refunded_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)


class MarketingSpend(Base):
    """What was spent on one marketing channel in one month, in the reporting currency (entered or imported)."""

    __tablename__ = "marketing_spend"
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)


class DailyNewCustomers(Base):
    """Customers whose first counted order was placed on `day`, per sales channel of that order."""

    __tablename__ = "rollup_daily_new_customers"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    customers: Mapped[int] = mapped_column(Integer)
    __table_args__ = (WITHOUT_ROWID,)


class MonthlyProduct(Base):
    """`DailyProduct` summed per month ('YYYY-MM'): a year's top products read twelve rows a product, not 365."""

    __tablename__ = "rollup_monthly_products"
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    product_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    items: Mapped[int] = mapped_column(Integer)
    sales_cents: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (WITHOUT_ROWID,)
