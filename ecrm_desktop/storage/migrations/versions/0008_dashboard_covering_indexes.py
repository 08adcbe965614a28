"""Covering indexes for the dashboard's abandoned checkout and first response tiles (a period's checkouts and
tickets read from the index alone).

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-03 04:20:00
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_abandoned_checkouts_dashboard', 'abandoned_checkouts',
                    ['created_at', 'completed_at', 'currency', 'total_cents', 'customer_id'], unique=False)
    op.create_index('ix_tickets_dashboard', 'tickets', ['created_at', 'first_response_at', 'customer_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_tickets_dashboard', table_name='tickets')
    op.drop_index('ix_abandoned_checkouts_dashboard', table_name='abandoned_checkouts')
