"""A narrow index for "country X and subscribed" segments and lists: (country, email_consent, merged_into_id)
replaces the index on country alone (its prefix), so such a count reads three short columns per member rather
than the wide segment index.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 08:20:00
"""

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_customers_country', table_name='customers')
    op.create_index('ix_customers_country_consent', 'customers', ['country', 'email_consent', 'merged_into_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_customers_country_consent', table_name='customers')
    op.create_index('ix_customers_country', 'customers', ['country'], unique=False)
