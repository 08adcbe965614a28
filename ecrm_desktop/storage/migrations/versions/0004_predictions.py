"""Stored per-customer predictions and item-to-item neighbours, refreshed after syncs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 00:01:18
"""

import sqlalchemy as sa
from alembic import op

import ecrm_desktop.storage.tables.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_predictions',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('days_since_last_order', sa.Integer(), nullable=False),
    sa.Column('usual_gap_days', sa.Integer(), nullable=True),
    sa.Column('expected_orders_90d', sa.Float(), nullable=False),
    sa.Column('expected_orders_365d', sa.Float(), nullable=False),
    sa.Column('p_alive', sa.Float(), nullable=False),
    sa.Column('churn_risk', sa.String(length=8), nullable=False),
    sa.Column('predicted_clv_cents', sa.BigInteger(), nullable=False),
    sa.Column('expected_next_order_date', sa.Date(), nullable=True),
    sa.Column('spend_tier', sa.String(length=8), nullable=False),
    sa.Column('scored_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_predictions_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_predictions'))
    )
    with op.batch_alter_table('customer_predictions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_predictions_predicted_clv_cents'), ['predicted_clv_cents'], unique=False)

    op.create_table('product_neighbours',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('neighbour_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['neighbour_id'], ['products.id'], name=op.f('fk_product_neighbours_neighbour_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_product_neighbours_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'rank', name=op.f('pk_product_neighbours')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('product_neighbours', schema=None) as batch_op:
        batch_op.create_index('ix_product_neighbours_neighbour', ['neighbour_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('product_neighbours', schema=None) as batch_op:
        batch_op.drop_index('ix_product_neighbours_neighbour')

    op.drop_table('product_neighbours')
    with op.batch_alter_table('customer_predictions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_predictions_predicted_clv_cents'))

    op.drop_table('customer_predictions')
