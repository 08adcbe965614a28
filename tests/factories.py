"""Small builders of store records for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ecrm_desktop.domain.enums import ConsentState, FinancialStatus, FulfillmentStatus, Platform
from ecrm_desktop.domain.records import AddressRecord, CustomerRecord, LineRecord, OrderRecord
from ecrm_desktop.storage.tables import Store

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def make_store(session, name: str = "Test Shop", currency: str = "USD") -> Store:  # type: ignore[no-untyped-def]
    store = Store(name=name, platform=Platform.SHOPIFY, url="https://test.example", currency=currency)
    session.add(store)
    session.flush()
    return store


def customer(ext: str, email: str, first: str = "Ada", last: str = "Lovelace", **kw: object) -> CustomerRecord:
    return CustomerRecord(
        external_id=ext, created_at=T0, updated_at=T0, first_name=first, last_name=last, email=email,
        phone="+44 20 7946 0000", email_consent=ConsentState.SUBSCRIBED, email_consent_at=T0,
        tags=("VIP",), addresses=(AddressRecord(city="London", country="GB", is_default=True),), **kw)  # type: ignore[arg-type]


def order(ext: str, customer_ext: str, day: int, lines: tuple[LineRecord, ...], **kw: object) -> OrderRecord:
    total = sum(ln.total_cents for ln in lines)
    return OrderRecord(
        external_id=ext, number=f"#{1000 + int(ext.rsplit('-', maxsplit=1)[-1])}", created_at=T0 + timedelta(days=day),
        updated_at=T0 + timedelta(days=day), currency="USD", total_cents=total, subtotal_cents=total,
        financial_status=FinancialStatus.PAID, fulfillment_status=FulfillmentStatus.FULFILLED,
        customer_external_id=customer_ext, lines=lines, **kw)  # type: ignore[arg-type]
