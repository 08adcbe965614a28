"""Segments on a customer's country and email consent alone, summed from `customer_facets` (customers counted by
country and consent, kept by triggers on `customers`) instead of counted member by member."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.visitors import replacement_traverse

from ecrm_desktop.domain.segments.ast import Node, filters_used
from ecrm_desktop.storage.tables import Customer, CustomerFacet

# The segment filters that read only `customers.country` and `customers.email_consent`.
FILTERS = frozenset({"customer_countries", "email_subscription_status"})
_CUSTOMERS = Customer.__table__
_FACETS = CustomerFacet.__table__


def covers(node: Node) -> bool:
    """Whether `node` reads nothing but the country and the consent, so that the facets can count it."""
    return filters_used(node) <= FILTERS


def count(session: Session, condition: ColumnElement[bool]) -> int:
    """How many customers (not merged) meet `condition`, a compiled segment over `customers.country` and
    `customers.email_consent` only: the sum over the facets meeting it."""

    def on_facets(element: Any, **_: Any) -> Any:
        if isinstance(element, ColumnClause) and element.table is _CUSTOMERS:
            return _FACETS.c[element.key]
        return None

    where = replacement_traverse(condition, {}, on_facets)
    total = session.execute(select(func.sum(CustomerFacet.customers)).where(where)).scalar_one()
    return int(total or 0)


def rebuild(session: Session) -> None:
    """Count the facets again from the customers (a repair; the triggers keep them otherwise)."""
    session.execute(delete(CustomerFacet))
    live = select(Customer.country, Customer.email_consent, func.count()).where(Customer.merged_into_id.is_(None))
    session.execute(insert(CustomerFacet).from_select(
        ["country", "email_consent", "customers"], live.group_by(Customer.country, Customer.email_consent)))
