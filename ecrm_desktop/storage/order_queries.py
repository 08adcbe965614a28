"""Orders in SQL: the filtered list (count and pages, newest first) and orders with their lines, shipments
and refunds, loaded in a few batched queries however many orders are asked for."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ecrm_desktop.domain.orders import (
    OrderDetail,
    OrderLineView,
    OrderQuery,
    OrderRow,
    PaymentDetails,
    RefundView,
    Shipment,
)
from ecrm_desktop.storage.tables import (
    Customer,
    Fulfillment,
    Order,
    OrderDiscountCode,
    OrderLine,
    Refund,
    RefundLine,
    Store,
)


def _filtered(stmt: Select[Any], query: OrderQuery) -> Select[Any]:
    if query.status is not None:
        stmt = stmt.where(Order.financial_status == query.status)
    if query.created_from is not None:
        stmt = stmt.where(Order.created_at >= query.created_from)
    if query.created_to is not None:
        stmt = stmt.where(Order.created_at < query.created_to)
    number = query.number.strip()
    if number:  # a prefix of the order number, with or without its "#"
        prefixes = {number, number.lstrip("#"), "#" + number.lstrip("#")}
        stmt = stmt.where(_any_prefix(prefixes))
    return stmt


def _any_prefix(prefixes: set[str]) -> Any:
    return or_(*(Order.number.between(p, p + "\uffff") for p in sorted(prefixes)))


def count(session: Session, query: OrderQuery) -> int:
    return int(session.execute(_filtered(select(func.count()).select_from(Order), query)).scalar_one())


def page(session: Session, query: OrderQuery, offset: int, limit: int) -> list[OrderRow]:
    """Rows [offset, offset + limit) of the orders the query lists, newest first."""
    ids: list[int] = list(session.execute(_filtered(select(Order.id), query)
                               .order_by(Order.created_at.desc(), Order.id.desc())
                               .offset(offset).limit(limit)).scalars())
    found = {r.id: r for r in _rows(session, ids)}
    return [found[i] for i in ids if i in found]


def customer_order_ids(session: Session, customer_id: int) -> list[int]:
    """The customer's orders, newest first."""
    return list(session.execute(select(Order.id).where(Order.customer_id == customer_id)
                                .order_by(Order.created_at.desc(), Order.id.desc())).scalars())


ROW_COLUMNS = (Order.id, Order.number, Order.created_at, Order.customer_id, Customer.first_name,
               Customer.last_name, Order.email, Order.financial_status, Order.fulfillment_status, Order.currency,
               Order.total_cents, Order.refunded_cents, Order.cancelled_at)


def _row(r: Any) -> OrderRow:
    return OrderRow(id=r.id, number=r.number, created_at=r.created_at, customer_id=r.customer_id,
                    customer_name=" ".join(p for p in (r.first_name, r.last_name) if p) or r.email or "Guest",
                    financial_status=r.financial_status, fulfillment_status=r.fulfillment_status,
                    currency=r.currency, total_cents=r.total_cents, refunded_cents=r.refunded_cents,
                    cancelled=r.cancelled_at is not None)


def _rows(session: Session, ids: Sequence[int]) -> list[OrderRow]:
    if not ids:
        return []
    return [_row(r) for r in session.execute(
        select(*ROW_COLUMNS).outerjoin(Customer, Customer.id == Order.customer_id).where(Order.id.in_(ids)))]


def _payment(r: Any) -> PaymentDetails | None:
    if r.payment_gateway is None and r.card_brand is None and r.card_last4 is None:
        return None
    return PaymentDetails(r.payment_gateway, r.card_brand, r.card_last4)


def details(session: Session, ids: Sequence[int]) -> list[OrderDetail]:
    """Full orders in the order of `ids` (missing ids are skipped)."""
    if not ids:
        return []
    orders = {r.id: r for r in session.execute(
        select(*ROW_COLUMNS, Order.subtotal_cents, Order.discount_cents, Order.shipping_cents, Order.tax_cents,
               Store.name.label("store"), Order.sales_channel, Order.shipping_city, Order.shipping_country,
               Order.cancel_reason, Order.payment_gateway, Order.card_brand, Order.card_last4)
        .outerjoin(Customer, Customer.id == Order.customer_id).join(Store, Store.id == Order.store_id)
        .where(Order.id.in_(ids)))}
    lines: dict[int, list[OrderLineView]] = defaultdict(list)
    for r in session.execute(select(OrderLine.order_id, OrderLine.title, OrderLine.sku, OrderLine.quantity,
                                    OrderLine.unit_price_cents, OrderLine.total_cents)
                             .where(OrderLine.order_id.in_(ids)).order_by(OrderLine.id)):
        lines[r.order_id].append(OrderLineView(r.title, r.sku, r.quantity, r.unit_price_cents, r.total_cents))
    shipments: dict[int, list[Shipment]] = defaultdict(list)
    for f in session.execute(
            select(Fulfillment.order_id, Fulfillment.status, Fulfillment.carrier, Fulfillment.tracking_number,
                   Fulfillment.tracking_url, Fulfillment.shipped_at, Fulfillment.delivered_at)
            .where(Fulfillment.order_id.in_(ids)).order_by(Fulfillment.id)):
        shipments[f.order_id].append(Shipment(f.status, f.carrier, f.tracking_number, f.tracking_url,
                                              f.shipped_at, f.delivered_at))
    refunds: dict[int, list[RefundView]] = defaultdict(list)
    items = func.coalesce(select(func.sum(RefundLine.quantity)).where(RefundLine.refund_id == Refund.id)
                          .scalar_subquery(), 0)
    for r in session.execute(select(Refund.order_id, Refund.created_at, Refund.amount_cents, Refund.reason,
                                    Refund.note, items.label("items"))
                             .where(Refund.order_id.in_(ids)).order_by(Refund.created_at)):
        refunds[r.order_id].append(RefundView(r.created_at, r.amount_cents, r.reason, r.note, int(r.items)))
    codes: dict[int, list[str]] = defaultdict(list)
    for oid, code in session.execute(select(OrderDiscountCode.order_id, OrderDiscountCode.code)
                                     .where(OrderDiscountCode.order_id.in_(ids))):
        codes[oid].append(code)
    return [OrderDetail(row=_row(o), email=o.email, subtotal_cents=o.subtotal_cents,
                        discount_cents=o.discount_cents, shipping_cents=o.shipping_cents, tax_cents=o.tax_cents,
                        store=o.store, sales_channel=o.sales_channel, shipping_city=o.shipping_city,
                        shipping_country=o.shipping_country, cancel_reason=o.cancel_reason, lines=tuple(lines[i]),
                        shipments=tuple(shipments[i]), refunds=tuple(refunds[i]), discount_codes=tuple(codes[i]),
                        payment=_payment(o))
            for i in ids if (o := orders.get(i)) is not None]
