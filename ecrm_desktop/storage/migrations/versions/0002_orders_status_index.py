"""Orders by financial status, newest first: the orders screen's status filter counts and pages by index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 21:40:00
"""

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_status_created', 'orders', ['financial_status', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_orders_status_created', table_name='orders')
