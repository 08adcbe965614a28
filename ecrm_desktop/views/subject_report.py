"""The readable PDF of a data subject access export: one section per kind of data, as plain tables."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

SECTIONS = (("customer", "Customer record"), ("emails", "Email addresses"), ("phones", "Phone numbers"),
            ("addresses", "Addresses"), ("store_accounts", "Store accounts"), ("tags", "Tags"), ("notes", "Notes"),
            ("consent_history", "Consent history"), ("orders", "Orders"), ("tickets", "Support tickets"),
            ("segments", "Segments"), ("rfm", "RFM scores"), ("predictions", "Predictions"),
            ("audit_trail", "Who viewed, exported or changed this record"))
NESTED = {"lines": "Lines", "refunds": "Refunds", "fulfillments": "Shipments", "discount_codes": "Discount codes",
          "messages": "Messages"}


def write_subject_pdf(record: dict[str, Any], path: Path) -> None:
    """Write the export `record` (see `storage.subject_data`) as an A4 PDF at `path`."""
    document = QTextDocument()
    document.setDefaultStyleSheet("body { font-size: 9pt; } h1 { font-size: 16pt; } h2 { font-size: 12pt; "
                                  "margin-top: 14px; } td, th { padding: 2px 6px; } th { text-align: left; }")
    document.setHtml(subject_html(record))
    writer = QPdfWriter(str(path))
    writer.setTitle("Data held about a customer")
    writer.setCreator("ecrm")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    document.print_(writer)


def subject_html(record: dict[str, Any]) -> str:
    parts = ["<h1>Everything ecrm holds about this person</h1>",
             f"<p>Generated {escape(str(record.get('generated_at', '')))}. Each customer record below is one "
             "account or profile of the same person.</p>"]
    for n, entry in enumerate(record.get("records", []), 1):
        parts.append(f"<h1>Record {n}</h1>")
        parts.extend(_record(entry))
    return "".join(parts)


def _record(entry: dict[str, Any]) -> list[str]:
    out = []
    for key, title in SECTIONS:
        value = entry.get(key)
        out.append(f"<h2>{escape(title)}</h2>")
        out.append(_value(value) if value else "<p><i>None held.</i></p>")
    for merged in entry.get("merged_records", []):
        out.append("<h2>A record merged into this one</h2>")
        out.extend(_record(merged))
    return out


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return _pairs(value)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "".join(_item(v) for v in value)
    if isinstance(value, list):
        return f"<p>{escape(', '.join(str(v) for v in value))}</p>"
    return f"<p>{escape(str(value))}</p>"


def _item(item: dict[str, Any]) -> str:
    flat = {k: v for k, v in item.items() if k not in NESTED}
    html = _pairs(flat)
    for key, title in NESTED.items():
        if item.get(key):
            html += f"<p><b>{escape(title)}</b></p>" + "".join(_pairs(v) for v in item[key])
    return html + "<hr/>"


def _pairs(values: dict[str, Any]) -> str:
    rows = "".join(f"<tr><th>{escape(k.replace('_', ' '))}</th><td>{escape('' if v is None else str(v))}</td></tr>"
                   for k, v in values.items())
    return f"<table cellspacing='0'>{rows}</table>"
