"""How the demo's shoppers are called and reached: names by language area, email addresses, phone numbers
and postal addresses, drawn for many people at once."""

from __future__ import annotations

import unicodedata

import numpy as np

from ecrm_desktop.storage.columnar import Columns
from ecrm_desktop.sync.emulator.geography import COUNTRIES
from ecrm_desktop.sync.emulator.names import EMAIL_PATTERNS, LOCALES, WORK_DOMAINS
from ecrm_desktop.sync.emulator.numbering import Numbering
from ecrm_desktop.sync.emulator.sampling import (
    BoolArray,
    Choice,
    GroupedChoice,
    IntArray,
    ObjArray,
    expand,
    strings,
    where_else_none,
    zipf_weights,
)

_LOCALE_OF = {loc.key: i for i, loc in enumerate(LOCALES)}
COUNTRY_LOCALE = np.array([_LOCALE_OF[c.locale.key] for c in COUNTRIES], dtype=np.int64)
COUNTRY_CODE = strings([c.code for c in COUNTRIES])
ENGLISH = _LOCALE_OF["en"]

_FIRST = strings([n for loc in LOCALES for n in loc.first_names])
_FIRST_PICK = GroupedChoice([zipf_weights(len(loc.first_names), 0.5) for loc in LOCALES])
_LAST = strings([n for loc in LOCALES for n in loc.last_names])
_LAST_PICK = GroupedChoice([zipf_weights(len(loc.last_names), 0.7) for loc in LOCALES])
_STREET = strings([s for loc in LOCALES for s in loc.streets])
_STREET_PICK = GroupedChoice([np.ones(len(loc.streets)) for loc in LOCALES])
_NUMBER_FIRST = np.array([loc.number_first for loc in LOCALES])
_DOMAIN = strings([d for loc in LOCALES for d, _ in loc.mail_domains])
_DOMAIN_PICK = GroupedChoice([[w for _, w in loc.mail_domains] for loc in LOCALES])
_WORK_DOMAIN = strings(WORK_DOMAINS)
_EMAIL_PATTERN = [p for p, _ in EMAIL_PATTERNS]
_EMAIL_PATTERNS = Choice([w for _, w in EMAIL_PATTERNS])
_INITIAL_DOT_LAST = next(i for i, p in enumerate(_EMAIL_PATTERN) if p.startswith("{i}."))

_CITIES = [(k, city) for k, c in enumerate(COUNTRIES) for city in c.cities]
CITY_NAME = strings([city.name for _, city in _CITIES])
CITY_REGION = strings([city.region for _, city in _CITIES])
_CITY_COUNTRY = np.array([k for k, _ in _CITIES], dtype=np.int64)
_CITY_PICK = GroupedChoice([[city.weight for city in c.cities] for c in COUNTRIES])
_POSTAL = strings([code for _, city in _CITIES for code in city.postal_codes])
_POSTAL_PICK = GroupedChoice([np.ones(len(city.postal_codes)) for _, city in _CITIES])

_PHONE_PREFIX = strings([p for c in COUNTRIES for p in c.phone_prefixes])
_PHONE_PICK = GroupedChoice([np.ones(len(c.phone_prefixes)) for c in COUNTRIES])
_PHONE_FORMAT = [" ".join(["{}"] + [f"{{:0{d}d}}" for d in c.phone_digits]) for c in COUNTRIES]
_GROUPS = max(len(c.phone_digits) for c in COUNTRIES)
_PHONE_WIDTH = np.array([list(c.phone_digits) + [0] * (_GROUPS - len(c.phone_digits)) for c in COUNTRIES])


