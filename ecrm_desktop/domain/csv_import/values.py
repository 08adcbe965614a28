"""Reading one cell as the value it stands for; a cell that does not read raises `BadValue` with the reason."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

import pycountry

_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]+$")
_SHOPIFY_TIME = "%Y-%m-%d %H:%M:%S %z"  # how Shopify's exports write times: 2024-03-05 14:02:11 -0500
_TRUE = {"yes", "y", "true", "1", "subscribed", "x"}
_FALSE = {"no", "n", "false", "0", "not_subscribed", "unsubscribed", ""}


class BadValue(ValueError):
    """A cell that does not hold what its column promises; the message is the reason shown to the user."""


def money_cents(text: str, column: str, *, decimal_comma: bool = False) -> int:
    """An amount such as 1,234.50 (or 1.234,50 with `decimal_comma`) in hundredths."""
    cleaned = re.sub(r"[\s\u00a0\u202f$€£¥]", "", text)
    cleaned = cleaned.replace(".", "").replace(",", ".") if decimal_comma else cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BadValue(f"{column}: {text!r} is not an amount") from None
    if not value.is_finite() or abs(value) >= 10**13:
        raise BadValue(f"{column}: {text!r} is not an amount")
    return int((value * 100).quantize(Decimal(1)))


def whole_number(text: str, column: str) -> int:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise BadValue(f"{column}: {text!r} is not a whole number") from None
    if not value.is_finite() or value != value.to_integral_value() or abs(value) >= 10**9:
        raise BadValue(f"{column}: {text!r} is not a whole number")
    return int(value)


def moment(text: str, column: str, date_format: str | None = None) -> datetime:
    """A date or date-time in UTC: in `date_format` (strptime) when given, else Shopify's own form or ISO 8601.
    A time without an offset is taken as UTC."""
    text = text.strip()
    try:
        if date_format:
            parsed = datetime.strptime(text, date_format)
        else:
            try:
                parsed = datetime.strptime(text, _SHOPIFY_TIME)
            except ValueError:
                parsed = datetime.fromisoformat(text.replace(" UTC", "+00:00"))
    except ValueError:
        wanted = f"a date like {date(2024, 3, 5).strftime(date_format)}" if date_format else "an ISO 8601 date"
        raise BadValue(f"{column}: {text!r} is not {wanted}") from None
    if isinstance(parsed, datetime) and parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    return datetime.combine(parsed.date(), parsed.time() if isinstance(parsed, datetime) else time(), tzinfo=UTC)


def email(text: str, column: str) -> str:
    value = text.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise BadValue(f"{column}: {text!r} is not an email address")
    return value


def flag(text: str, column: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadValue(f"{column}: {text!r} is neither yes nor no")


def country_code(text: str, column: str) -> str:
    """ISO 3166-1 alpha-2 of a code (DE, DEU) or an English name (Germany)."""
    value = text.strip()
    try:
        return str(pycountry.countries.lookup(value).alpha_2)
    except LookupError:
        pass
    if len(value) == 2 and value.isalpha():
        return value.upper()  # a code pycountry does not list (XK for Kosovo) is kept as given
    raise BadValue(f"{column}: {text!r} is not a country name or ISO code")


def tags(text: str) -> tuple[str, ...]:
    """Shopify's comma-separated tags, trimmed, without blanks or repeats."""
    return tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
