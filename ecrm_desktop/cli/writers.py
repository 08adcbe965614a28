"""Customer rows written as CLI.md's JSON and CSV, and the audit trail as CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from ecrm_desktop.domain.customers import EXPORT_FIELDS, CustomerSummary

if TYPE_CHECKING:
    from ecrm_desktop.domain.audit import AuditRow

AUDIT_COLUMNS = ["id", "at", "user", "action", "entity_type", "entity_id", "detail"]


def write_json(out: TextIO, batches: Iterable[list[CustomerSummary]]) -> int:
    count = 0
    out.write("[")
    for batch in batches:
        for c in batch:
            out.write(",\n" if count else "\n")
            json.dump(c.export_fields(), out, ensure_ascii=False)
            count += 1
    out.write("\n]\n")
    return count


def write_csv(out: TextIO, batches: Iterable[list[CustomerSummary]]) -> int:
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    count = 0
    for batch in batches:
        for c in batch:
            row = c.export_fields()
            row["customer_tags"] = ";".join(row["customer_tags"])
            row["sources"] = ";".join(f"{s['platform']}:{s['store']}:{s['external_id']}" for s in row["sources"])
            writer.writerow(["" if row[f] is None else row[f] for f in EXPORT_FIELDS])
            count += 1
    return count


def write_contacts(out: TextIO, batches: Iterable[list[CustomerSummary]]) -> int:
    writer = csv.writer(out)
    writer.writerow(["email", "first_name", "last_name", "email_subscription_status"])
    count = 0
    for batch in batches:
        for c in batch:
            writer.writerow([c.email or "", c.first_name or "", c.last_name or "", c.email_consent.value])
            count += 1
    return count


def write_audit_csv(out: TextIO, rows: Iterable[AuditRow]) -> int:
    """Audit entries as CSV (times in UTC, ISO 8601); returns how many were written."""
    writer = csv.writer(out)
    writer.writerow(AUDIT_COLUMNS)
    count = 0
    for r in rows:
        writer.writerow([r.id, r.at.strftime("%Y-%m-%dT%H:%M:%SZ"), r.user or "", r.action, r.entity_type or "",
                         "" if r.entity_id is None else r.entity_id, r.detail_json])
        count += 1
    return count
