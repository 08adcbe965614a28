"""RFM scores and groups of every customer; saved segments' members, who entered or left them, and their counts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 00:02:28
"""

import sqlalchemy as sa
from alembic import op

import ecrm_desktop.storage.tables.base

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_rfm',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('recency', sa.SmallInteger(), nullable=True),
    sa.Column('frequency', sa.SmallInteger(), nullable=True),
    sa.Column('monetary', sa.SmallInteger(), nullable=True),
    sa.Column('rfm_group', sa.Enum('CHAMPIONS', 'LOYAL', 'ACTIVE', 'NEW', 'PROMISING', 'NEEDS_ATTENTION', 'AT_RISK', 'PREVIOUSLY_LOYAL', 'ALMOST_LOST', 'DORMANT', 'PROSPECTS', name='rfmgroup', native_enum=False, length=24), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_customer_rfm_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_rfm')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('customer_rfm', schema=None) as batch_op:
        batch_op.create_index('ix_customer_rfm_group', ['rfm_group', 'customer_id'], unique=False)

    op.create_table('segment_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.Column('entered', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_segment_changes_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_changes_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segment_changes'))
    )
    with op.batch_alter_table('segment_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segment_changes_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_segment_changes_segment_at', ['segment_id', 'at'], unique=False)

    op.create_table('segment_counts',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('entered', sa.Integer(), nullable=False),
    sa.Column('left', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_counts_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'at', name=op.f('pk_segment_counts'))
    )
    op.create_table('segment_members',
    sa.Column('segment_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('since', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_segment_members_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_segment_members_segment_id_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'customer_id', name=op.f('pk_segment_members')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index('ix_customers_segment_scan', ['country', 'email_consent', 'merged_into_id',
                              'orders_count', 'total_spent_cents', 'aov_cents', 'first_order_at', 'last_order_at'],
                              unique=False)
    with op.batch_alter_table('customer_categories', schema=None) as batch_op:
        batch_op.create_index('ix_customer_categories_since', ['category_id', 'last_ordered_at', 'customer_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('customer_categories', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_categories_since')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_segment_scan')

    op.drop_table('segment_members')
    op.drop_table('segment_counts')
    with op.batch_alter_table('segment_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_segment_changes_segment_at')
        batch_op.drop_index(batch_op.f('ix_segment_changes_customer_id'))

    op.drop_table('segment_changes')
    with op.batch_alter_table('customer_rfm', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_rfm_group')

    op.drop_table('customer_rfm')
