"""Merges made by hand, with what each moved so it can be undone; merged customers found by index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 23:51:03
"""

import sqlalchemy as sa
from alembic import op

import ecrm_desktop.storage.tables.base

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survivor_id', sa.Integer(), nullable=False),
    sa.Column('absorbed_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.Column('moved_json', sa.Text(), nullable=False),
    sa.Column('undone_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['absorbed_id'], ['customers.id'], name=op.f('fk_customer_merges_absorbed_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survivor_id'], ['customers.id'], name=op.f('fk_customer_merges_survivor_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_customer_merges_undone_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_customer_merges_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_merges'))
    )
    with op.batch_alter_table('customer_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_merges_absorbed_id'), ['absorbed_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_merges_survivor_id'), ['survivor_id'], unique=False)

    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index('ix_customers_merged', ['merged_into_id'], unique=False,
                              sqlite_where=sa.text('merged_into_id IS NOT NULL'))



def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_merged')

    with op.batch_alter_table('customer_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_merges_survivor_id'))
        batch_op.drop_index(batch_op.f('ix_customer_merges_absorbed_id'))

    op.drop_table('customer_merges')
