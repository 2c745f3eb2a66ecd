"""user language: the interface language a person chose, for their e-mails and next login

Revision ID: 7f3c2a91d4e8
Revises: e5727f04cd4c
Create Date: 2026-11-27 05:20:00.000000
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '7f3c2a91d4e8'
down_revision = 'e5727f04cd4c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade() -> None:
    # SQLite drops a column by rebuilding the table; batch mode does that on both databases.
    with op.batch_alter_table('users') as batch:
        batch.drop_column('locale')
