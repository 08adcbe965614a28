"""Tombstones of erased people (keyed hashes, no plaintext) and the history of consent changes.

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-03 03:20:00
"""

import sqlalchemy as sa
from alembic import op

import ecrm_desktop.storage.tables.base

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

CONSENT = sa.Enum('SUBSCRIBED', 'NOT_SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING', name='consentstate', native_enum=False,
                  length=24)


def upgrade() -> None:
    op.create_table('privacy_tombstones',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('created_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                            name=op.f('fk_privacy_tombstones_customer_id_customers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_privacy_tombstones'))
    )
    op.create_index(op.f('ix_privacy_tombstones_customer_id'), 'privacy_tombstones', ['customer_id'], unique=False)
    op.create_table('consent_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('old_state', CONSENT, nullable=True),
    sa.Column('new_state', CONSENT, nullable=False),
    sa.Column('changed_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.Column('recorded_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                            name=op.f('fk_consent_changes_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_changes'))
    )
    op.create_index('ix_consent_changes_customer', 'consent_changes', ['customer_id', 'recorded_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_consent_changes_customer', table_name='consent_changes')
    op.drop_table('consent_changes')
    op.drop_index(op.f('ix_privacy_tombstones_customer_id'), table_name='privacy_tombstones')
    op.drop_table('privacy_tombstones')
