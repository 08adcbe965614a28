"""Which column of a CSV file holds which field: the fields ecrm imports, guesses from headers, mapping files.

Each field lists the headers it is recognised by, Shopify's export headers first (the current export's and the
older one's), so a Shopify export needs no mapping at all and other files mostly guess right. A mapping file
(TOML or JSON) names the source column of any field the guess misses, and how dates and amounts are written::

    date_format = "%d/%m/%Y"     # strptime form; default: Shopify's own and ISO 8601
    decimal_comma = true         # 1.234,50; default false
    [columns]
    email = "E-Mail"
    first_name = "Vorname"
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ecrm_desktop.domain.errors import UsageError


class ImportKind(StrEnum):
    CUSTOMERS = "customers"
    ORDERS = "orders"


@dataclass(frozen=True)
class TargetField:
    name: str
    label: str
    headers: tuple[str, ...]  # recognised source headers, Shopify's first
    required: bool = False


CUSTOMER_FIELDS = (
    TargetField("external_id", "Customer id", ("Customer ID", "ID", "Customer Id", "customer_id")),
    TargetField("email", "Email", ("Email", "E-mail", "Email Address", "Mail")),
    TargetField("first_name", "First name", ("First Name", "Firstname", "Given Name", "Forename", "Vorname", "Prénom")),
    TargetField("last_name", "Last name", ("Last Name", "Lastname", "Surname", "Family Name", "Nachname", "Nom")),
    TargetField("phone", "Phone", ("Phone", "Default Address Phone", "Telephone", "Mobile", "Phone Number", "Telefon")),
    TargetField("accepts_email_marketing", "Accepts email marketing",
                ("Accepts Email Marketing", "Accepts Marketing", "Newsletter", "Opt In", "Subscribed")),
    TargetField("company", "Company", ("Default Address Company", "Company", "Organisation", "Organization")),
    TargetField("address1", "Address line 1", ("Default Address Address1", "Address1", "Street", "Address")),
    TargetField("address2", "Address line 2", ("Default Address Address2", "Address2")),
    TargetField("city", "City", ("Default Address City", "City", "Town", "Stadt", "Ort", "Ville")),
    TargetField("province_code", "Province / region",
                ("Default Address Province Code", "Province Code", "Province", "State", "Region")),
    TargetField("country_code", "Country", ("Default Address Country Code", "Country Code", "Country", "Land", "Pays")),
    TargetField("zip", "Postal code", ("Default Address Zip", "Zip", "Postal Code", "Postcode", "ZIP Code", "PLZ")),
    TargetField("tags", "Tags", ("Tags", "Labels")),
    TargetField("created_at", "Customer since", ("Created at", "Created", "Signup Date", "Customer Since")),
)

ORDER_FIELDS = (
    TargetField("number", "Order number", ("Name", "Order Number", "Order", "Order No"), required=True),
    TargetField("external_id", "Order id", ("Id", "Order ID", "order_id")),
    TargetField("email", "Email", ("Email", "Customer Email", "E-mail")),
    TargetField("created_at", "Created at", ("Created at", "Order Date", "Date", "Created"), required=True),
    TargetField("financial_status", "Financial status", ("Financial Status", "Payment Status")),
    TargetField("paid_at", "Paid at", ("Paid at",)),
    TargetField("fulfillment_status", "Fulfillment status", ("Fulfillment Status", "Shipping Status")),
    TargetField("currency", "Currency", ("Currency",)),
    TargetField("subtotal", "Subtotal", ("Subtotal",)),
    TargetField("shipping", "Shipping", ("Shipping", "Shipping Cost")),
    TargetField("taxes", "Taxes", ("Taxes", "Tax")),
    TargetField("total", "Total", ("Total", "Order Total", "Amount"), required=True),
    TargetField("discount_code", "Discount code", ("Discount Code", "Coupon")),
    TargetField("discount_amount", "Discount amount", ("Discount Amount", "Discount")),
    TargetField("cancelled_at", "Cancelled at", ("Cancelled at",)),
    TargetField("refunded_amount", "Refunded amount", ("Refunded Amount", "Refunded")),
    TargetField("payment_method", "Payment method", ("Payment Method",)),
    TargetField("source", "Sales channel", ("Source", "Channel")),
    TargetField("shipping_city", "Shipping city", ("Shipping City",)),
    TargetField("shipping_country", "Shipping country", ("Shipping Country",)),
    TargetField("lineitem_name", "Line item name", ("Lineitem name", "Product", "Item")),
    TargetField("lineitem_quantity", "Line item quantity", ("Lineitem quantity", "Quantity", "Qty")),
    TargetField("lineitem_price", "Line item price", ("Lineitem price", "Unit Price", "Price")),
    TargetField("lineitem_sku", "Line item SKU", ("Lineitem sku", "SKU")),
)

FIELDS: dict[ImportKind, tuple[TargetField, ...]] = {ImportKind.CUSTOMERS: CUSTOMER_FIELDS,
                                                      ImportKind.ORDERS: ORDER_FIELDS}
# Columns every Shopify export of the kind has (the current and older customer exports share these).
SHOPIFY_SIGNATURE = {
    ImportKind.CUSTOMERS: {"First Name", "Last Name", "Email", "Total Spent", "Total Orders", "Tax Exempt"},
    ImportKind.ORDERS: {"Name", "Email", "Financial Status", "Lineitem name", "Lineitem quantity", "Created at"},
}


@dataclass(frozen=True)
class ColumnMapping:
    """Target field name -> source column header, and how the file writes dates and amounts."""

    columns: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None
    decimal_comma: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"columns": dict(self.columns), "date_format": self.date_format, "decimal_comma": self.decimal_comma}


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def guess(kind: ImportKind, headers: Sequence[str]) -> ColumnMapping:
    """Each field's source column, by its recognised headers (case, spaces and punctuation ignored); a column
    is given to one field only, the first that claims it."""
    by_key = {_key(h): h for h in reversed(headers) if h}
    taken: set[str] = set()
    columns: dict[str, str] = {}
    for target in FIELDS[kind]:
        for candidate in (target.name, *target.headers):
            source = by_key.get(_key(candidate))
            if source is not None and source not in taken:
                columns[target.name] = source
                taken.add(source)
                break
    return ColumnMapping(columns)


def is_shopify_export(kind: ImportKind, headers: Sequence[str]) -> bool:
    return SHOPIFY_SIGNATURE[kind] <= set(headers)


def parse_mapping(text: str, suffix: str) -> ColumnMapping:
    """A mapping file's content (TOML, or JSON when `suffix` is .json); a malformed one is a usage error."""
    try:
        data = json.loads(text) if suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"The mapping file is not valid {'JSON' if suffix == '.json' else 'TOML'} ({exc}).") from None
    if not isinstance(data, dict):
        raise UsageError("The mapping file must hold a table with a 'columns' table.")
    unknown = set(data) - {"columns", "date_format", "decimal_comma", "kind"}
    columns = data.get("columns", {})
    if unknown or not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise UsageError("The mapping file holds 'columns' (field = \"Source column\"), 'date_format' and "
                         f"'decimal_comma' only{'; not ' + ', '.join(sorted(unknown)) if unknown else ''}.")
    date_format, decimal_comma = data.get("date_format"), data.get("decimal_comma", False)
    if date_format is not None and (not isinstance(date_format, str) or "%" not in date_format):
        raise UsageError("The mapping's date_format must be a strptime form such as \"%d/%m/%Y\".")
    if not isinstance(decimal_comma, bool):
        raise UsageError("The mapping's decimal_comma must be true or false.")
    return ColumnMapping(dict(columns), date_format, decimal_comma)


