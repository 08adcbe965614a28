"""Order rows (Shopify's order export or a mapped CSV) as `OrderRecord`s: one row per line item, the rows of an
order sharing its number, the order's own fields on its first row.

An order is imported whole or not at all: when one of its rows is malformed, every row of the order is
rejected (the others pointing at the row that failed). A row repeating an earlier row of its order cell for
cell is a duplicate and rejected alone. Shopify's export has no refund dates, so a refunded amount becomes one
refund dated when the order was cancelled, else when it was placed. The buyer is named by email, which is also
how imported customers without an id column are known, so an order imported before its customer is linked to
them when they arrive.
"""

from __future__ import annotations

from datetime import datetime

from ecrm_desktop.domain.csv_import import values
from ecrm_desktop.domain.csv_import.mapping import ColumnMapping, ImportKind, is_shopify_export
from ecrm_desktop.domain.csv_import.parsed import Cells, Parsed, Rejection
from ecrm_desktop.domain.csv_import.text import CsvRow, CsvText
from ecrm_desktop.domain.csv_import.values import BadValue
from ecrm_desktop.domain.enums import FinancialStatus, FulfillmentStatus
from ecrm_desktop.domain.records import LineRecord, OrderRecord, RefundRecord

FINANCIAL = {"paid": FinancialStatus.PAID, "pending": FinancialStatus.PENDING,
             "authorized": FinancialStatus.AUTHORIZED, "partially_paid": FinancialStatus.PENDING,
             "partially_refunded": FinancialStatus.PARTIALLY_REFUNDED, "refunded": FinancialStatus.REFUNDED,
             "voided": FinancialStatus.VOIDED, "expired": FinancialStatus.VOIDED}
FULFILLMENT = {"fulfilled": FulfillmentStatus.FULFILLED, "partial": FulfillmentStatus.PARTIALLY_FULFILLED,
               "partially_fulfilled": FulfillmentStatus.PARTIALLY_FULFILLED,
               "unfulfilled": FulfillmentStatus.UNFULFILLED, "pending": FulfillmentStatus.UNFULFILLED,
               "restocked": FulfillmentStatus.UNFULFILLED,
               "": FulfillmentStatus.UNFULFILLED}


def read_orders(csv: CsvText, mapping: ColumnMapping, currency: str) -> Parsed[OrderRecord]:
    """Every order of the file as a record, or its rows as rejections; `currency` is for orders that name none."""
    cells = Cells(csv.header, mapping)
    groups: dict[str, list[tuple[CsvRow, dict[str, str]]]] = {}
    rejections: list[Rejection] = []
    for row in csv.rows:
        try:
            c = cells.of(row)
            if not c.get("number"):
                raise BadValue(f"{cells.column('number')}: the order number is empty")
        except BadValue as exc:
            rejections.append(Rejection(row.number, str(exc)))
            continue
        group = groups.setdefault(c["number"], [])
        twin = next((earlier.number for earlier, _ in group if earlier.cells == row.cells), None)
        if twin is not None:
            rejections.append(Rejection(row.number, f"duplicate of row {twin}"))
            continue
        group.append((row, c))
    records: list[tuple[int, OrderRecord]] = []
    for number, group in groups.items():
        failed: Rejection | None = None
        try:
            record = _order(group, cells, mapping, currency)
        except _RowError as exc:
            failed = Rejection(exc.row, str(exc.reason))
        if failed is None:
            records.append((group[0][0].number, record))
            continue
        rejections.append(failed)
        rejections += (Rejection(row.number, f"belongs to order {number}, rejected on row {failed.row}")
                       for row, _ in group if row.number != failed.row)
    return Parsed(ImportKind.ORDERS, csv.header, mapping, csv.encoding, csv.delimiter,
                  is_shopify_export(ImportKind.ORDERS, csv.header), len(csv.rows), tuple(records),
                  tuple(sorted(rejections, key=lambda r: r.row)))


class _RowError(Exception):
    def __init__(self, row: int, reason: BadValue) -> None:
        super().__init__(str(reason))
        self.row, self.reason = row, reason


