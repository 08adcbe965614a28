"""How values read on screen: money with its currency, times in the computer's time zone."""

from __future__ import annotations

from datetime import datetime

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}


def money(cents: int, currency: str) -> str:
    symbol = SYMBOLS.get(currency)
    amount = f"{abs(cents) / 100:,.2f}"
    sign = "−" if cents < 0 else ""
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


def when(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return "—"
    local = value.astimezone()
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def status(value: str) -> str:
    """An enum spelling as words: PARTIALLY_REFUNDED → Partially refunded."""
    return value.replace("_", " ").capitalize()


PLATFORM_NAMES = {"shopify": "Shopify", "woocommerce": "WooCommerce", "vendure": "Vendure"}


def file_size(size: int) -> str:
    """1,234,567 → 1.2 MB."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def platform_name(value: str) -> str:
    """A store platform as its makers spell it: woocommerce → WooCommerce."""
    return PLATFORM_NAMES.get(value, value.capitalize())
