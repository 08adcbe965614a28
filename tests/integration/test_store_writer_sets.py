"""The set-based writers write a page exactly as writing its records one at a time would, and keep what ecrm owns."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ecrm_desktop.domain.catalogue import CheckoutRecord, ProductRecord, VariantRecord
from ecrm_desktop.domain.enums import ShipmentStatus, TagSource
from ecrm_desktop.domain.records import (
    AddressRecord,
    CustomerRecord,
    FulfillmentRecord,
    LineRecord,
    OrderRecord,
    RefundLineRecord,
    RefundRecord,
)
from ecrm_desktop.services.workspace import UserSession, WorkspaceService
from ecrm_desktop.storage.aggregates import refresh_customers
from ecrm_desktop.storage.catalogue_writer import CatalogueWriter
from ecrm_desktop.storage.phone_matching import link_by_phone
from ecrm_desktop.storage.search_index import match_expression, reindex_customers
from ecrm_desktop.storage.store_writer import StoreWriter
from ecrm_desktop.storage.tables import Customer, CustomerIdentity, CustomerOverride, CustomerTag, Note, Store, Tag
from tests.conftest import PASSWORD
from tests.factories import T0, customer, make_store, order


@pytest.fixture
def two_workspaces(tmp_path: Path, workspace_service: WorkspaceService) -> Iterator[tuple[UserSession, UserSession]]:
    a = workspace_service.create(tmp_path / "a", "admin", PASSWORD)
    b = workspace_service.create(tmp_path / "b", "admin", PASSWORD)
    yield a, b
    a.close()
    b.close()


def _products(rng: random.Random) -> list[ProductRecord]:
    return [ProductRecord(external_id=f"p{i}", title=f"Product {i}", created_at=T0, updated_at=T0, currency="USD",
                          category=rng.choice(["Shoes", "Books", None]), vendor="V",
                          variants=tuple(VariantRecord(f"p{i}v{v}", f"Size {v}", 1000 + v, f"SKU{i}{v}",
                                                       rng.randint(0, 9)) for v in range(2)))
            for i in range(6)]


def _customer(rng: random.Random, i: int, step: int) -> CustomerRecord:
    # a small pool of emails and phones, so some records meet people already known
    email = rng.choice([f"person{rng.randint(0, 14)}@example.com", f"Person{rng.randint(0, 14)}@Example.com ",
                        None])
    return CustomerRecord(
        external_id=f"c{i}", created_at=T0 + timedelta(days=rng.randint(0, 40)),
        updated_at=T0 + timedelta(days=50 + step), first_name=f"F{step}", last_name=rng.choice(["Lee", "Kim", None]),
        email=email, phone=rng.choice([None, f"+1 555 010 {rng.randint(0, 5):04d}"]),
        tags=tuple(rng.sample(["VIP", "wholesale", " newsletter ", ""], rng.randint(0, 3))),
        addresses=tuple(AddressRecord(city=rng.choice(["Oslo", "Lima"]), country=rng.choice(["NO", "PE"]),
                                      is_default=rng.random() < 0.5) for _ in range(rng.randint(0, 2))))


def _order(rng: random.Random, i: int, step: int, products: list[ProductRecord]) -> OrderRecord:
    lines = []
    for n in range(rng.randint(1, 3)):
        p = rng.choice(products)
        lines.append(LineRecord(f"o{i}l{n}", p.title, rng.randint(1, 3), rng.randint(500, 9000), sku="S",
                                product_external_id=rng.choice([p.external_id, "missing", None]),
                                variant_external_id=rng.choice([p.variants[0].external_id, "nope", None]),
                                category=p.category))
    refunds = tuple(RefundRecord(f"o{i}r{k}", T0 + timedelta(days=60), 300, "size",
                                 lines=(RefundLineRecord(lines[0].external_id, 1, 300),
                                        RefundLineRecord("unknown-line", 1, 10)))
                    for k in range(rng.randint(0, 2)))
    made = order(f"o-{i}", f"c{rng.randint(0, 19)}", rng.randint(0, 90), tuple(lines),
                 email=rng.choice([None, f"person{rng.randint(0, 14)}@example.com"]), refunds=refunds,
                 discount_codes=tuple(rng.choice([(), ("A",), ("A", "B", "A")])),
                 cancelled_at=T0 + timedelta(days=99) if rng.random() < 0.1 else None,
                 fulfillments=(FulfillmentRecord(f"f{i}", ShipmentStatus.IN_TRANSIT, "UPS", f"1Z{i}",
                                                 shipped_at=T0 + timedelta(days=3)),) if rng.random() < 0.5 else ())
    return replace(made, updated_at=T0 + timedelta(days=100 + step))


def _pages(seed: int) -> list[tuple[str, list[Any]]]:
    """Pages of every kind in a random order, with repeats, updates and records naming each other."""
    rng = random.Random(seed)
    products = _products(rng)
    pages: list[tuple[str, list[Any]]] = [("products", products[:4])]
    for step in range(14):
        kind = rng.choice(["customers", "customers", "orders", "orders", "checkouts", "products"])
        if kind == "customers":
            page: list[Any] = [_customer(rng, rng.randint(0, 19), step) for _ in range(rng.randint(1, 8))]
        elif kind == "orders":
            page = [_order(rng, rng.randint(0, 24), step, products) for _ in range(rng.randint(1, 8))]
        elif kind == "checkouts":
            page = [CheckoutRecord(f"k{rng.randint(0, 5)}", T0, T0 + timedelta(days=step), "USD", 100 * step,
                                   email=rng.choice([None, "person3@example.com"]),
                                   customer_external_id=rng.choice([None, "c1", "c99"])) for _ in range(3)]
        else:
            page = [replace(rng.choice(products), title=f"T{step}") for _ in range(3)]
        pages.append((kind, page))
    return pages


def _write(s: Session, store: Store, kind: str, records: Sequence[Any]) -> None:
    if kind == "customers":
        link_by_phone(s, store, records)
        StoreWriter(s, store).upsert_customers(records)
    elif kind == "orders":
        StoreWriter(s, store, 1.1).upsert_orders(records)
    elif kind == "checkouts":
        CatalogueWriter(s, store).upsert_checkouts(records)
    else:
        CatalogueWriter(s, store).upsert_products(records)


_DUMP = {
    "customers": "SELECT * FROM customers",
    "identities": "SELECT customer_id, external_id, created_at FROM customer_identities",
    "emails": "SELECT customer_id, email, is_primary FROM customer_emails",
    "addresses": "SELECT customer_id, city, country, is_default FROM addresses",
    "tags": "SELECT ct.customer_id, t.name, ct.source FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id",
    "categories": "SELECT cc.customer_id, c.name, cc.orders_count, cc.items, cc.last_ordered_at "
                  "FROM customer_categories cc JOIN categories c ON c.id = cc.category_id",
    "orders": "SELECT * FROM orders",
    "lines": "SELECT o.external_id, l.external_id, p.external_id, v.external_id, c.name, l.title, l.quantity, "
             "l.total_cents FROM order_lines l JOIN orders o ON o.id = l.order_id "
             "LEFT JOIN products p ON p.id = l.product_id LEFT JOIN product_variants v ON v.id = l.variant_id "
             "LEFT JOIN categories c ON c.id = l.category_id",
    "discounts": "SELECT o.external_id, d.code FROM order_discount_codes d JOIN orders o ON o.id = d.order_id",
    "fulfilments": "SELECT o.external_id, f.external_id, f.status, f.shipped_at FROM fulfillments f "
                   "JOIN orders o ON o.id = f.order_id",
    "refunds": "SELECT o.external_id, r.external_id, l.external_id, rl.quantity, rl.restock FROM refunds r "
               "JOIN orders o ON o.id = r.order_id LEFT JOIN refund_lines rl ON rl.refund_id = r.id "
               "LEFT JOIN order_lines l ON l.id = rl.order_line_id",
    "products": "SELECT p.external_id, p.title, c.name, v.external_id, v.inventory_quantity FROM products p "
                "JOIN product_variants v ON v.product_id = p.id LEFT JOIN categories c ON c.id = p.category_id",
    "checkouts": "SELECT external_id, customer_id, email, total_cents, updated_at FROM abandoned_checkouts",
}


def _dump(session: UserSession) -> dict[str, list[tuple[Any, ...]]]:
    with session.workspace.sessions() as s:
        out = {name: sorted((tuple(r) for r in s.execute(text(q))), key=repr) for name, q in _DUMP.items()}
        # what searches find is what the search documents hold: names, emails, phones, tags, order numbers
        probes = [f"F{step}" for step in range(14)] + ["person3", "555", "VIP", "newsletter", "Lee"]
        probes += [number.lstrip("#") for number in s.execute(text("SELECT number FROM orders")).scalars()]
        for probe in probes:
            out[f"search {probe}"] = sorted(s.execute(text(
                "SELECT rowid FROM customer_search WHERE customer_search MATCH :q"),
                {"q": match_expression(probe)}).scalars())
        return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_page_written_at_once_equals_its_records_written_one_by_one(
        two_workspaces: tuple[UserSession, UserSession], seed: int) -> None:
    at_once, one_by_one = two_workspaces
    for session in (at_once, one_by_one):
        with session.workspace.sessions() as s, s.begin():
            make_store(s, "Shop")
    pages = _pages(seed)
    for kind, records in pages:
        with at_once.workspace.sessions() as s, s.begin():
            _write(s, s.execute(select(Store)).scalar_one(), kind, records)
        with one_by_one.workspace.sessions() as s, s.begin():
            store = s.execute(select(Store)).scalar_one()
            if kind == "customers":  # the runner matches a page by phone before it writes any of it
                for rec in records:
                    link_by_phone(s, store, [rec])
                for rec in records:
                    StoreWriter(s, store).upsert_customers([rec])
            else:
                for rec in records:
                    _write(s, store, kind, [rec])
    got, expected = _dump(at_once), _dump(one_by_one)
    assert got.keys() == expected.keys()
    for name in expected:
        assert got[name] == expected[name], name
    assert expected["orders"] and expected["refunds"] and expected["tags"] and expected["categories"]
    with at_once.workspace.sessions() as s, s.begin():  # the documents were current: rebuilding changes nothing
        reindex_customers(s, s.execute(select(Customer.id)).scalars())
        refresh_customers(s, s.execute(select(Customer.id)).scalars())
    assert _dump(at_once) == got


def test_counts_say_created_and_updated_as_one_by_one_would(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        store = make_store(s)
        writer = StoreWriter(s, store)
        # the second record repeats the first; the third shares its email: one customer, two accounts
        assert writer.upsert_customers([customer("1", "a@example.com"), customer("1", "a@example.com"),
                                        customer("2", "A@example.com")]) == (1, 2)
        line = (LineRecord("l", "Boot", 1, 100),)
        assert writer.upsert_orders([order("o-1", "1", 1, line), order("o-1", "1", 2, line),
                                     order("o-2", "2", 3, line)]) == (2, 1)
        c = s.execute(select(Customer)).scalar_one()
        assert (c.orders_count, c.total_spent_cents) == (2, 200)


def test_news_of_a_placed_cart_only_completes_a_known_checkout(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        store = make_store(s)
        writer = CatalogueWriter(s, store)
        assert writer.upsert_checkouts([CheckoutRecord("k1", T0, T0, "USD", 500)]) == (1, 0)
        placed = T0 + timedelta(hours=2)
        assert writer.upsert_checkouts([
            CheckoutRecord("k1", T0, placed, "USD", 500, completed_at=placed, update_only=True),
            CheckoutRecord("k2", T0, placed, "USD", 700, completed_at=placed, update_only=True)]) == (0, 1)
        rows = s.execute(text("SELECT external_id, completed_at IS NOT NULL FROM abandoned_checkouts")).all()
        assert [tuple(r) for r in rows] == [("k1", 1)]


def test_store_updates_leave_what_ecrm_owns(user_session: UserSession) -> None:
    with user_session.workspace.sessions() as s, s.begin():
        store = make_store(s)
        StoreWriter(s, store).upsert_customers([customer("1", "ada@example.com")])
        cid = s.execute(select(Customer.id)).scalar_one()
        loyal = Tag(name="loyal")
        s.add_all([loyal, Note(customer_id=cid, body="Prefers phone calls"),
                   CustomerOverride(customer_id=cid, field="first_name", value="Augusta")])
        s.flush()
        s.add(CustomerTag(customer_id=cid, tag_id=loyal.id, source=TagSource.ECRM))
    with user_session.workspace.sessions() as s, s.begin():
        store = s.execute(select(Store)).scalar_one()
        StoreWriter(s, store).upsert_customers([replace(customer("1", "ada@example.com", "Ada", "King"),
                                                        tags=("wholesale", "loyal"))])
    with user_session.workspace.sessions() as s:
        tags = set(s.execute(select(Tag.name, CustomerTag.source).join(CustomerTag)).all())
        assert tags == {("loyal", TagSource.ECRM), ("wholesale", TagSource.STORE)}
        assert s.execute(select(Note.body)).scalar_one() == "Prefers phone calls"
        assert s.execute(select(CustomerOverride.value)).scalar_one() == "Augusta"
        assert s.execute(select(Customer.last_name)).scalar_one() == "King"


def test_a_phone_links_only_one_unambiguous_person(user_session: UserSession) -> None:
    def person(ext: str, email: str, phone: str, last: str = "Lovelace") -> CustomerRecord:
        return replace(customer(ext, email, "Ada", last), phone=phone)

    with user_session.workspace.sessions() as s, s.begin():
        home, other = make_store(s, "Home"), make_store(s, "Other")
        StoreWriter(s, home).upsert_customers([
            person("1", "one@example.com", "+44 20 7946 0001"),
            person("2", "two@example.com", "+44 20 7946 0002"), person("3", "three@example.com", "+44 20 7946 0002"),
            person("4", "four@example.com", "+44 (20) 7946-0004")])
        page = [person("a", "new-a@example.com", "0044 20 7946 0001"),  # digits differ from +44...: no match
                person("b", "new-b@example.com", "+44 20 7946 0002"),  # two people have it: ambiguous
                person("c", "new-c@example.com", "+44 20 7946 0004"),  # one person: linked
                person("d", "new-d@example.com", "+44 20 7946 0004"),  # the same person, now known to Other
                person("e", "one@example.com", "+44 20 7946 0004"),  # matched by email instead
                person("f", "new-f@example.com", "+44 20 7946 0001", last="Byron")]  # another last name
        assert link_by_phone(s, other, page) == 1
        linked = s.execute(select(CustomerIdentity.external_id, Customer.email).join(Customer)
                           .where(CustomerIdentity.store_id == other.id)).all()
        assert linked == [("c", "four@example.com")]
        assert link_by_phone(s, home, [person("z", "z@example.com", "+44 20 7946 0004")]) == 0  # already in Home
