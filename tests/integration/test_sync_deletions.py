"""Deletions and anonymisations in the store reach the workspace on both platforms: orders go with their children
and their customer's figures follow; a customer erased in the store loses the store's personal data, and stays
only as a blank record when ecrm holds notes about them; deleted products go. Reconciliation runs when due."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from ecrm_desktop.domain.enums import Platform
from ecrm_desktop.services.secrets import SecretStore
from ecrm_desktop.services.workspace import UserSession
from ecrm_desktop.storage.deletions import DELETED_TAG
from ecrm_desktop.storage.tables import (
    Address,
    Customer,
    CustomerIdentity,
    CustomerOverride,
    Note,
    Order,
    OrderLine,
    Product,
)
from ecrm_desktop.sync.emulator.shopify_api import Bucket
from tests.sync_support import connect, dump, emulator, expected_orders, run_sync, sample_store

NOW = {"reconcile_every": timedelta(0)}


def _customer_of(session: UserSession, external_id: str) -> Customer | None:
    with session.workspace.sessions() as s:
        return s.execute(select(Customer).join(CustomerIdentity, CustomerIdentity.customer_id == Customer.id)
                         .where(CustomerIdentity.external_id == external_id)).scalar()


def _search(session: UserSession, word: str) -> list[int]:
    with session.workspace.sessions() as s:
        return list(s.execute(text("SELECT rowid FROM customer_search WHERE customer_search MATCH :q"),
                              {"q": f'"{word}"'}).scalars())


@pytest.mark.parametrize(("platform", "bulk_threshold"), [(Platform.SHOPIFY, 10**9), (Platform.SHOPIFY, 1),
                                                         (Platform.WOOCOMMERCE, 10**9)],
                         ids=["shopify", "shopify-bulk", "woocommerce"])
def test_deletions_and_erasures_in_the_store_are_applied(user_session: UserSession, secrets: SecretStore,
                                                         platform: Platform, bulk_threshold: int) -> None:
    """With a bulk threshold of 1, Shopify's ids come from bulk exports."""
    store = sample_store(16)
    orders_of: dict[str, list[str]] = {}
    for o in store.snapshot("orders"):
        orders_of.setdefault(str(o.customer_external_id), []).append(o.external_id)
    noted, buyer = [c for c, orders in orders_of.items() if len(orders) >= 2][:2]
    plain = next(c.external_id for c in store.snapshot("customers") if c.external_id not in orders_of)
    with emulator(store, platform, bucket=Bucket(restore_rate=20_000.0)) as server:  # throttling is tested elsewhere
        connect(user_session, secrets, server, platform)
        assert run_sync(user_session, secrets, **NOW, bulk_threshold=bulk_threshold)["status"] == "complete"
        kept = _customer_of(user_session, noted)
        assert kept is not None and _search(user_session, str(kept.last_name))
        with user_session.workspace.sessions() as s, s.begin():
            s.add(Note(customer_id=kept.id, body="Prefers phone calls"))
            s.add(CustomerOverride(customer_id=kept.id, field="email", value="private@example.com"))
        before = _customer_of(user_session, buyer)
        assert before is not None

        store.delete("orders", orders_of[buyer][0])
        store.anonymise(noted)
        store.delete("customers", plain)
        product = store.snapshot("products")[0].external_id
        store.delete("products", product)
        report = run_sync(user_session, secrets, **NOW, bulk_threshold=bulk_threshold)
        assert report["status"] == "complete" and report["stores"][0]["deleted"] == 4
        if bulk_threshold == 1:  # 1st sync: records and ids of products, customers, orders; 2nd: their ids
            assert server.api.bulk.started == 3 + 3 + 3  # type: ignore[attr-defined]

    after = dump(user_session)
    assert after["orders"] == expected_orders(store)
    with user_session.workspace.sessions() as s:
        assert s.execute(select(func.count()).select_from(OrderLine).join(Order).where(
            Order.external_id == orders_of[buyer][0])).scalar() == 0
        assert s.execute(select(Product).where(Product.external_id == product)).scalar() is None
        blank = s.get_one(Customer, kept.id)
        assert (blank.first_name, blank.last_name, blank.email, blank.phone) == (None, None, None, None)
        assert s.execute(select(Address).where(Address.customer_id == kept.id)).first() is None
        assert s.execute(select(Note.body).where(Note.customer_id == kept.id)).scalar() == "Prefers phone calls"
        assert s.execute(select(CustomerOverride).where(CustomerOverride.customer_id == kept.id)).first() is None
        assert s.execute(select(Order.id).where(Order.customer_id == kept.id)).first() is None
    assert _customer_of(user_session, noted) is None and _customer_of(user_session, plain) is None
    assert _search(user_session, str(kept.last_name)) == [] and _search(user_session, "Deleted") == [kept.id]
    assert DELETED_TAG == "Deleted in store"
    assert len(after["customers"]) == 16 - 2
    buyer_now = _customer_of(user_session, buyer)
    assert buyer_now is not None and buyer_now.orders_count == before.orders_count - 1


def test_reconciliation_waits_until_it_is_due(user_session: UserSession, secrets: SecretStore) -> None:
    store = sample_store(6)
    with emulator(store, Platform.WOOCOMMERCE) as server:
        connect(user_session, secrets, server, Platform.WOOCOMMERCE)
        assert run_sync(user_session, secrets)["status"] == "complete"
        gone = store.snapshot("orders")[0].external_id
        store.delete("orders", gone)
        assert run_sync(user_session, secrets)["stores"][0]["deleted"] == 0  # the first pass counted as one
        assert any(r[1] == gone for r in dump(user_session)["orders"])
        assert run_sync(user_session, secrets, **NOW)["stores"][0]["deleted"] == 1
        assert dump(user_session)["orders"] == expected_orders(store)


def test_a_customer_erased_in_one_store_keeps_what_another_store_knows(user_session: UserSession,
                                                                       secrets: SecretStore) -> None:
    shop, woo = sample_store(5, name="Shop"), sample_store(5, name="Woo", id_base=5000)  # the same five people
    index = next(i for i in range(5) if any(o.customer_external_id == str(1000 + i) for o in shop.orders.values()))
    in_shop, in_woo = str(1000 + index), str(5000 + index)
    with (emulator(shop, Platform.SHOPIFY, bucket=Bucket(restore_rate=20_000.0)) as shop_server,
          emulator(woo, Platform.WOOCOMMERCE) as woo_server):
        connect(user_session, secrets, shop_server, Platform.SHOPIFY, name="Shop")
        connect(user_session, secrets, woo_server, Platform.WOOCOMMERCE, name="Woo")
        assert run_sync(user_session, secrets, **NOW)["status"] == "complete"
        person = _customer_of(user_session, in_shop)
        assert person is not None and person.id == getattr(_customer_of(user_session, in_woo), "id", None)
        shop.anonymise(in_shop)
        assert run_sync(user_session, secrets, **NOW)["stores"][0]["deleted"] == 1
    assert _customer_of(user_session, in_shop) is None
    still = _customer_of(user_session, in_woo)
    assert still is not None and (still.id, still.email) == (person.id, person.email)
    woo_orders = sum(o.customer_external_id == in_woo for o in woo.snapshot("orders"))
    assert still.orders_count == woo_orders < person.orders_count  # the erased store's orders no longer count
    assert _search(user_session, str(person.last_name)) == [person.id]
