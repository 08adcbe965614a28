"""What privacy requests leave behind: tombstones of erased people and the history of consent changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.storage.tables.base import Base, UtcDateTime, enum_type, utcnow


class Tombstone(Base):
    """One keyed hash (HMAC-SHA256 under the workspace's pepper) of an erased person's store account or email.

    It holds no plaintext: the next sync recognises the person by hashing what the store sends and comparing,
    then skips the customer and files their orders, anonymised, under `customer_id` (the blank record kept so
    the statistics stay right; NULL when the record itself was deleted)."""

    __tablename__ = "privacy_tombstones"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ConsentChange(Base):
    """One change of a customer's marketing consent: from what to what, when, from which source and by whom."""

    __tablename__ = "consent_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16), default="email")
    old_state: Mapped[ConsentState | None] = mapped_column(enum_type(ConsentState))
    new_state: Mapped[ConsentState] = mapped_column(enum_type(ConsentState))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    source: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (Index("ix_consent_changes_customer", "customer_id", "recorded_at"),)
