"""The CSV readers on Shopify export samples and messy files: encodings, delimiters, mappings, per-row reasons."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecrm_desktop.domain.csv_import import ColumnMapping, ImportKind, guess, parse_mapping, read_csv, read_file
from ecrm_desktop.domain.enums import ConsentState, FinancialStatus, FulfillmentStatus
from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.domain.records import CustomerRecord, OrderRecord

SAMPLES = Path(__file__).parent.parent / "data" / "csv_import"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def customers(data: bytes, mapping: ColumnMapping | None = None) -> tuple[dict[str, CustomerRecord], dict[int, str],
                                                                          str]:
    parsed = read_file(data, ImportKind.CUSTOMERS, mapping, currency="USD", now=NOW)
    records = {r.email or r.external_id: r for _, r in parsed.records if isinstance(r, CustomerRecord)}
    return records, {r.row: r.reason for r in parsed.rejections}, parsed.encoding


def orders(data: bytes, mapping: ColumnMapping | None = None) -> tuple[dict[str, OrderRecord], dict[int, str]]:
    parsed = read_file(data, ImportKind.ORDERS, mapping, currency="USD", now=NOW)
    assert all(isinstance(r, OrderRecord) for _, r in parsed.records)
    return {r.number: r for _, r in parsed.records if isinstance(r, OrderRecord)}, \
        {r.row: r.reason for r in parsed.rejections}


def test_shopify_customer_export() -> None:
    data = (SAMPLES / "shopify_customers.csv").read_bytes()
    records, rejected, encoding = customers(data)
    assert encoding == "utf-8"
    assert sorted(records) == ["ada@example.com", "elodie@example.fr", "grace@example.com", "soren@example.dk"]
    ada = records["ada@example.com"]
    assert (ada.external_id, ada.first_name, ada.phone, ada.email_consent) == (
        "7001234567890", "Ada", "+44 20 7946 0000", ConsentState.SUBSCRIBED)
    assert ada.tags == ("VIP", "newsletter")
    assert ada.addresses[0].city == "London" and ada.addresses[0].country == "GB"
    assert ada.addresses[0].company == "Analytical Engines Ltd" and ada.addresses[0].postal_code == "SW1Y 4JH"
    assert records["soren@example.dk"].addresses[0].city == "København"
    assert records["elodie@example.fr"].phone == "+33 1 23 45 67 89"  # Excel's leading apostrophe dropped
    assert records["grace@example.com"].email_consent is ConsentState.NOT_SUBSCRIBED
    # Ada's note spans two lines inside quotes, yet rows are numbered as a spreadsheet shows them
    assert rejected == {5: "Email: 'not-an-email' is not an email address", 6: "duplicate of row 2 (same email)"}


def test_byte_order_marks_and_utf16_read_alike() -> None:
    data = (SAMPLES / "shopify_customers.csv").read_bytes()
    plain = customers(data)[:2]
    assert customers(codecs.BOM_UTF8 + data)[2] == "utf-8-sig"
    assert customers(codecs.BOM_UTF8 + data)[:2] == plain
    text = data.decode("utf-8")
    assert customers(text.encode("utf-16"))[:2] == plain
    assert customers(text.encode("utf-16-le"))[2] == "utf-16-le"


def test_legacy_export_in_windows_1252() -> None:
    records, rejected, encoding = customers((SAMPLES / "shopify_customers_legacy_cp1252.csv").read_bytes())
    assert encoding == "cp1252"
    assert records["jose@example.es"].first_name == "José" and records["jose@example.es"].last_name == "Muñoz"
    assert records["zoe@example.co.uk"].tags == ("café", "vip")
    assert records["jose@example.es"].email_consent is ConsentState.SUBSCRIBED  # the older "Accepts Marketing"
    assert rejected == {4: "has no email, phone or customer id to tell the customer apart"}


def test_a_row_with_broken_bytes_is_rejected_alone() -> None:
    data = (b"Email,First Name\nana@example.com,Ana\n" + b"bo@example.com,B\xf6rje\n"
            + "cy@example.com,Cyrille Ł\n".encode())
    records, rejected, encoding = customers(data)
    assert encoding == "utf-8" and sorted(records) == ["ana@example.com", "cy@example.com"]
    assert "broken encoding" in rejected[3]


def test_semicolons_mapping_dates_and_decimal_commas() -> None:
    data = (b"Bestellung;Datum;Summe;Kunde;Artikel;Menge;Preis\n"
            b"A-1;05.03.2024;1.234,50;kim@example.de;Lampe;2;617,25\n"
            b"A-2;31.02.2024;10,00;kim@example.de;Kerze;1;10,00\n")
    with pytest.raises(UsageError, match="no column for 'Name', 'Created at', 'Total'"):
        orders(data)
    mapping = parse_mapping('date_format = "%d.%m.%Y"\ndecimal_comma = true\n[columns]\nnumber = "Bestellung"\n'
                            'created_at = "Datum"\ntotal = "Summe"\nemail = "Kunde"\nlineitem_name = "Artikel"\n'
                            'lineitem_quantity = "Menge"\nlineitem_price = "Preis"\n', ".toml")
    records, rejected = orders(data, mapping)
    order = records["A-1"]
    assert order.total_cents == 123450 and order.created_at == datetime(2024, 3, 5, tzinfo=UTC)
    assert order.lines[0].quantity == 2 and order.lines[0].unit_price_cents == 61725
    assert rejected == {3: "Datum: '31.02.2024' is not a date like 05.03.2024"}


def test_shopify_order_export_with_line_items_spanning_rows() -> None:
    records, rejected = orders((SAMPLES / "shopify_orders.csv").read_bytes())
    first = records["#1001"]
    assert first.external_id == "5100000000001" and first.currency == "GBP" and first.total_cents == 12500
    assert [(ln.title, ln.quantity, ln.unit_price_cents, ln.sku) for ln in first.lines] == [
        ("Tea cup, porcelain", 2, 3000, "TC-01"), ("Teapot", 1, 4000, "TP-01")]
    assert first.discount_codes == ("SPRING10",) and first.shipping_country == "GB"
    assert first.financial_status is FinancialStatus.PAID and first.fulfillment_status is FulfillmentStatus.FULFILLED
    assert first.created_at == datetime(2024, 3, 5, 14, 2, 11, tzinfo=UTC)
    refunded = records["#1002"]
    assert refunded.refunded_cents == 2000 and refunded.created_at == datetime(2024, 4, 1, 14, tzinfo=UTC)
    voided = records["#1004"]
    assert voided.total_cents == 120000 and voided.cancelled_at is not None and voided.email is None
    assert "#1003" not in records  # malformed date on its first row: the whole order is rejected
    assert rejected == {5: "Created at: 'last tuesday' is not an ISO 8601 date",
                        6: "belongs to order #1003, rejected on row 5", 7: "duplicate of row 3"}


def test_missing_required_columns_fail_the_file() -> None:
    with pytest.raises(UsageError, match="'Total'"):
        orders(b"Name,Created at\n#1,2024-01-01\n")
    with pytest.raises(UsageError, match="Email' or 'Phone"):
        customers(b"First Name,Last Name\nAda,Lovelace\n")
    with pytest.raises(UsageError, match="empty"):
        customers(b"")


def test_extra_cells_and_bad_values_are_reported_per_row() -> None:
    data = (b"Email,Accepts Email Marketing,Country Code\n"
            b"a@example.com,maybe,GB\nb@example.com,yes,Atlantis\nc@example.com,no,GB,extra\nd@example.com,no,de\n")
    records, rejected, _ = customers(data)
    assert sorted(records) == ["d@example.com"] and records["d@example.com"].addresses[0].country == "DE"
    assert rejected == {2: "Accepts Email Marketing: 'maybe' is neither yes nor no",
                        3: "Country Code: 'Atlantis' is not a country name or ISO code",
                        4: "has 4 cells where the header names 3 columns"}


def test_guess_reads_generic_headers_and_mapping_files_are_checked() -> None:
    mapping = guess(ImportKind.CUSTOMERS, ["E-Mail", "Firstname", "Surname", "Mobile", "Postcode"])
    assert dict(mapping.columns) == {"email": "E-Mail", "first_name": "Firstname", "last_name": "Surname",
                                     "phone": "Mobile", "zip": "Postcode"}
    json_mapping = parse_mapping('{"columns": {"email": "Mail address"}}', ".json")
    assert customers(b"Mail address\nx@example.com\n", json_mapping)[0].keys() == {"x@example.com"}
    with pytest.raises(UsageError, match="does not have: Nope"):
        customers(b"Email\nx@example.com\n", ColumnMapping({"email": "Nope"}))
    with pytest.raises(UsageError, match="ecrm does not import"):
        customers(b"Email\nx@example.com\n", ColumnMapping({"shoe_size": "Email"}))
    with pytest.raises(UsageError, match="not valid TOML"):
        parse_mapping("columns = [", ".toml")
    assert read_csv(b"a;b\n1;2\n").delimiter == ";" and read_csv(b"a\tb\n1\t2\n").delimiter == "\t"


def test_duplicates_name_what_repeats() -> None:
    _, rejected, _ = customers(b"Customer ID,Email,Phone\n1,a@x.com,\n1,b@x.com,\n2,a@x.com,\n,,+1 555 0100\n"
                               b",,+1 555 0100\n,c@x.com,+1 555 0100\n")
    assert rejected == {3: "duplicate of row 2 (same customer id)", 4: "duplicate of row 2 (same email)",
                        6: "duplicate of row 5 (same phone)"}  # row 7 shares a phone, not an identity: kept
