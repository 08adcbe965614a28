"""The first records of a file as they will land: plain text cells for the import's preview table."""

from __future__ import annotations

from ecrm_desktop.domain.csv_import.parsed import Parsed
from ecrm_desktop.domain.records import CustomerRecord, OrderRecord

CUSTOMER_COLUMNS = ("Row", "Name", "Email", "Phone", "Email marketing", "City", "Country", "Tags")
ORDER_COLUMNS = ("Row", "Order", "Date (UTC)", "Email", "Total", "Payment", "Fulfilment", "Lines", "Refunded")


def preview_columns(parsed: Parsed[CustomerRecord] | Parsed[OrderRecord]) -> tuple[str, ...]:
    return CUSTOMER_COLUMNS if parsed.kind == "customers" else ORDER_COLUMNS


def preview_rows(parsed: Parsed[CustomerRecord] | Parsed[OrderRecord], limit: int = 20) -> list[tuple[str, ...]]:
    """Up to `limit` records, cell by cell under `preview_columns`."""
    out: list[tuple[str, ...]] = []
    for row, record in parsed.records[:limit]:
        if isinstance(record, CustomerRecord):
            address = record.addresses[0] if record.addresses else None
            out.append((str(row), " ".join(n for n in (record.first_name, record.last_name) if n),
                        record.email or "", record.phone or "", record.email_consent.value,
                        (address.city or "") if address else "", (address.country or "") if address else "",
                        ", ".join(record.tags)))
        else:
            out.append((str(row), record.number, f"{record.created_at:%Y-%m-%d %H:%M}", record.email or "",
                        f"{record.total_cents / 100:,.2f} {record.currency}", record.financial_status.value,
                        record.fulfillment_status.value, str(len(record.lines)),
                        f"{record.refunded_cents / 100:,.2f}" if record.refunds else ""))
    return out
