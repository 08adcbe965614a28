"""Customers counted by country and email consent (`customer_facets`), kept by triggers on `customers`, so that a
segment on those two alone ("US and subscribed") is summed from a few rows rather than counted member by member.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 08:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# A customer counts in the row of its country and consent while it is not merged into another. `IS` compares
# NULL countries as equal; a missing row is made before it is counted.
_ADD = """
    INSERT INTO customer_facets (country, email_consent, customers)
        SELECT NEW.country, NEW.email_consent, 0 WHERE NEW.merged_into_id IS NULL AND NOT EXISTS (
            SELECT 1 FROM customer_facets WHERE country IS NEW.country AND email_consent IS NEW.email_consent);
    UPDATE customer_facets SET customers = customers + 1
        WHERE NEW.merged_into_id IS NULL AND country IS NEW.country AND email_consent IS NEW.email_consent;"""
_TAKE = """
    UPDATE customer_facets SET customers = customers - 1
        WHERE OLD.merged_into_id IS NULL AND country IS OLD.country AND email_consent IS OLD.email_consent;"""
TRIGGERS = {
    "customer_facets_insert": f"AFTER INSERT ON customers BEGIN {_ADD} END",
    "customer_facets_delete": f"AFTER DELETE ON customers BEGIN {_TAKE} END",
    "customer_facets_update": (
        "AFTER UPDATE OF country, email_consent, merged_into_id ON customers "
        "WHEN OLD.country IS NOT NEW.country OR OLD.email_consent IS NOT NEW.email_consent "
        f"OR (OLD.merged_into_id IS NULL) != (NEW.merged_into_id IS NULL) BEGIN {_TAKE} {_ADD} END"),
}


def upgrade() -> None:
    op.create_table('customer_facets',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('country', sa.String(length=2), nullable=True),
                    sa.Column('email_consent', sa.Enum('SUBSCRIBED', 'NOT_SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING',
                                                       name='consentstate', native_enum=False, length=24),
                              nullable=False),
                    sa.Column('customers', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_facets')))
    op.create_index('ix_customer_facets_key', 'customer_facets', ['country', 'email_consent'], unique=False)
    op.execute("INSERT INTO customer_facets (country, email_consent, customers) SELECT country, email_consent, "
               "count(*) FROM customers WHERE merged_into_id IS NULL GROUP BY country, email_consent")
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index('ix_customer_facets_key', table_name='customer_facets')
    op.drop_table('customer_facets')
