"""The country-and-consent facets stay equal to a count of the customers through every kind of write, and the
segments they count agree with testing each customer."""

from __future__ import annotations

import random
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.segments import parse
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage import customer_facets, segment_queries
from ecrm_desktop.storage.tables import Customer, CustomerFacet

COUNTRIES = ("US", "GB", "DE", None)
TODAY, ZONE = date(2026, 12, 3), ZoneInfo("UTC")


def _recount(s: Session) -> dict[tuple[str | None, ConsentState], int]:
    rows = s.execute(select(Customer.country, Customer.email_consent, func.count())
                     .where(Customer.merged_into_id.is_(None)).group_by(Customer.country, Customer.email_consent))
    return {(c, e): n for c, e, n in rows}


def _facets(s: Session) -> dict[tuple[str | None, ConsentState], int]:
    rows = s.execute(select(CustomerFacet.country, CustomerFacet.email_consent, CustomerFacet.customers))
    return {(c, e): n for c, e, n in rows if n}


def test_triggers_keep_the_facets_through_inserts_updates_merges_and_deletes(user_session: UserSession) -> None:
    rng = random.Random(7)
    with user_session.workspace.sessions() as s, s.begin():
        s.add_all(Customer(country=rng.choice(COUNTRIES), email_consent=rng.choice(list(ConsentState)))
                  for _ in range(300))
        s.flush()
        ids = list(s.execute(select(Customer.id)).scalars())
        assert _facets(s) == _recount(s)
        for _ in range(400):
            a, b = rng.sample(ids, 2)
            step = rng.randrange(5)
            if step == 0:
                s.execute(update(Customer).where(Customer.id == a).values(country=rng.choice(COUNTRIES)))
            elif step == 1:
                s.execute(update(Customer).where(Customer.id == a)
                          .values(email_consent=rng.choice(list(ConsentState)), first_name="unchanged facet"))
            elif step == 2:
                s.execute(update(Customer).where(Customer.id == a).values(merged_into_id=b))
            elif step == 3:
                s.execute(update(Customer).where(Customer.id == a).values(merged_into_id=None))
            else:
                s.execute(update(Customer).where(Customer.merged_into_id == a).values(merged_into_id=None))
                s.execute(delete(Customer).where(Customer.id == a))
                ids.remove(a)
        assert _facets(s) == _recount(s)
        before = _facets(s)
        customer_facets.rebuild(s)
        assert _facets(s) == before


@pytest.mark.parametrize("query", [
    "customer_countries CONTAINS 'us' AND email_subscription_status = SUBSCRIBED",
    "customer_countries NOT CONTAINS 'US' OR email_subscription_status != 'subscribed'",
    "NOT (customer_countries CONTAINS 'GB' OR customer_countries CONTAINS 'DE')",
    "customer_countries IS NULL AND email_subscription_status = PENDING",
    "customer_countries IS NOT NULL",
])
def test_facet_counts_equal_testing_each_customer(user_session: UserSession, query: str) -> None:
    rng = random.Random(query)
    node = parse(query)
    assert customer_facets.covers(node)
    with user_session.workspace.sessions() as s, s.begin():
        s.add_all(Customer(country=rng.choice(COUNTRIES), email_consent=rng.choice(list(ConsentState)))
                  for _ in range(200))
        s.flush()
        s.execute(update(Customer).where(Customer.id % 9 == 0).values(merged_into_id=1))
        general = segment_queries.count(s, segment_queries.members(node, TODAY, ZONE))
        assert 0 < general < 200
        assert segment_queries.count_members(s, node, TODAY, ZONE) == general


def test_segments_reading_anything_else_are_not_summed_from_facets() -> None:
    assert not customer_facets.covers(parse("customer_countries CONTAINS 'US' AND amount_spent > 10"))
