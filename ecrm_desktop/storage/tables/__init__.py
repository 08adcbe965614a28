"""Every ORM table, importable from one place; `Base.metadata` is what alembic migrates."""

from ecrm_desktop.storage.tables.base import Base, UtcDateTime, utcnow
from ecrm_desktop.storage.tables.commerce import (
    SENSITIVE_ORDER_FIELDS,
    AbandonedCheckout,
    Category,
    Fulfillment,
    Order,
    OrderDiscountCode,
    OrderLine,
    Product,
    ProductVariant,
    Refund,
    RefundLine,
)
from ecrm_desktop.storage.tables.people import (
    Address,
    Customer,
    CustomerCategory,
    CustomerEmail,
    CustomerIdentity,
    CustomerMerge,
    CustomerOverride,
    CustomerPhone,
    CustomerTag,
    Note,
    Tag,
)
from ecrm_desktop.storage.tables.segments import CustomerRfm, SegmentChange, SegmentCount, SegmentMember
from ecrm_desktop.storage.tables.support import Ticket, TicketMessage, TicketTag
from ecrm_desktop.storage.tables.sync_state import QuarantinedRecord, SyncCheckpoint, SyncRun
from ecrm_desktop.storage.tables.system import AuditEntry, CurrencyRate, Segment, Setting, Store, User

__all__ = [
    "SENSITIVE_ORDER_FIELDS", "AbandonedCheckout", "Address", "AuditEntry", "Base", "Category", "CurrencyRate",
    "Customer", "CustomerCategory", "CustomerEmail", "CustomerIdentity", "CustomerMerge", "CustomerOverride",
    "CustomerPhone", "CustomerRfm", "CustomerTag", "Fulfillment", "Note", "Order", "OrderDiscountCode",
    "OrderLine", "Product", "ProductVariant", "QuarantinedRecord", "Refund", "RefundLine", "Segment",
    "SegmentChange", "SegmentCount", "SegmentMember", "Setting", "Store", "SyncCheckpoint", "SyncRun", "Tag",
    "Ticket", "TicketMessage", "TicketTag", "User", "UtcDateTime", "utcnow",
]
