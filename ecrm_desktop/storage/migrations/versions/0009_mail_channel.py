"""Email channel: delivery state of replies, raw headers of inbound mail, attachments kept in the encrypted
database, and how far each IMAP folder was read.

Replies that existed before are marked 'sent' with their sent time as delivered time (they came from the demo or
an earlier tool, never from this channel); inbound messages and notes get NULL, since delivery means nothing to them.

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-03 03:10:00
"""

import sqlalchemy as sa
from alembic import op

import ecrm_desktop.storage.tables.base

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_state', sa.String(length=16), server_default='queued', nullable=True))
        batch_op.add_column(sa.Column('delivery_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', ecrm_desktop.storage.tables.base.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column('raw_headers', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_messages_delivery_state'), ['delivery_state'], unique=False)
    op.execute("UPDATE ticket_messages SET delivery_state = CASE WHEN kind = 'REPLY' THEN 'sent' END, "
               "delivered_at = CASE WHEN kind = 'REPLY' THEN sent_at END")

    op.create_table('mail_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=127), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_id', sa.String(length=255), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['ticket_messages.id'], name=op.f('fk_mail_attachments_message_id_ticket_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_attachments'))
    )
    with op.batch_alter_table('mail_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_attachments_message_id'), ['message_id'], unique=False)

    op.create_table('mailbox_folders',
    sa.Column('folder', sa.String(length=255), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('last_uid', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('folder', name=op.f('pk_mailbox_folders'))
    )


def downgrade() -> None:
    op.drop_table('mailbox_folders')
    with op.batch_alter_table('mail_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_attachments_message_id'))
    op.drop_table('mail_attachments')
    with op.batch_alter_table('ticket_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_messages_delivery_state'))
        batch_op.drop_column('raw_headers')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('delivery_error')
        batch_op.drop_column('delivery_state')
