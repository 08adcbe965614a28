"""Closed vocabularies shared by storage, sync, services and screens.

Spellings follow Shopify's where Shopify has one, so exports and segments speak one vocabulary.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    SALES = "sales"
    SUPPORT = "support"
    MARKETING = "marketing"


class Platform(StrEnum):
    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"
    VENDURE = "vendure"
    CSV = "csv"
    MANUAL = "manual"


class ConsentState(StrEnum):
    """Email marketing consent, as Shopify's `email_subscription_status`."""

    SUBSCRIBED = "SUBSCRIBED"
    NOT_SUBSCRIBED = "NOT_SUBSCRIBED"
    UNSUBSCRIBED = "UNSUBSCRIBED"
    PENDING = "PENDING"


class FinancialStatus(StrEnum):
    PENDING = "PENDING"
    AUTHORIZED = "AUTHORIZED"
    PAID = "PAID"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    REFUNDED = "REFUNDED"
    VOIDED = "VOIDED"


class FulfillmentStatus(StrEnum):
    UNFULFILLED = "UNFULFILLED"
    PARTIALLY_FULFILLED = "PARTIALLY_FULFILLED"
    FULFILLED = "FULFILLED"


class ShipmentStatus(StrEnum):
    LABEL_PRINTED = "LABEL_PRINTED"
    IN_TRANSIT = "IN_TRANSIT"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERED = "DELIVERED"
    FAILURE = "FAILURE"


class TicketStatus(StrEnum):
    OPEN = "OPEN"
    PENDING = "PENDING"
    SNOOZED = "SNOOZED"
    SOLVED = "SOLVED"


class TicketPriority(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


class TicketChannel(StrEnum):
    EMAIL = "EMAIL"
    MANUAL = "MANUAL"
    IMPORT = "IMPORT"


class MessageKind(StrEnum):
    """Who wrote a ticket message and who may see it."""

    INBOUND = "INBOUND"
    REPLY = "REPLY"
    NOTE = "NOTE"


class TagSource(StrEnum):
    """Store tags are overwritten by sync; ecrm tags belong to the user."""

    STORE = "store"
    ECRM = "ecrm"
