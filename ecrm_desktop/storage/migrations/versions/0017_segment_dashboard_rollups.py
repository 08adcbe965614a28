"""New customers per day and channel and product sales per month as rollups, and each saved segment's dashboard rollups (kept by the writer
and by each evaluation); an index from a customer to the segments it is in.

The new-customer and monthly product rollups are filled from the rollups already kept; the segments' rollups are
computed whole the first time a segment is evaluated or shown.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 08:10:00
"""

import sqlalchemy as sa
from alembic import op

import ecrm_desktop.storage.tables.base

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rollup_daily_new_customers',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'channel', name=op.f('pk_rollup_daily_new_customers')),
    sqlite_with_rowid=False
    )
    op.create_table('segment_rollups_built',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('built_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.Column('upto', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_rollups_built_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', name=op.f('pk_segment_rollups_built')),
    )
    op.create_table('segment_rollup_sales',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('gross_cents', sa.BigInteger(), nullable=False),
    sa.Column('refunds', sa.Integer(), nullable=False),
    sa.Column('refunded_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_rollup_sales_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'day', 'channel', 'country', name=op.f('pk_segment_rollup_sales')),
    sqlite_with_rowid=False
    )
    op.create_table('segment_rollup_categories',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('sales_cents', sa.BigInteger(), nullable=False),
    sa.Column('returned_items', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_rollup_categories_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'day', 'category_id', name=op.f('pk_segment_rollup_categories')),
    sqlite_with_rowid=False
    )
    op.create_table('segment_rollup_products',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('sales_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_rollup_products_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'day', 'product_id', name=op.f('pk_segment_rollup_products')),
    sqlite_with_rowid=False
    )
    op.create_table('segment_rollup_new_customers',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_rollup_new_customers_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'day', 'channel', name=op.f('pk_segment_rollup_new_customers')),
    sqlite_with_rowid=False
    )
    op.create_table('segment_rollup_cohorts',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('cohort', sa.String(length=7), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('gross_cents', sa.BigInteger(), nullable=False),
    sa.Column('refunded_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_rollup_cohorts_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'cohort', 'month', name=op.f('pk_segment_rollup_cohorts')),
    sqlite_with_rowid=False
    )
    op.create_table('segment_rollup_activity',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('prev_month', sa.String(length=7), nullable=False),
    sa.Column('next_month', sa.String(length=7), nullable=False),
    sa.Column('multi', sa.Integer(), nullable=False),
    sa.Column('customers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_rollup_activity_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'month', 'prev_month', 'next_month', 'multi', name=op.f('pk_segment_rollup_activity')),
    sqlite_with_rowid=False
    )
    op.create_table('rollup_monthly_products',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('sales_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'product_id', name=op.f('pk_rollup_monthly_products')),
    sqlite_with_rowid=False
    )
    op.create_table('segment_rollup_monthly_products',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('sales_cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_rollup_monthly_products_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'month', 'product_id', name=op.f('pk_segment_rollup_monthly_products')),
    sqlite_with_rowid=False
    )
    op.create_index('ix_segment_members_customer', 'segment_members', ['customer_id', 'segment_id'], unique=False)
    op.execute("INSERT INTO rollup_daily_new_customers (day, channel, customers) "
               "SELECT day, channel, count(*) FROM rollup_customer_firsts GROUP BY day, channel")
    op.execute("INSERT INTO rollup_monthly_products (month, product_id, items, sales_cents) "
               "SELECT substr(day, 1, 7), product_id, sum(items), sum(sales_cents) FROM rollup_daily_products "
               "GROUP BY substr(day, 1, 7), product_id")


def downgrade() -> None:
    op.drop_index('ix_segment_members_customer', table_name='segment_members')
    op.drop_table('segment_rollup_monthly_products')
    op.drop_table('rollup_monthly_products')
    op.drop_table('segment_rollup_activity')
    op.drop_table('segment_rollup_cohorts')
    op.drop_table('segment_rollup_new_customers')
    op.drop_table('segment_rollup_products')
    op.drop_table('segment_rollup_categories')
    op.drop_table('segment_rollup_sales')
    op.drop_table('segment_rollups_built')
    op.drop_table('rollup_daily_new_customers')
