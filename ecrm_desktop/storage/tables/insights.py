"""What the predictive models computed, stored so screens, segments and exports read it without refitting."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ecrm_desktop.storage.tables.base import Base, UtcDateTime


class StoredPrediction(Base):
    """One customer's predictions as of `scored_at` (see `domain.clv.prediction.CustomerPrediction`)."""

    __tablename__ = "customer_predictions"
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    orders: Mapped[int] = mapped_column(Integer)
    days_since_last_order: Mapped[int] = mapped_column(Integer)
    usual_gap_days: Mapped[int | None] = mapped_column(Integer)
    expected_orders_90d: Mapped[float] = mapped_column(Float)
    expected_orders_365d: Mapped[float] = mapped_column(Float)
    p_alive: Mapped[float] = mapped_column(Float)
    churn_risk: Mapped[str] = mapped_column(String(8))
    predicted_clv_cents: Mapped[int] = mapped_column(BigInteger, index=True)
    expected_next_order_date: Mapped[date | None] = mapped_column(Date)
    spend_tier: Mapped[str] = mapped_column(String(8))
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProductNeighbour(Base):
    """"Customers who bought `product` also bought `neighbour`": the strongest item-to-item similarities."""

    __tablename__ = "product_neighbours"
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    neighbour_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    __table_args__ = (Index("ix_product_neighbours_neighbour", "neighbour_id"), {"sqlite_with_rowid": False})
