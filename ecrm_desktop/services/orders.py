"""Orders: the filtered list (counted and paged in SQL) and one order with everything that belongs to it."""

from __future__ import annotations

from dataclasses import replace

from ecrm_desktop.domain.errors import NotFound
from ecrm_desktop.domain.orders import OrderDetail, OrderQuery, OrderRow
from ecrm_desktop.domain.permissions import Operation
from ecrm_desktop.services.permissions import require
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import order_queries


class OrderService:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def count(self, query: OrderQuery) -> int:
        require(self.session, Operation.VIEW_ORDERS)
        with self.session.workspace.sessions() as s:
            return order_queries.count(s, query)

    def page(self, query: OrderQuery, offset: int, limit: int) -> list[OrderRow]:
        require(self.session, Operation.VIEW_ORDERS)
        with self.session.workspace.sessions() as s:
            return order_queries.page(s, query, offset, limit)

    def detail(self, order_id: int) -> OrderDetail:
        """The order; its payment details only for roles that may see them."""
        require(self.session, Operation.VIEW_ORDERS)
        with self.session.workspace.sessions() as s:
            found = order_queries.details(s, [order_id])
        if not found:
            raise NotFound(f"There is no order {order_id}.")
        return visible_payment(self.session, found[0])


def visible_payment(session: UserSession, order: OrderDetail) -> OrderDetail:
    """The order as `session` may see it: payment details removed (and marked hidden) without VIEW_PAYMENT."""
    if session.may(Operation.VIEW_PAYMENT) or order.payment is None:
        return order
    return replace(order, payment=None, payment_hidden=True)