def complete(kind: ImportKind, headers: Sequence[str], given: ColumnMapping | None) -> ColumnMapping:
    """The guessed mapping overridden by the given one (an empty source column unmaps a field), checked against
    the file: a field or column that does not exist, or a required field without a column, is a usage error."""
    guessed = guess(kind, headers)
    columns = dict(guessed.columns)
    if given is not None:
        names = {t.name for t in FIELDS[kind]}
        unknown = sorted(set(given.columns) - names)
        if unknown:
            raise UsageError(f"The mapping names fields ecrm does not import for {kind}: {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(names))}).")
        missing = sorted(c for c in given.columns.values() if c and c not in headers)
        if missing:
            raise UsageError(f"The mapping names columns the file does not have: {', '.join(missing)}.")
        columns.update(given.columns)
        columns = {k: v for k, v in columns.items() if v}
    result = ColumnMapping(columns, given.date_format if given else None, given.decimal_comma if given else False)
    check_required(kind, result)
    return result


def check_required(kind: ImportKind, mapping: ColumnMapping) -> None:
    """A file-level error when a required column is missing."""
    lacking = [t for t in FIELDS[kind] if t.required and t.name not in mapping.columns]
    if lacking:
        raise UsageError(f"The file has no column for {', '.join(repr(t.headers[0]) for t in lacking)}, which an "
                         f"import of {kind} needs; name the column with a mapping.")
    if kind is ImportKind.CUSTOMERS and not {"email", "phone", "external_id"} & set(mapping.columns):
        raise UsageError("The file has no 'Email' or 'Phone' column to tell its customers apart; name one with "
                         "a mapping.")
