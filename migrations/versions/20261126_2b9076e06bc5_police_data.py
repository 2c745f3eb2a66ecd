"""police data: import batches, crime statistics per gmina, KMZB per gmina, BDL per powiat

Rows are never deleted by imports: a newer batch sets superseded_by_id on the rows it replaces;
partial unique indexes keep one current row per key (SQLite and PostgreSQL both support them).

Revision ID: 2b9076e06bc5
Revises: 4c24e2121956
Create Date: 2026-11-26 23:41:52.688235
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '2b9076e06bc5'
down_revision = '4c24e2121956'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('police_import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('rows_count', sa.Integer(), nullable=False),
    sa.Column('units_count', sa.Integer(), nullable=False),
    sa.Column('added_count', sa.Integer(), nullable=False),
    sa.Column('changed_count', sa.Integer(), nullable=False),
    sa.Column('unchanged_count', sa.Integer(), nullable=False),
    sa.Column('notes_count', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('crime', 'kmzb', 'bdl')", name=op.f('ck_police_import_batches_kind_known')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_police_import_batches_sha256_length')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_police_import_batches_period_ordered')),
    sa.CheckConstraint('rows_count >= 0 AND added_count >= 0 AND changed_count >= 0 AND unchanged_count >= 0', name=op.f('ck_police_import_batches_counts_not_negative')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'], name=op.f('fk_police_import_batches_imported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_import_batches'))
    )
    with op.batch_alter_table('police_import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_import_batches_sha256'), ['sha256'], unique=False)

    op.create_table('police_area_stats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('unit_code', sa.String(length=7), nullable=False),
    sa.Column('powiat_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.SmallInteger(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('confirmed', sa.Integer(), nullable=True),
    sa.Column('detection_rate', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('per_1000', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(level = 'powiat') = (powiat_id IS NOT NULL)", name=op.f('ck_police_area_stats_powiat_level')),
    sa.CheckConstraint("level IN ('kraj', 'wojewodztwo', 'powiat')", name=op.f('ck_police_area_stats_level_known')),
    sa.CheckConstraint('confirmed IS NULL OR confirmed >= 0', name=op.f('ck_police_area_stats_confirmed_not_negative')),
    sa.CheckConstraint('detection_rate IS NULL OR detection_rate >= 0', name=op.f('ck_police_area_stats_rate_not_negative')),
    sa.CheckConstraint('length(unit_code) = 7', name=op.f('ck_police_area_stats_unit_code_length')),
    sa.CheckConstraint('per_1000 IS NULL OR per_1000 >= 0', name=op.f('ck_police_area_stats_per_1000_not_negative')),
    sa.CheckConstraint('year BETWEEN 1999 AND 2100', name=op.f('ck_police_area_stats_year_range')),
    sa.ForeignKeyConstraint(['batch_id'], ['police_import_batches.id'], name=op.f('fk_police_area_stats_batch_id_police_import_batches')),
    sa.ForeignKeyConstraint(['powiat_id'], ['powiats.id'], name=op.f('fk_police_area_stats_powiat_id_powiats')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['police_import_batches.id'], name=op.f('fk_police_area_stats_superseded_by_id_police_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_area_stats'))
    )
    with op.batch_alter_table('police_area_stats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_area_stats_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_area_stats_powiat_id'), ['powiat_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_area_stats_superseded_by_id'), ['superseded_by_id'], unique=False)
        batch_op.create_index('uq_police_area_stats_current', ['year', 'category', 'unit_code'], unique=True, sqlite_where=sa.text('superseded_by_id IS NULL'), postgresql_where=sa.text('superseded_by_id IS NULL'))

    op.create_table('police_crime_stats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('gmina_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('confirmed', sa.Integer(), nullable=False),
    sa.Column('detected', sa.Integer(), nullable=True),
    sa.Column('reopened', sa.Integer(), nullable=True),
    sa.Column('detection_rate', sa.Numeric(precision=4, scale=1), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('confirmed >= 0', name=op.f('ck_police_crime_stats_confirmed_not_negative')),
    sa.CheckConstraint('detected IS NULL OR detected <= confirmed + COALESCE(reopened, 0)', name=op.f('ck_police_crime_stats_detected_within_base')),
    sa.CheckConstraint('detected IS NULL OR detected >= 0', name=op.f('ck_police_crime_stats_detected_not_negative')),
    sa.CheckConstraint('detection_rate IS NULL OR detection_rate BETWEEN 0 AND 100', name=op.f('ck_police_crime_stats_rate_percent')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_police_crime_stats_period_ordered')),
    sa.CheckConstraint('reopened IS NULL OR reopened >= 0', name=op.f('ck_police_crime_stats_reopened_not_negative')),
    sa.ForeignKeyConstraint(['batch_id'], ['police_import_batches.id'], name=op.f('fk_police_crime_stats_batch_id_police_import_batches')),
    sa.ForeignKeyConstraint(['gmina_id'], ['gminy.id'], name=op.f('fk_police_crime_stats_gmina_id_gminy')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['police_import_batches.id'], name=op.f('fk_police_crime_stats_superseded_by_id_police_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_police_crime_stats'))
    )
    with op.batch_alter_table('police_crime_stats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_police_crime_stats_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_crime_stats_gmina_id'), ['gmina_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_police_crime_stats_superseded_by_id'), ['superseded_by_id'], unique=False)
        batch_op.create_index('uq_police_crime_stats_current', ['period_start', 'period_end', 'category', 'gmina_id'], unique=True, sqlite_where=sa.text('superseded_by_id IS NULL'), postgresql_where=sa.text('superseded_by_id IS NULL'))

    op.create_table('threat_map_stats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('gmina_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('reported', sa.Integer(), nullable=False),
    sa.Column('confirmed', sa.Integer(), nullable=False),
    sa.Column('not_confirmed', sa.Integer(), nullable=True),
    sa.Column('eliminated', sa.Integer(), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(not_confirmed IS NULL OR not_confirmed >= 0) AND (eliminated IS NULL OR eliminated >= 0)', name=op.f('ck_threat_map_stats_outcomes_not_negative')),
    sa.CheckConstraint('confirmed + COALESCE(not_confirmed, 0) <= reported', name=op.f('ck_threat_map_stats_outcomes_within_reported')),
    sa.CheckConstraint('eliminated IS NULL OR eliminated <= confirmed', name=op.f('ck_threat_map_stats_eliminated_within_confirmed')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_threat_map_stats_period_ordered')),
    sa.CheckConstraint('reported >= 0 AND confirmed >= 0', name=op.f('ck_threat_map_stats_counts_not_negative')),
    sa.ForeignKeyConstraint(['batch_id'], ['police_import_batches.id'], name=op.f('fk_threat_map_stats_batch_id_police_import_batches')),
    sa.ForeignKeyConstraint(['gmina_id'], ['gminy.id'], name=op.f('fk_threat_map_stats_gmina_id_gminy')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['police_import_batches.id'], name=op.f('fk_threat_map_stats_superseded_by_id_police_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_threat_map_stats'))
    )
    with op.batch_alter_table('threat_map_stats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_threat_map_stats_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threat_map_stats_gmina_id'), ['gmina_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_threat_map_stats_superseded_by_id'), ['superseded_by_id'], unique=False)
        batch_op.create_index('uq_threat_map_stats_current', ['period_start', 'period_end', 'category', 'gmina_id'], unique=True, sqlite_where=sa.text('superseded_by_id IS NULL'), postgresql_where=sa.text('superseded_by_id IS NULL'))


def downgrade() -> None:
    # Dropping a table drops its indexes on both SQLite and PostgreSQL; children first.
    op.drop_table('threat_map_stats')
    op.drop_table('police_crime_stats')
    op.drop_table('police_area_stats')
    op.drop_table('police_import_batches')
