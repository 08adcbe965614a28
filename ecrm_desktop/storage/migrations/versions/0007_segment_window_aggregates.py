"""Segment windows without scanning orders: each customer's purchase times per category (`category_purchases`),
their orders numbered from the latest (`recent_orders`), both filled from the orders already stored, and a
covering partial index of the orders that count, by time, for bounded windows and the purchase models.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 03:10:00
"""

import sqlalchemy as sa
from alembic import op

import ecrm_desktop.storage.tables.base

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COUNTED = "cancelled_at IS NULL AND customer_id IS NOT NULL"


def upgrade() -> None:
    op.create_table('category_purchases',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('ordered_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_category_purchases_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_category_purchases_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('category_id', 'ordered_at', 'customer_id', name=op.f('pk_category_purchases')),
    sqlite_with_rowid=False
    )
    op.execute("INSERT INTO category_purchases (category_id, ordered_at, customer_id) "
               "SELECT DISTINCT l.category_id, o.created_at, o.customer_id FROM orders o "
               "JOIN order_lines l ON l.order_id = o.id "
               "WHERE o.cancelled_at IS NULL AND o.customer_id IS NOT NULL AND l.category_id IS NOT NULL "
               "ORDER BY 1, 2, 3")
    with op.batch_alter_table('category_purchases', schema=None) as batch_op:
        batch_op.create_index('ix_category_purchases_customer', ['customer_id'], unique=False)

    op.create_table('recent_orders',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('ordered_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_recent_orders_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', 'rank', name=op.f('pk_recent_orders')),
    sqlite_with_rowid=False
    )
    op.execute("INSERT INTO recent_orders (customer_id, rank, ordered_at) "
               "SELECT customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY created_at DESC), created_at "
               f"FROM orders WHERE {COUNTED} ORDER BY 1, 2")
    with op.batch_alter_table('recent_orders', schema=None) as batch_op:
        batch_op.create_index('ix_recent_orders_rank', ['rank', 'ordered_at'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_counted_created',
                              ['created_at', 'customer_id', 'cancelled_at', 'total_reporting_cents'], unique=False,
                              sqlite_where=sa.text(COUNTED), postgresql_where=sa.text(COUNTED))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_counted_created', sqlite_where=sa.text(COUNTED),
                            postgresql_where=sa.text(COUNTED))
    with op.batch_alter_table('recent_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_recent_orders_rank')
    op.drop_table('recent_orders')
    with op.batch_alter_table('category_purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_category_purchases_customer')
    op.drop_table('category_purchases')
