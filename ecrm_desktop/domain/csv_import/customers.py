"""Customer rows (Shopify's customer export or a mapped CSV) as `CustomerRecord`s, one per row.

A customer is known to the import by its id column when the file has one, else by its email, else by its phone;
a later row naming a customer (or an email) already seen is a duplicate and rejected. Shopify's "Total Spent"
and "Total Orders" are not read: ecrm computes them from the orders (import the order export for them).
"""

from __future__ import annotations

from datetime import datetime

from ecrm_desktop.domain.csv_import import values
from ecrm_desktop.domain.csv_import.mapping import ColumnMapping, ImportKind, is_shopify_export
from ecrm_desktop.domain.csv_import.parsed import Cells, Parsed, Rejection
from ecrm_desktop.domain.csv_import.text import CsvText
from ecrm_desktop.domain.csv_import.values import BadValue
from ecrm_desktop.domain.enums import ConsentState
from ecrm_desktop.domain.records import AddressRecord, CustomerRecord

ADDRESS_FIELDS = ("company", "address1", "address2", "city", "province_code", "country_code", "zip")


def read_customers(csv: CsvText, mapping: ColumnMapping, now: datetime) -> Parsed[CustomerRecord]:
    """Every row as a customer record or a rejection; `now` stands for the time of customers without a date."""
    cells = Cells(csv.header, mapping)
    records: list[tuple[int, CustomerRecord]] = []
    rejections: list[Rejection] = []
    seen: dict[tuple[str, str], int] = {}  # (what, value) -> the row that had it first
    for row in csv.rows:
        try:
            record = _customer(cells.of(row), cells, mapping, now)
            keys = _keys(record)
            for key in keys:
                if key in seen:
                    raise BadValue(f"duplicate of row {seen[key]} (same {key[0]})")
        except BadValue as exc:
            rejections.append(Rejection(row.number, str(exc)))
            continue
        seen.update((key, row.number) for key in keys)
        records.append((row.number, record))
    return Parsed(ImportKind.CUSTOMERS, csv.header, mapping, csv.encoding, csv.delimiter,
                  is_shopify_export(ImportKind.CUSTOMERS, csv.header), len(csv.rows), tuple(records),
                  tuple(rejections))


def _keys(record: CustomerRecord) -> list[tuple[str, str]]:
    """What tells this customer apart, each of which a later row may not repeat."""
    keys = [("email", record.email)] if record.email else []
    if record.external_id.startswith("phone:"):
        keys.append(("phone", record.external_id))
    elif record.external_id != record.email:
        keys.append(("customer id", record.external_id))
    return keys


def _customer(c: dict[str, str], cells: Cells, mapping: ColumnMapping, now: datetime) -> CustomerRecord:
    email = values.email(c["email"], cells.column("email")) if c.get("email") else None
    phone = c.get("phone", "").lstrip("'") or None  # Excel users prefix + numbers with an apostrophe
    identity = c.get("external_id") or email or (f"phone:{phone}" if phone else "")
    if not identity:
        raise BadValue("has no email, phone or customer id to tell the customer apart")
    if len(identity) > 100:
        raise BadValue(f"{cells.column('external_id')}: the customer id is longer than 100 characters")
    created = (values.moment(c["created_at"], cells.column("created_at"), mapping.date_format)
               if c.get("created_at") else now)
    subscribed = values.flag(c.get("accepts_email_marketing", ""), cells.column("accepts_email_marketing"))
    country = (values.country_code(c["country_code"], cells.column("country_code"))
               if c.get("country_code") else None)
    address = AddressRecord(address1=c.get("address1") or None, address2=c.get("address2") or None,
                            city=c.get("city") or None, region=c.get("province_code") or None,
                            postal_code=c.get("zip") or None, country=country, company=c.get("company") or None,
                            is_default=True)
    has_address = any(c.get(name) for name in ADDRESS_FIELDS)
    return CustomerRecord(
        external_id=identity, created_at=created, updated_at=max(created, now),
        first_name=c.get("first_name") or None, last_name=c.get("last_name") or None, email=email, phone=phone,
        email_consent=ConsentState.SUBSCRIBED if subscribed else ConsentState.NOT_SUBSCRIBED,
        tags=values.tags(c.get("tags", "")), addresses=(address,) if has_address else ())
