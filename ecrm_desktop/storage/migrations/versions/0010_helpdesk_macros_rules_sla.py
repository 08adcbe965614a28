"""The help desk: macros, routing rules, SLA policies, agents' availability; each ticket's next SLA deadline and
the ticket it was merged into, with the indexes the inbox's views list by.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-03 03:20:00
"""

import sqlalchemy as sa
from alembic import op

import ecrm_desktop.storage.tables.base

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# The tickets' search index: subject and requester (name and address) as words, rowid = ticket id, kept current by
# triggers (created after the batch operation below, which rebuilds `tickets` and would drop them).
CREATE_TICKET_SEARCH = [
    """CREATE VIRTUAL TABLE ticket_search USING fts5(
        subject, requester, content='', contentless_delete=1,
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    """CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets BEGIN
        INSERT INTO ticket_search(rowid, subject, requester) VALUES (new.id, new.subject,
            coalesce(new.requester_name, '') || ' ' || coalesce(new.requester_email, ''));
    END""",
    """CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets BEGIN
        DELETE FROM ticket_search WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER ticket_search_update AFTER UPDATE OF subject, requester_name, requester_email ON tickets BEGIN
        DELETE FROM ticket_search WHERE rowid = old.id;
        INSERT INTO ticket_search(rowid, subject, requester) VALUES (new.id, new.subject,
            coalesce(new.requester_name, '') || ' ' || coalesce(new.requester_email, ''));
    END""",
    """INSERT INTO ticket_search(rowid, subject, requester) SELECT id, subject,
        coalesce(requester_name, '') || ' ' || coalesce(requester_email, '') FROM tickets""",
]
PRIORITY = sa.Enum('LOW', 'NORMAL', 'HIGH', 'URGENT', name='ticketpriority', native_enum=False, length=24)


def upgrade() -> None:
    op.create_table('sla_policies',
    sa.Column('priority', PRIORITY, nullable=False),
    sa.Column('first_response_minutes', sa.Integer(), nullable=False),
    sa.Column('resolution_minutes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('priority', name=op.f('pk_sla_policies'))
    )
    op.create_table('ticket_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('on_new', sa.Boolean(), nullable=False),
    sa.Column('on_update', sa.Boolean(), nullable=False),
    sa.Column('segment', sa.String(length=200), nullable=True),
    sa.Column('keywords', sa.Text(), nullable=True),
    sa.Column('channel', sa.Enum('EMAIL', 'MANUAL', 'IMPORT', name='ticketchannel', native_enum=False, length=24),
              nullable=True),
    sa.Column('min_order_cents', sa.BigInteger(), nullable=True),
    sa.Column('assign', sa.String(length=64), nullable=True),
    sa.Column('add_tag', sa.String(length=100), nullable=True),
    sa.Column('set_priority', PRIORITY, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_rules')),
    sa.UniqueConstraint('name', name=op.f('uq_ticket_rules_name'))
    )
    op.create_table('agent_status',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('last_assigned_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agent_status_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_agent_status'))
    )
    op.create_table('macros',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('set_status', sa.Enum('OPEN', 'PENDING', 'SNOOZED', 'SOLVED', name='ticketstatus', native_enum=False,
                                    length=24), nullable=True),
    sa.Column('add_tag', sa.String(length=100), nullable=True),
    sa.Column('assign_to_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assign_to_id'], ['users.id'], name=op.f('fk_macros_assign_to_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_macros')),
    sa.UniqueConstraint('name', name=op.f('uq_macros_name'))
    )
    with op.batch_alter_table('ticket_tags', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_tags_tag', ['tag_id', 'ticket_id'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sla_due_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_tickets_assignee_status_sla', ['assignee_id', 'status', 'sla_due_at'], unique=False)
        batch_op.create_index('ix_tickets_priority_status_sla', ['priority', 'status', 'sla_due_at'], unique=False)
        batch_op.create_index('ix_tickets_status_sla', ['status', 'sla_due_at'], unique=False)
        batch_op.create_index('ix_tickets_status_snoozed', ['status', 'snoozed_until'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tickets_merged_into_id_tickets'), 'tickets', ['merged_into_id'],
                                    ['id'], ondelete='SET NULL')
    # Existing unsolved tickets: the first-response deadline while unanswered, then the resolution deadline.
    op.execute("UPDATE tickets SET sla_due_at = CASE WHEN first_response_at IS NULL THEN first_response_due_at "
               "ELSE resolution_due_at END WHERE status != 'SOLVED'")
    for statement in CREATE_TICKET_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ("ticket_search_insert", "ticket_search_delete", "ticket_search_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS ticket_search")
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tickets_merged_into_id_tickets'), type_='foreignkey')
        batch_op.drop_index('ix_tickets_status_snoozed')
        batch_op.drop_index('ix_tickets_status_sla')
        batch_op.drop_index('ix_tickets_priority_status_sla')
        batch_op.drop_index('ix_tickets_assignee_status_sla')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('sla_due_at')

    with op.batch_alter_table('ticket_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_tags_tag')

    op.drop_table('macros')
    op.drop_table('agent_status')
    op.drop_table('ticket_rules')
    op.drop_table('sla_policies')
