"""The one write path for what a store says: customers and orders upserted by external id.

Sync connectors, importers and tests hand `domain.records` to a `StoreWriter` inside their transaction. The
writer resolves external ids, keeps ecrm-owned data (notes, ecrm tags, overrides) untouched, and before it
returns brings the per-customer aggregates and the search index of every customer it touched up to date, so
the transaction that commits the orders also commits their summaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ecrm_desktop.domain.enums import TagSource
from ecrm_desktop.domain.records import CustomerRecord, OrderRecord
from ecrm_desktop.storage import aggregates, search_index
from ecrm_desktop.storage.lookups import category_id_for, customer_id_for, normalise_email
from ecrm_desktop.storage.tables import (
    Address,
    Customer,
    CustomerEmail,
    CustomerIdentity,
    CustomerTag,
    Fulfillment,
    Order,
    OrderDiscountCode,
    OrderLine,
    Product,
    ProductVariant,
    Refund,
    RefundLine,
    Store,
    Tag,
)


class StoreWriter:
    """Upserts one store's records; construct it per transaction."""

    def __init__(self, session: Session, store: Store, rate_to_reporting: float = 1.0) -> None:
        self.session = session
        self.store = store
        self.rate = rate_to_reporting
        self._touched: set[int] = set()

    # -- customers ----------------------------------------------------------------------------------------

    def upsert_customers(self, records: Iterable[CustomerRecord]) -> tuple[int, int]:
        """Insert or update customers; returns (created, updated)."""
        created = updated = 0
        for rec in records:
            customer, is_new = self._customer_for(rec)
            created += is_new
            updated += not is_new
            self._apply_customer(customer, rec)
        self.flush()
        return created, updated

    def _customer_for(self, rec: CustomerRecord) -> tuple[Customer, bool]:
        s = self.session
        identity = s.execute(select(CustomerIdentity).where(
            CustomerIdentity.store_id == self.store.id, CustomerIdentity.external_id == rec.external_id)).scalar()
        if identity is not None:
            return s.get_one(Customer, identity.customer_id), False
        customer = None
        email = normalise_email(rec.email)
        if email:  # the same person known to another store: link rather than duplicate
            customer = s.execute(select(Customer).join(CustomerEmail).where(CustomerEmail.email == email)
                                 .order_by(Customer.id).limit(1)).scalar()
        is_new = customer is None
        if customer is None:
            customer = Customer(created_at=rec.created_at, updated_at=rec.updated_at)
            s.add(customer)
            s.flush()
        s.add(CustomerIdentity(customer_id=customer.id, store_id=self.store.id, external_id=rec.external_id,
                               created_at=rec.created_at))
        s.execute(update(Order).where(Order.store_id == self.store.id, Order.customer_id.is_(None),
                                      Order.customer_external_id == rec.external_id).values(customer_id=customer.id))
        return customer, is_new

    def _apply_customer(self, c: Customer, rec: CustomerRecord) -> None:
        s = self.session
        email = normalise_email(rec.email)
        c.first_name, c.last_name, c.phone = rec.first_name, rec.last_name, rec.phone
        c.email = email or c.email
        c.email_consent, c.email_consent_at = rec.email_consent, rec.email_consent_at
        c.email_consent_source = rec.email_consent_source or self.store.name
        c.created_at = min(c.created_at, rec.created_at)
        c.updated_at = max(c.updated_at, rec.updated_at)
        if email and not s.execute(select(CustomerEmail.id).where(
                CustomerEmail.customer_id == c.id, CustomerEmail.email == email)).first():
            has_primary = s.execute(select(CustomerEmail.id).where(
                CustomerEmail.customer_id == c.id, CustomerEmail.is_primary)).first()
            s.add(CustomerEmail(customer_id=c.id, email=email, is_primary=not has_primary))
        if rec.addresses:
            s.execute(delete(Address).where(Address.customer_id == c.id))
            for a in rec.addresses:
                s.add(Address(customer_id=c.id, name=a.name, company=a.company, address1=a.address1,
                              address2=a.address2, city=a.city, region=a.region, postal_code=a.postal_code,
                              country=a.country, phone=a.phone, is_default=a.is_default))
            default = next((a for a in rec.addresses if a.is_default), rec.addresses[0])
            c.country, c.region, c.city = default.country, default.region, default.city
        self._set_store_tags(c.id, rec.tags)
        self._touched.add(c.id)

    def _set_store_tags(self, customer_id: int, names: Sequence[str]) -> None:
        s = self.session
        s.execute(delete(CustomerTag).where(CustomerTag.customer_id == customer_id,
                                            CustomerTag.source == TagSource.STORE))
        ecrm_tags = set(s.execute(select(CustomerTag.tag_id).where(CustomerTag.customer_id == customer_id))
                        .scalars())
        for tag_id in {self._tag_id(n) for n in names if n.strip()} - ecrm_tags:
            s.add(CustomerTag(customer_id=customer_id, tag_id=tag_id, source=TagSource.STORE))

    def _tag_id(self, name: str) -> int:
        name = name.strip()
        tag_id = self.session.execute(select(Tag.id).where(Tag.name == name)).scalar()
        if tag_id is None:
            tag = Tag(name=name)
            self.session.add(tag)
            self.session.flush()
            tag_id = tag.id
        return tag_id

    # -- orders -------------------------------------------------------------------------------------------

    def upsert_orders(self, records: Iterable[OrderRecord]) -> tuple[int, int]:
        """Insert or replace orders with their lines, discounts, shipments and refunds; (created, updated)."""
        created = updated = 0
        for rec in records:
            order = self.session.execute(select(Order).where(
                Order.store_id == self.store.id, Order.external_id == rec.external_id)).scalar()
            if order is None:
                order = Order(store_id=self.store.id, external_id=rec.external_id)
                created += 1
            else:
                if order.customer_id is not None:
                    self._touched.add(order.customer_id)
                self._delete_children(order.id)
                updated += 1
            self._apply_order(order, rec)
        self.flush()
        return created, updated

    def _apply_order(self, o: Order, rec: OrderRecord) -> None:
        s = self.session
        o.customer_id = customer_id_for(s, self.store.id, rec.customer_external_id, rec.email)
        o.customer_external_id = rec.customer_external_id
        o.number, o.email = rec.number, normalise_email(rec.email)
        o.created_at, o.updated_at = rec.created_at, rec.updated_at
        o.cancelled_at, o.cancel_reason = rec.cancelled_at, rec.cancel_reason
        o.financial_status, o.fulfillment_status = rec.financial_status, rec.fulfillment_status
        o.currency = rec.currency
        o.subtotal_cents, o.discount_cents = rec.subtotal_cents, rec.discount_cents
        o.shipping_cents, o.tax_cents, o.total_cents = rec.shipping_cents, rec.tax_cents, rec.total_cents
        o.refunded_cents = rec.refunded_cents
        o.exchange_rate = self.rate
        o.total_reporting_cents = round(rec.total_cents * self.rate)
        o.sales_channel = rec.sales_channel
        o.payment_gateway, o.card_brand, o.card_last4 = rec.payment_gateway, rec.card_brand, rec.card_last4
        o.shipping_country, o.shipping_city = rec.shipping_country, rec.shipping_city
        s.add(o)
        s.flush()
        line_ids: dict[str, int] = {}
        for ln in rec.lines:
            product_id, variant_id = self._catalogue_ids(ln.product_external_id, ln.variant_external_id)
            line = OrderLine(order_id=o.id, external_id=ln.external_id, product_id=product_id,
                             variant_id=variant_id, category_id=category_id_for(s, ln.category), title=ln.title,
                             sku=ln.sku, quantity=ln.quantity, unit_price_cents=ln.unit_price_cents,
                             total_cents=ln.total_cents)
            s.add(line)
            s.flush()
            line_ids[ln.external_id] = line.id
        for code in dict.fromkeys(rec.discount_codes):
            s.add(OrderDiscountCode(order_id=o.id, code=code))
        for f in rec.fulfillments:
            s.add(Fulfillment(order_id=o.id, external_id=f.external_id, status=f.status, carrier=f.carrier,
                              tracking_number=f.tracking_number, tracking_url=f.tracking_url,
                              shipped_at=f.shipped_at, delivered_at=f.delivered_at))
        for r in rec.refunds:
            refund = Refund(order_id=o.id, external_id=r.external_id, created_at=r.created_at,
                            amount_cents=r.amount_cents, reason=r.reason, note=r.note)
            s.add(refund)
            s.flush()
            for rl in r.lines:
                if rl.line_external_id in line_ids:
                    s.add(RefundLine(refund_id=refund.id, order_line_id=line_ids[rl.line_external_id],
                                     quantity=rl.quantity, amount_cents=rl.amount_cents, restock=rl.restock))
        if o.customer_id is not None:
            self._touched.add(o.customer_id)

    def _delete_children(self, order_id: int) -> None:
        s = self.session
        refund_ids = select(Refund.id).where(Refund.order_id == order_id)
        s.execute(delete(RefundLine).where(RefundLine.refund_id.in_(refund_ids)))
        for table in (Refund, Fulfillment, OrderDiscountCode, OrderLine):
            s.execute(delete(table).where(table.order_id == order_id))

    def _catalogue_ids(self, product_ext: str | None, variant_ext: str | None) -> tuple[int | None, int | None]:
        if product_ext is None:
            return None, None
        product_id = self.session.execute(select(Product.id).where(
            Product.store_id == self.store.id, Product.external_id == product_ext)).scalar()
        if product_id is None or variant_ext is None:
            return product_id, None
        variant_id = self.session.execute(select(ProductVariant.id).where(
            ProductVariant.product_id == product_id, ProductVariant.external_id == variant_ext)).scalar()
        return product_id, variant_id


    # -- summaries ----------------------------------------------------------------------------------------

    def flush(self) -> None:
        """Bring aggregates and search documents of every touched customer up to date."""
        self.session.flush()
        if self._touched:
            aggregates.refresh_customers(self.session, self._touched)
            search_index.reindex_customers(self.session, self._touched)
            self._touched.clear()