def _slug(name: str) -> str:
    """The name as it would appear in an email address: lower-case ASCII letters only."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in ascii_name.lower() if ch.isalnum())


_FIRST_SLUG = strings([_slug(n) for n in _FIRST])
_LAST_SLUG = strings([_slug(n) for n in _LAST])


class People:
    """The names of a group of people from their countries, and the addresses they can be reached at."""

    def __init__(self, rng: np.random.Generator, country: IntArray, number: IntArray) -> None:
        self.rng = rng
        self.country = country
        self.locale = COUNTRY_LOCALE[country]
        self._first = _FIRST_PICK.sample(rng, self.locale)
        self._last = _LAST_PICK.sample(rng, self.locale)
        self._number = number  # unique per person, so their email addresses are unique too

    @property
    def first_names(self) -> ObjArray:
        return _FIRST[self._first]

    @property
    def last_names(self) -> ObjArray:
        return _LAST[self._last]

    def emails(self) -> ObjArray:
        """Private addresses like anna.schmidt1234@gmx.example."""
        domain = _DOMAIN[_DOMAIN_PICK.sample(self.rng, self.locale)]
        return self._emails(_EMAIL_PATTERNS.sample(self.rng, self.country.size), np.arange(self.country.size),
                            domain)

    def work_emails(self, who: IntArray) -> ObjArray:
        """Work addresses like a.schmidt1234@globex.example of the people `who`."""
        domain = _WORK_DOMAIN[self.rng.integers(0, _WORK_DOMAIN.size, who.size)]
        return self._emails(np.full(who.size, _INITIAL_DOT_LAST), who, domain)

    def phones(self, who: IntArray) -> ObjArray:
        """Phone numbers in the format of each person's country, e.g. "+49 151 2345 6789"."""
        country = self.country[who]
        prefix = _PHONE_PREFIX[_PHONE_PICK.sample(self.rng, country)]
        groups = (self.rng.random((who.size, _GROUPS)) * 10.0 ** _PHONE_WIDTH[country]).astype(np.int64)
        return strings([_PHONE_FORMAT[c].format(p, *g) for c, p, g in zip(
            country.tolist(), prefix.tolist(), groups.tolist(), strict=True)])

    def cities(self) -> IntArray:
        """A city (index into the cities of every country) in each person's country."""
        return _CITY_PICK.sample(self.rng, self.country)

    def _emails(self, pattern: IntArray, who: IntArray, domain: ObjArray) -> ObjArray:
        return strings([_EMAIL_PATTERN[p].format(f=f, l=last, i=f[:1], n=k) + "@" + d for p, f, last, k, d in zip(
            pattern.tolist(), _FIRST_SLUG[self._first[who]].tolist(), _LAST_SLUG[self._last[who]].tolist(),
            self._number[who].tolist(), domain.tolist(), strict=True)])


def addresses(rng: np.random.Generator, people: People, *, customer_ids: IntArray, phone: ObjArray,
              city: IntArray, second_city: IntArray, company: BoolArray, numbering: Numbering) -> Columns:
    """Address rows: a default one where `city` >= 0 and a second one where `second_city` >= 0."""
    owner, rank = expand((city >= 0).astype(np.int64) + (second_city >= 0))
    m = owner.size
    where = np.where(rank == 0, city[owner], second_city[owner])
    locale = people.locale[owner]
    street = _STREET[_STREET_PICK.sample(rng, locale)]
    house = rng.integers(1, 180, m)
    last = people.last_names[owner]
    return {
        "id": numbering.rows("addresses", m), "customer_id": customer_ids[owner],
        "name": people.first_names[owner] + " " + last,
        "company": where_else_none(company[owner], last + " & Co."),
        "address1": strings([f"{h} {s}" if first else f"{s} {h}" for h, s, first in zip(
            house.tolist(), street.tolist(), _NUMBER_FIRST[locale].tolist(), strict=True)]),
        "address2": where_else_none((locale == ENGLISH) & (rng.random(m) < 0.12),
                                    "Apt " + rng.integers(1, 40, m).astype(str).astype(object)),
        "city": CITY_NAME[where], "region": CITY_REGION[where], "postal_code": _POSTAL[_POSTAL_PICK.sample(rng, where)],
        "country": COUNTRY_CODE[_CITY_COUNTRY[where]],
        "phone": where_else_none(rng.random(m) < 0.5, phone[owner]), "is_default": rank == 0,
    }
