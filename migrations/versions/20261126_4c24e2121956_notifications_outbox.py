"""notifications outbox: one row per e-mail notification and its delivery status

Revision ID: 4c24e2121956
Revises: d938f65a96b7
Create Date: 2026-11-26 23:39:55.454160
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '4c24e2121956'
down_revision = 'd938f65a96b7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'failed' OR error IS NOT NULL", name=op.f('ck_outbox_messages_failed_has_error')),
    sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name=op.f('ck_outbox_messages_sent_has_date')),
    sa.CheckConstraint("status IN ('queued', 'sent', 'failed', 'logged')", name=op.f('ck_outbox_messages_status_known')),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_outbox_messages_recipient_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_outbox_messages_submission_id_submissions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_status_created_at', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_submission_id'), ['submission_id'], unique=False)


def downgrade() -> None:
    # Dropping the table drops its indexes too (SQLite and PostgreSQL).
    op.drop_table('outbox_messages')
