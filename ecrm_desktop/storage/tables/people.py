"""Customers and what describes them: identities, emails, phones, addresses, tags, consent, notes.

A customer is one person. Each store account that belongs to that person is a `CustomerIdentity`, so a
shopper known to two stores is one row here with two identities. The aggregate columns (orders count,
amounts, dates, return rate) summarise the customer's orders and are kept current by
`storage.aggregates` in the same transaction as the orders they summarise.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.domain.enums import ConsentState, TagSource
from ecrm_desktop.storage.tables.base import Base, Email, Name, UtcDateTime, enum_type, utcnow


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str | None] = mapped_column(Name)
    last_name: Mapped[str | None] = mapped_column(Name)
    email: Mapped[str | None] = mapped_column(Email, index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    # Of the default address, denormalised so lists and segments filter without a join.
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(Name)
    email_consent: Mapped[ConsentState] = mapped_column(
        enum_type(ConsentState), default=ConsentState.NOT_SUBSCRIBED)
    email_consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    email_consent_source: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))

    # Aggregates over the customer's orders (amounts in hundredths of the reporting currency).
    orders_count: Mapped[int] = mapped_column(Integer, default=0, index=True)
    total_spent_cents: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    aov_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    first_order_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    last_order_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    items_count: Mapped[int] = mapped_column(Integer, default=0)
    returned_items: Mapped[int] = mapped_column(Integer, default=0)
    return_rate: Mapped[float] = mapped_column(Float, default=0.0)

    __table_args__ = (
        Index("ix_customers_name", "last_name", "first_name"),
        # "Country X and subscribed" is a range of three short columns (also serves country alone).
        Index("ix_customers_country_consent", "country", "email_consent", "merged_into_id"),
        # Partial: lists find the few merged records in it, while "not merged" filters never walk it.
        Index("ix_customers_merged", "merged_into_id", sqlite_where=text("merged_into_id IS NOT NULL")),
    )


class CustomerIdentity(Base):
    """One account of the customer in one source (store platform or import)."""

    __tablename__ = "customer_identities"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("store_id", "external_id"),)


class CustomerEmail(Base):
    __tablename__ = "customer_emails"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(Email, index=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class CustomerPhone(Base):
    __tablename__ = "customer_phones"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(32), index=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(Name)
    company: Mapped[str | None] = mapped_column(Name)
    address1: Mapped[str | None] = mapped_column(String(300))
    address2: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(Name)
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class CustomerTag(Base):
    __tablename__ = "customer_tags"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[TagSource] = mapped_column(enum_type(TagSource), default=TagSource.ECRM)
    __table_args__ = (Index("ix_customer_tags_tag", "tag_id", "customer_id"), {"sqlite_with_rowid": False})


class Note(Base):
    """A note about a customer; `sensitive` ones are hidden from roles that may not read them."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CustomerOverride(Base):
    """A user's edit of a store-owned field, kept (and shown as such) until write-back to the store exists."""

    __tablename__ = "customer_overrides"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CustomerMerge(Base):
    """A merge made by hand: `absorbed` was folded into `survivor`; `moved_json` lists what moved, for undo."""

    __tablename__ = "customer_merges"
    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    absorbed_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    moved_json: Mapped[str] = mapped_column(Text)
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CustomerCategory(Base):
    """Aggregate: which categories a customer bought, how often and when last."""

    __tablename__ = "customer_categories"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True)
    orders_count: Mapped[int] = mapped_column(Integer)
    items: Mapped[int] = mapped_column(Integer)
    last_ordered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    __table_args__ = (Index("ix_customer_categories_category", "category_id", "customer_id"),
                      {"sqlite_with_rowid": False})
