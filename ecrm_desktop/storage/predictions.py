"""Stored predictions and product neighbours: replaced whole after each scoring (predictions a range of customers
per transaction, so the write lock is never held for long), read one customer at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.arrays import FloatArray, IntArray
from ecrm_desktop.domain.clv.clv import ChurnRisk, SpendTier
from ecrm_desktop.domain.clv.prediction import CustomerPrediction
from ecrm_desktop.storage.batch import Sql, insert_sql, stamp
from ecrm_desktop.storage.tables import Order, OrderLine, Product, ProductNeighbour, StoredPrediction

_INSERT = insert_sql("customer_predictions", (
    "customer_id", "orders", "days_since_last_order", "usual_gap_days", "expected_orders_90d",
    "expected_orders_365d", "p_alive", "churn_risk", "predicted_clv_cents", "expected_next_order_date",
    "spend_tier", "scored_at"))


def replace_predictions(session: Session, rows: Sequence[CustomerPrediction], scored_at: datetime) -> None:
    """Make the stored predictions exactly `rows` (customers without orders have none)."""
    replace_range(session, rows, scored_at, None, None)


def replace_range(session: Session, rows: Sequence[CustomerPrediction], scored_at: datetime, low: int | None,
                  high: int | None) -> None:
    """Make the stored predictions of the customers with ids in [low, high] (None: unbounded) exactly `rows`,
    which must all be theirs. The rows go to the driver as one `executemany` of plain values (a million rows
    through the ORM's bulk insert took minutes)."""
    ids = StoredPrediction.customer_id
    session.execute(delete(StoredPrediction).where(*([] if low is None else [ids >= low]),
                                                   *([] if high is None else [ids <= high])))
    at = stamp(scored_at)
    Sql(session).many(_INSERT, [
        (p.customer_id, p.orders, p.days_since_last_order, p.usual_gap_days, p.expected_orders_90d,
         p.expected_orders_365d, p.p_alive, p.churn_risk.value, p.predicted_clv_cents,
         None if p.expected_next_order_date is None else p.expected_next_order_date.isoformat(), p.spend_tier.value,
         at) for p in rows])


def replace_neighbours(session: Session, products: IntArray, neighbours: IntArray, scores: FloatArray) -> None:
    """Make the stored item-to-item neighbours exactly these (product ids, not matrix indices)."""
    session.execute(delete(ProductNeighbour))
    rank = 0
    rows = []
    for i, (product, neighbour, score) in enumerate(zip(products.tolist(), neighbours.tolist(), scores.tolist(),
                                                        strict=True)):
        rank = rank + 1 if i and products[i - 1] == product else 0
        rows.append({"product_id": product, "rank": rank, "neighbour_id": neighbour, "score": score})
    if rows:
        session.execute(insert(ProductNeighbour), rows)


def prediction_of(session: Session, customer_id: int) -> tuple[CustomerPrediction, datetime] | None:
    """The customer's stored prediction and when it was scored, if any."""
    row = session.get(StoredPrediction, customer_id)
    if row is None:
        return None
    return CustomerPrediction(
        customer_id=row.customer_id, orders=row.orders, days_since_last_order=row.days_since_last_order,
        usual_gap_days=row.usual_gap_days, expected_orders_90d=row.expected_orders_90d,
        expected_orders_365d=row.expected_orders_365d, p_alive=row.p_alive, churn_risk=ChurnRisk(row.churn_risk),
        predicted_clv_cents=row.predicted_clv_cents, expected_next_order_date=row.expected_next_order_date,
        spend_tier=SpendTier(row.spend_tier)), row.scored_at


def recommended_products(session: Session, customer_id: int, limit: int = 5) -> list[str]:
    """Titles of the products most similar to what the customer bought and not bought yet, best first."""
    bought = (select(OrderLine.product_id).join(Order, Order.id == OrderLine.order_id)
              .where(Order.customer_id == customer_id, Order.cancelled_at.is_(None),
                     OrderLine.product_id.is_not(None)).distinct())
    score = func.sum(ProductNeighbour.score).label("score")
    stmt = (select(Product.title, score).join(Product, Product.id == ProductNeighbour.neighbour_id)
            .where(ProductNeighbour.product_id.in_(bought), ProductNeighbour.neighbour_id.not_in(bought))
            .group_by(Product.id, Product.title).order_by(score.desc(), Product.id).limit(limit))
    return [title for title, _ in session.execute(stmt)]
