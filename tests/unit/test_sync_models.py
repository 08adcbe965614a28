"""Payload models: anonymised WooCommerce records link to nobody; bad records give a readable reason."""

from __future__ import annotations

from ecrm_desktop.sync import woocommerce_models as woo
from ecrm_desktop.sync.pages import validate

ORDER = {"id": 7, "number": "7", "status": "completed", "currency": "eur", "total": "12.50",
         "date_created_gmt": "2026-01-02T03:04:05", "date_modified_gmt": "2026-01-03T03:04:05",
         "billing": {"first_name": "[deleted]", "email": "deleted@site.invalid"},
         "line_items": [{"id": 1, "name": "Mug", "quantity": 2, "subtotal": "12.50", "total": "12.50"}]}


def test_an_order_the_personal_data_eraser_anonymised_has_no_email() -> None:
    [record], quarantined = validate([{"order": ORDER}], woo.WooOrder, woo.order_record, "order")
    assert quarantined == [] and record.email is None  # type: ignore[union-attr]
    assert (record.currency, record.total_cents) == ("EUR", 1250)  # type: ignore[union-attr]


def test_an_anonymised_customer_has_no_email() -> None:
    [record], _ = validate([{"id": 3, "email": "deleted@site.invalid", "date_created_gmt": "2026-01-02T03:04:05"}],
                           woo.Customer, woo.customer_record)
    assert record.email is None  # type: ignore[union-attr]


def test_a_record_failing_validation_is_quarantined_with_the_field_and_reason() -> None:
    records, [q] = validate([{"order": {**ORDER, "total": None}}], woo.WooOrder, woo.order_record, "order")
    assert records == [] and q.external_id == "7" and q.reason.startswith("order.total:")
    assert '"id": 7' in q.payload
