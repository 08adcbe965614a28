"""Shared parsing of what store payloads carry: decimal money strings, external ids, timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import StringConstraints


def cents(amount: str | float | int | Decimal | None) -> int:
    """Hundredths of the currency from a decimal amount ("12.5" -> 1250); None and "" are 0."""
    if amount is None or amount == "":
        return 0
    try:
        return int((Decimal(str(amount)) * 100).quantize(Decimal(1)))
    except InvalidOperation as exc:
        raise ValueError(f"{amount!r} is not an amount of money") from exc


def legacy_id(gid: str) -> str:
    """The numeric id at the end of a Shopify global id ("gid://shopify/Customer/42" -> "42")."""
    return gid.rsplit("/", 1)[-1]


def utc(value: datetime) -> datetime:
    """A timezone-aware UTC datetime; naive values are taken as UTC (WooCommerce's `*_gmt` fields)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A plausible email address (one "@", a dot in the domain, no spaces): enough to quarantine garbage.
Email = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
