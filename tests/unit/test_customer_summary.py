from datetime import UTC, datetime

from ecrm_desktop.domain.customers import EXPORT_FIELDS, CustomerSummary, Source
from ecrm_desktop.domain.enums import ConsentState


def _summary(**kw: object) -> CustomerSummary:
    base: dict[str, object] = dict(
        id=7, email="ada@example.com", first_name="Ada", last_name="Lovelace", phone=None, country="GB",
        city="London", tags=("VIP", "wholesale"), email_consent=ConsentState.PENDING, orders_count=3,
        total_spent_cents=123456, aov_cents=41152, first_order_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        last_order_at=None, created_at=datetime(2023, 5, 6, tzinfo=UTC),
        sources=(Source("shopify", "Northwind", "gid-1"), Source("woocommerce", "EU", "17")))
    base.update(kw)
    return CustomerSummary(**base)  # type: ignore[arg-type]


def test_export_fields_follow_cli_contract() -> None:
    fields = _summary().export_fields()
    assert tuple(fields) == EXPORT_FIELDS
    assert fields["amount_spent"] == 1234.56 and fields["average_order_value"] == 411.52
    assert fields["email_subscription_status"] == "PENDING"
    assert fields["first_order_date"] == "2024-01-02T03:04:05Z" and fields["last_order_date"] is None
    assert fields["sources"][1] == {"platform": "woocommerce", "store": "EU", "external_id": "17"}


def test_display_name_falls_back_to_email_then_id() -> None:
    assert _summary().display_name == "Ada Lovelace"
    assert _summary(first_name=None, last_name=None).display_name == "ada@example.com"
    assert _summary(first_name=None, last_name=None, email=None).display_name == "Customer 7"
