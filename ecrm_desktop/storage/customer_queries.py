"""Read queries over customers that return plain domain values (`CustomerSummary`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Row, Select, select, text
from sqlalchemy.orm import Session

from ecrm_desktop.domain.customers import CustomerSummary, Source
from ecrm_desktop.storage.search_index import match_expression
from ecrm_desktop.storage.tables import Customer, CustomerIdentity, CustomerRfm, CustomerTag, Store, Tag


def search_ids(session: Session, user_text: str, limit: int = 50, fields: Sequence[str] | None = None) -> list[int]:
    """Customer ids whose search document (or its `fields`) matches every word typed (as prefixes), best match
    first."""
    expr = match_expression(user_text, fields)
    if expr is None:
        return []
    rows = session.execute(text(
        "SELECT rowid FROM customer_search WHERE customer_search MATCH :q ORDER BY rank LIMIT :n"),
        {"q": expr, "n": limit})
    return [r[0] for r in rows]


SUMMARY_COLUMNS = (
    Customer.id, Customer.email, Customer.first_name, Customer.last_name, Customer.phone, Customer.country,
    Customer.city, Customer.email_consent, Customer.orders_count, Customer.total_spent_cents, Customer.aov_cents,
    Customer.first_order_at, Customer.last_order_at, Customer.created_at, CustomerRfm.rfm_group,
)


def summaries(session: Session, ids: Sequence[int]) -> list[CustomerSummary]:
    """Summaries of the given customers, in the order of `ids` (missing ids are skipped)."""
    if not ids:
        return []
    rows = {r.id: r for r in session.execute(_summary_rows().where(Customer.id.in_(ids)))}
    tags, sources = _tags_and_sources(session, list(rows))
    return [_summary(rows[i], tags[i], sources[i]) for i in ids if i in rows]


def iter_summaries(session: Session, batch: int = 5000) -> Iterator[list[CustomerSummary]]:
    """Every customer not merged into another, in id order, a batch at a time (keyset pagination)."""
    last_id = 0
    while True:
        rows = session.execute(_summary_rows()
                               .where(Customer.id > last_id, Customer.merged_into_id.is_(None))
                               .order_by(Customer.id).limit(batch)).all()
        if not rows:
            return
        tags, sources = _tags_and_sources(session, [r.id for r in rows])
        yield [_summary(r, tags[r.id], sources[r.id]) for r in rows]
        last_id = rows[-1].id


def _summary_rows() -> Select[*tuple[Any, ...]]:
    return select(*SUMMARY_COLUMNS).outerjoin(CustomerRfm, CustomerRfm.customer_id == Customer.id)


def _tags_and_sources(session: Session, ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[Source]]]:
    tags: dict[int, list[str]] = defaultdict(list)
    sources: dict[int, list[Source]] = defaultdict(list)
    if not ids:
        return tags, sources
    for cid, name in session.execute(select(CustomerTag.customer_id, Tag.name).join(Tag)
                                     .where(CustomerTag.customer_id.in_(ids)).order_by(Tag.name)):
        tags[cid].append(name)
    for cid, platform, store, ext in session.execute(
            select(CustomerIdentity.customer_id, Store.platform, Store.name, CustomerIdentity.external_id)
            .join(Store, Store.id == CustomerIdentity.store_id)
            .where(CustomerIdentity.customer_id.in_(ids)).order_by(CustomerIdentity.id)):
        sources[cid].append(Source(str(platform), store, ext))
    return tags, sources


def _summary(c: Row[*tuple[Any, ...]], tags: list[str], sources: list[Source]) -> CustomerSummary:
    return CustomerSummary(
        id=c.id, email=c.email, first_name=c.first_name, last_name=c.last_name, phone=c.phone,
        country=c.country, city=c.city, tags=tuple(tags), email_consent=c.email_consent,
        orders_count=c.orders_count, total_spent_cents=c.total_spent_cents, aov_cents=c.aov_cents,
        first_order_at=c.first_order_at, last_order_at=c.last_order_at, created_at=c.created_at,
        sources=tuple(sources), rfm_group=c.rfm_group)
