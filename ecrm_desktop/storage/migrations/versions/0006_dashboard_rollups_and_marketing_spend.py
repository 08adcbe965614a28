"""Rollup tables the dashboard reads (kept current by the writer), marketing spend per channel and month, and
an index on the day refunds were made.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 01:03:03
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('marketing_spend',
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'month', name=op.f('pk_marketing_spend')),
    sqlite_with_rowid=False
    )
    op.create_table('rollup_activity',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('prev_month', sa.String(length=7), nullable=False),
    sa.Column('next_month', sa.String(length=7), nullable=False),
    sa.Column('multi', sa.Integer(), nullable=False),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'prev_month', 'next_month', 'multi', name=op.f('pk_rollup_activity')),
    sqlite_with_rowid=False
    )
    op.create_table('rollup_cohorts',
    sa.Column('cohort', sa.String(length=7), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('gross_cents', sa.BigInteger(), nullable=False),
    sa.Column('refunded_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('cohort', 'month', name=op.f('pk_rollup_cohorts')),
    sqlite_with_rowid=False
    )
    op.create_table('rollup_daily_categories',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('sales_cents', sa.BigInteger(), nullable=False),
    sa.Column('returned_items', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'category_id', name=op.f('pk_rollup_daily_categories')),
    sqlite_with_rowid=False
    )
    op.create_table('rollup_daily_products',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('sales_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'product_id', name=op.f('pk_rollup_daily_products')),
    sqlite_with_rowid=False
    )
    op.create_table('rollup_daily_sales',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('gross_cents', sa.BigInteger(), nullable=False),
    sa.Column('refunds', sa.Integer(), nullable=False),
    sa.Column('refunded_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'store_id', 'channel', 'country', name=op.f('pk_rollup_daily_sales')),
    sqlite_with_rowid=False
    )
    op.create_table('rollup_customer_days',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('gross_cents', sa.BigInteger(), nullable=False),
    sa.Column('refunds', sa.Integer(), nullable=False),
    sa.Column('refunded_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_rollup_customer_days_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', 'day', 'channel', 'country', name=op.f('pk_rollup_customer_days')),
    sqlite_with_rowid=False
    )
    op.create_table('rollup_customer_firsts',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_rollup_customer_firsts_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_rollup_customer_firsts'))
    )
    with op.batch_alter_table('rollup_customer_firsts', schema=None) as batch_op:
        batch_op.create_index('ix_rollup_customer_firsts_day', ['day', 'channel', 'customer_id'], unique=False)

    op.create_table('rollup_customer_months',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('gross_cents', sa.BigInteger(), nullable=False),
    sa.Column('refunded_cents', sa.BigInteger(), nullable=False),
    sa.Column('prev_month', sa.String(length=7), nullable=False),
    sa.Column('next_month', sa.String(length=7), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_rollup_customer_months_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', 'month', name=op.f('pk_rollup_customer_months')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index('ix_refunds_created_at')

    op.drop_table('rollup_customer_months')
    with op.batch_alter_table('rollup_customer_firsts', schema=None) as batch_op:
        batch_op.drop_index('ix_rollup_customer_firsts_day')

    op.drop_table('rollup_customer_firsts')
    op.drop_table('rollup_customer_days')
    op.drop_table('rollup_daily_sales')
    op.drop_table('rollup_daily_products')
    op.drop_table('rollup_daily_categories')
    op.drop_table('rollup_cohorts')
    op.drop_table('rollup_activity')
    op.drop_table('marketing_spend')
