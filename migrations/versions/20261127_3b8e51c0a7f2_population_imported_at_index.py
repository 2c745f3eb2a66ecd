"""population imported_at index: the review page's peer bands read the latest import time

Revision ID: 3b8e51c0a7f2
Revises: 7f3c2a91d4e8
Create Date: 2026-11-27 05:50:00.000000
"""
from __future__ import annotations

from alembic import op


revision = '3b8e51c0a7f2'
down_revision = '7f3c2a91d4e8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_populations_imported_at'), 'populations', ['imported_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_populations_imported_at'), table_name='populations')
