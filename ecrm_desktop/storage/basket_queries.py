"""What each customer bought, order by order, for the recommendation models."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.arrays import IntArray
from ecrm_desktop.storage.tables import Order, OrderLine


@dataclass(frozen=True)
class OrderItems:
    """One row per (order, product) of orders not cancelled with a known customer, ordered by customer, then
    order time, then order id (parallel arrays)."""

    customer_ids: IntArray
    order_ids: IntArray
    product_ids: IntArray


def order_items(session: Session) -> OrderItems:
    """Every distinct product of every order that counts; lines without a catalogue product are left out."""
    stmt = (select(Order.customer_id, Order.id, OrderLine.product_id)
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(Order.customer_id.is_not(None), Order.cancelled_at.is_(None), OrderLine.product_id.is_not(None))
            .group_by(Order.customer_id, Order.created_at, Order.id, OrderLine.product_id)
            .order_by(Order.customer_id, Order.created_at, Order.id))
    rows = session.execute(stmt).all()
    customer, order, product = zip(*rows, strict=True) if rows else ((), (), ())
    return OrderItems(np.array(customer, dtype=np.int64), np.array(order, dtype=np.int64),
                      np.array(product, dtype=np.int64))