def _order(group: list[tuple[CsvRow, dict[str, str]]], cells: Cells, mapping: ColumnMapping,
           currency: str) -> OrderRecord:
    first_row, c = group[0]
    try:
        return _order_fields(c, cells, mapping, currency, _lines(group, cells, mapping, c))
    except BadValue as exc:
        raise _RowError(first_row.number, exc) from None


def _lines(group: list[tuple[CsvRow, dict[str, str]]], cells: Cells, mapping: ColumnMapping,
           c: dict[str, str]) -> tuple[LineRecord, ...]:
    external = c.get("external_id") or c["number"]
    lines: list[LineRecord] = []
    for row, line in group:
        if not (line.get("lineitem_name") or line.get("lineitem_sku")):
            continue
        try:
            quantity = values.whole_number(line.get("lineitem_quantity") or "1", cells.column("lineitem_quantity"))
            price = values.money_cents(line.get("lineitem_price") or "0", cells.column("lineitem_price"),
                                       decimal_comma=mapping.decimal_comma)
        except BadValue as exc:
            raise _RowError(row.number, exc) from None
        lines.append(LineRecord(f"{external}:{len(lines) + 1}", line.get("lineitem_name") or line["lineitem_sku"],
                                quantity, price, sku=line.get("lineitem_sku") or None))
    return tuple(lines)


def _order_fields(c: dict[str, str], cells: Cells, mapping: ColumnMapping, currency: str,
                  lines: tuple[LineRecord, ...]) -> OrderRecord:
    def amount(name: str) -> int:
        return values.money_cents(c[name], cells.column(name), decimal_comma=mapping.decimal_comma) if c.get(name) \
            else 0

    def when(name: str) -> datetime | None:
        return values.moment(c[name], cells.column(name), mapping.date_format) if c.get(name) else None

    created = when("created_at")
    if created is None:
        raise BadValue(f"{cells.column('created_at')}: the order's first row has no date")
    if not c.get("total"):
        raise BadValue(f"{cells.column('total')}: the order's first row has no total")
    external = c.get("external_id") or c["number"]
    cancelled = when("cancelled_at")
    refunded = amount("refunded_amount")
    buyer = values.email(c["email"], cells.column("email")) if c.get("email") else None
    code = (c.get("currency") or currency).upper()
    if len(code) != 3 or not code.isalpha():
        raise BadValue(f"{cells.column('currency')}: {c.get('currency')!r} is not a three-letter currency code")
    return OrderRecord(
        external_id=external, number=c["number"][:32], created_at=created, updated_at=cancelled or created,
        currency=code, total_cents=amount("total"), financial_status=_status(c, cells, when("paid_at") is not None),
        fulfillment_status=_fulfillment(c, cells), email=buyer,
        customer_external_id=buyer, subtotal_cents=amount("subtotal"), discount_cents=amount("discount_amount"),
        shipping_cents=amount("shipping"), tax_cents=amount("taxes"), cancelled_at=cancelled,
        sales_channel=c.get("source") or None,
        discount_codes=values.tags(c.get("discount_code", "")), payment_gateway=c.get("payment_method") or None,
        shipping_country=values.country_code(c["shipping_country"], cells.column("shipping_country"))
        if c.get("shipping_country") else None, shipping_city=c.get("shipping_city") or None, lines=lines,
        refunds=(RefundRecord(f"{external}:refund", cancelled or created, refunded),) if refunded > 0 else ())


def _status(c: dict[str, str], cells: Cells, paid: bool) -> FinancialStatus:
    text = c.get("financial_status", "").strip().lower().replace(" ", "_")
    if not text:
        return FinancialStatus.PAID if paid else FinancialStatus.PENDING
    if text not in FINANCIAL:
        raise BadValue(f"{cells.column('financial_status')}: {c['financial_status']!r} is not a payment status "
                       f"({', '.join(FINANCIAL)})")
    return FINANCIAL[text]


def _fulfillment(c: dict[str, str], cells: Cells) -> FulfillmentStatus:
    text = c.get("fulfillment_status", "").strip().lower().replace(" ", "_")
    if text not in FULFILLMENT:
        raise BadValue(f"{cells.column('fulfillment_status')}: {c['fulfillment_status']!r} is not a fulfillment "
                       "status (fulfilled, partial, unfulfilled)")
    return FULFILLMENT[text]
