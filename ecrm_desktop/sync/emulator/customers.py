"""Demo customers: who they are, where they live, their email consent and their accounts in the two stores.

Customers are numbered in the order they signed up, so ids and `created_at` rise together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.storage.columnar import NAT, Columns, Tables, is_null
from ecrm_desktop.sync.emulator.catalogue import CATEGORIES
from ecrm_desktop.sync.emulator.contact_details import CITY_NAME, CITY_REGION, COUNTRY_CODE, People, addresses
from ecrm_desktop.sync.emulator.geography import COUNTRIES
from ecrm_desktop.sync.emulator.numbering import Numbering
from ecrm_desktop.sync.emulator.sampling import (
    BoolArray,
    Choice,
    FloatArray,
    IntArray,
    ObjArray,
    expand,
    strings,
    where_else_none,
)
from ecrm_desktop.sync.emulator.seasons import DAY, DEMO_NOW, Timeline
from ecrm_desktop.sync.emulator.stores import EU_STORE, STORES, US_STORE

EU_SHOPPERS_IN_EU_STORE = 0.85
OTHERS_IN_EU_STORE = 0.02
KNOWN_TO_BOTH_STORES = 0.005
WITH_PHONE = 0.72
WITHOUT_ADDRESS = 0.035
SECOND_ADDRESS = 0.12
SECOND_EMAIL = 0.04
SECOND_PHONE = 0.02
WHOLESALE = 0.01
INFLUENCER = 0.004
SERIAL_RETURNERS = 0.05

SUBSCRIBED, NOT_SUBSCRIBED, UNSUBSCRIBED, PENDING = range(4)
_CONSENT = strings([s.value for s in (ConsentState.SUBSCRIBED, ConsentState.NOT_SUBSCRIBED,
                                      ConsentState.UNSUBSCRIBED, ConsentState.PENDING)])
_CONSENT_PICK = Choice((0.46, 0.36, 0.15, 0.03))
_OPT_IN = strings(("checkout", "newsletter_popup", "account_signup", "pos"))
_OPT_IN_PICK = Choice((0.5, 0.3, 0.15, 0.05))
_OPT_OUT = strings(("unsubscribe_link", "customer_service"))
NEWSLETTER_POPUP = 1

_COUNTRIES = Choice([c.share for c in COUNTRIES])
_IN_EU = np.array([c.in_eu for c in COUNTRIES])
_FAVOURITE = Choice([c.popularity for c in CATEGORIES])


@dataclass(frozen=True)
class Customers:
    """One block of customers: what the stores know about them, and traits the later steps draw on."""

    signup: IntArray
    country: IntArray  # index into COUNTRIES
    home_store: IntArray
    dual: BoolArray  # also has an account in the other store
    first_name: ObjArray
    last_name: ObjArray
    email: ObjArray
    city: ObjArray  # of the default address (None without one)
    second_city: ObjArray  # of a second address (None without one)
    consent_at: IntArray
    wholesale: BoolArray
    influencer: BoolArray
    newsletter: BoolArray  # subscribed through the newsletter pop-up
    favourite_category: IntArray
    returner: FloatArray  # how many times the usual share of items this person sends back
    external_ids: IntArray  # (store, customer): the customer's id in each store, -1 without an account there
    columns: Columns  # the `customers` rows, still without `updated_at` (which depends on the orders)
    children: Tables  # identities, emails, phones and addresses

    @property
    def count(self) -> int:
        return self.signup.size

    @property
    def ids(self) -> IntArray:
        return self.columns["id"]

    @property
    def country_code(self) -> ObjArray:
        return COUNTRY_CODE[self.country]


def make_customers(rng: np.random.Generator, first: int, count: int, *, total: int, signups: Timeline,
                   numbering: Numbering) -> Customers:
    """Customers number `first` to `first + count - 1` (0-based) of a demo with `total` customers."""
    n = count
    signup = signups.at((first + np.arange(n) + rng.random(n)) / total)
    country = _COUNTRIES.sample(rng, n)
    eu_share = np.where(_IN_EU[country], EU_SHOPPERS_IN_EU_STORE, OTHERS_IN_EU_STORE)
    home_store = np.where(rng.random(n) < eu_share, EU_STORE, US_STORE).astype(np.int64)
    dual = rng.random(n) < KNOWN_TO_BOTH_STORES
    people = People(rng, country, first + np.arange(n, dtype=np.int64) + 1)
    email = people.emails()
    phone = np.full(n, None, dtype=object)
    has_phone = np.flatnonzero(rng.random(n) < WITH_PHONE)
    phone[has_phone] = people.phones(has_phone)
    city = np.where(rng.random(n) < WITHOUT_ADDRESS, -1, people.cities())
    second_city = np.where((city >= 0) & (rng.random(n) < SECOND_ADDRESS), people.cities(), -1)
    state = _CONSENT_PICK.sample(rng, n)
    state[(state == PENDING) & (signup < DEMO_NOW - 30 * DAY)] = SUBSCRIBED  # confirmed long ago
    consent_at, source = _consent(rng, state, signup)
    wholesale = rng.random(n) < WHOLESALE
    ids = numbering.rows("customers", n)
    has_address = city >= 0
    columns: Columns = {
        "id": ids, "first_name": people.first_names, "last_name": people.last_names, "email": email,
        "phone": phone, "country": where_else_none(has_address, COUNTRY_CODE[country]),
        "region": where_else_none(has_address, CITY_REGION[city]),
        "city": where_else_none(has_address, CITY_NAME[city]),
        "email_consent": _CONSENT[state], "email_consent_at": consent_at.view("datetime64[s]"),
        "email_consent_source": source, "created_at": signup.view("datetime64[s]"),
    }
    identities = _identities(rng, ids, signup, home_store=home_store, dual=dual, numbering=numbering)
    external_ids = np.full((len(STORES), n), -1, dtype=np.int64)
    external_ids[identities["store_id"], identities["customer_id"] - ids[0]] = identities["external_id"]
    children: Tables = {
        "customer_identities": identities,
        "customer_emails": _contacts(rng, ids, email, second=people.work_emails, share=SECOND_EMAIL,
                                     table="customer_emails", numbering=numbering),
        "customer_phones": _contacts(rng, ids, phone, second=people.phones, share=SECOND_PHONE,
                                     table="customer_phones", numbering=numbering),
        "addresses": addresses(rng, people, customer_ids=ids, phone=phone, city=city, second_city=second_city,
                               company=wholesale, numbering=numbering),
    }
    return Customers(
        signup=signup, country=country, home_store=home_store, dual=dual,
        first_name=columns["first_name"], last_name=columns["last_name"], email=email, city=columns["city"],
        second_city=where_else_none(second_city >= 0, CITY_NAME[second_city]), consent_at=consent_at,
        wholesale=wholesale, influencer=rng.random(n) < INFLUENCER,
        newsletter=(state == SUBSCRIBED) & (source == _OPT_IN[NEWSLETTER_POPUP]),
        favourite_category=_FAVOURITE.sample(rng, n),
        returner=rng.lognormal(-0.125, 0.5, n) * np.where(rng.random(n) < SERIAL_RETURNERS, 3.0, 1.0),
        external_ids=external_ids, columns=columns, children=children,
    )


def _consent(rng: np.random.Generator, state: IntArray, signup: IntArray) -> tuple[IntArray, ObjArray]:
    """When and how each customer last changed their email consent (nothing for NOT_SUBSCRIBED)."""
    n = state.size
    soon = signup + rng.integers(0, 600, n)
    later = np.minimum(signup + (rng.exponential(60.0, n) * DAY).astype(np.int64), DEMO_NOW - 60)
    left = np.minimum(signup + (rng.exponential(200.0, n) * DAY).astype(np.int64), DEMO_NOW - 60)
    at = np.select([state == SUBSCRIBED, state == PENDING, state == UNSUBSCRIBED],
                   [np.where(rng.random(n) < 0.7, soon, later), soon, left], NAT)
    opted_in = _OPT_IN[_OPT_IN_PICK.sample(rng, n)]
    opted_out = _OPT_OUT[(rng.random(n) < 0.2).astype(np.int64)]
    source = where_else_none(state != NOT_SUBSCRIBED, np.where(state == UNSUBSCRIBED, opted_out, opted_in))
    return at, source


def _identities(rng: np.random.Generator, ids: IntArray, signup: IntArray, *, home_store: IntArray,
                dual: BoolArray, numbering: Numbering) -> Columns:
    """Each customer's account in their home store and, for a few, one in the other store as well."""
    owner, rank = expand(1 + dual.astype(np.int64))
    store = np.where(rank == 0, home_store[owner], 1 - home_store[owner])
    joined = signup[owner] + np.where(rank == 0, 0, (rng.exponential(120.0, owner.size) * DAY).astype(np.int64))
    return {
        "id": numbering.rows("customer_identities", owner.size), "customer_id": ids[owner], "store_id": store,
        "external_id": numbering.external_ids("customer", store),
        "created_at": np.minimum(joined, DEMO_NOW - 3_600).view("datetime64[s]"),
    }


def _contacts(rng: np.random.Generator, ids: IntArray, primary: ObjArray, *,
              second: Callable[[IntArray], ObjArray], share: float, table: str, numbering: Numbering) -> Columns:
    """Rows of `customer_emails` (or `customer_phones`): the primary one and, for a `share`, a second one."""
    has = ~is_null(primary)
    owner, rank = expand(has.astype(np.int64) + (has & (rng.random(ids.size) < share)))
    value = primary[owner]
    value[rank == 1] = second(owner[rank == 1])
    column = table.removeprefix("customer_").removesuffix("s")
    return {"id": numbering.rows(table, owner.size), "customer_id": ids[owner], column: value, "is_primary": rank == 0}
