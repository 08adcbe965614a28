"""Orders: the filtered list (counted and paged in SQL) and one order with everything that belongs to it."""

from __future__ import annotations

from ecrm_desktop.domain.errors import NotFound
from ecrm_desktop.domain.orders import OrderDetail, OrderQuery, OrderRow
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import order_queries


class OrderService:
    def __init__(self, session: UserSession) -> None:
        self.session = session

    def count(self, query: OrderQuery) -> int:
        with self.session.workspace.sessions() as s:
            return order_queries.count(s, query)

    def page(self, query: OrderQuery, offset: int, limit: int) -> list[OrderRow]:
        with self.session.workspace.sessions() as s:
            return order_queries.page(s, query, offset, limit)

    def detail(self, order_id: int) -> OrderDetail:
        with self.session.workspace.sessions() as s:
            found = order_queries.details(s, [order_id])
        if not found:
            raise NotFound(f"There is no order {order_id}.")
        return found[0]
