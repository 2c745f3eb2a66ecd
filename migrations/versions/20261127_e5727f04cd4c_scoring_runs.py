"""scoring runs: runs, ranking entries, indicator explanations, objections (right of reply)

A published run is immutable; a partial unique index keeps one published run per edition.
Indicator results cascade with their entry, entries with their run (drafts may be discarded).

Revision ID: e5727f04cd4c
Revises: 2b9076e06bc5
Create Date: 2026-11-27 00:04:47.730842
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = 'e5727f04cd4c'
down_revision = '2b9076e06bc5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scoring_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('methodology_version', sa.String(length=32), nullable=False),
    sa.Column('methodology_sha256', sa.String(length=64), nullable=False),
    sa.Column('methodology_text', sa.Text(), nullable=False),
    sa.Column('input_sha256', sa.String(length=64), nullable=False),
    sa.Column('code_version', sa.String(length=100), nullable=False),
    sa.Column('seed', sa.String(length=20), nullable=False),
    sa.Column('draws', sa.Integer(), nullable=False),
    sa.Column('timings', sa.JSON(), nullable=False),
    sa.Column('quality', sa.JSON(), nullable=False),
    sa.Column('units_count', sa.Integer(), nullable=False),
    sa.Column('ranked_count', sa.Integer(), nullable=False),
    sa.Column('uses_demo_data', sa.Boolean(), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('reply_deadline', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.CheckConstraint("status <> 'withdrawn' OR withdrawn_at IS NOT NULL", name=op.f('ck_scoring_runs_withdrawn_has_date')),
    sa.CheckConstraint("status = 'draft' OR published_at IS NOT NULL", name=op.f('ck_scoring_runs_published_has_date')),
    sa.CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name=op.f('ck_scoring_runs_status_known')),
    sa.CheckConstraint('draws >= 0', name=op.f('ck_scoring_runs_draws_not_negative')),
    sa.CheckConstraint('length(methodology_sha256) = 64 AND length(input_sha256) = 64', name=op.f('ck_scoring_runs_hashes_length')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_scoring_runs_number_positive')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_scoring_runs_edition_id_editions')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_scoring_runs_published_by_id_users')),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_scoring_runs_started_by_id_users')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['scoring_runs.id'], name=op.f('fk_scoring_runs_superseded_by_id_scoring_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_runs')),
    sa.UniqueConstraint('edition_id', 'number', name=op.f('uq_scoring_runs_edition_id_number'))
    )
    with op.batch_alter_table('scoring_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_runs_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index('uq_scoring_runs_published', ['edition_id'], unique=True, sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))

    op.create_table('objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('gmina_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=64), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status = 'open' OR (resolution IS NOT NULL AND length(resolution) > 0 AND resolved_at IS NOT NULL)", name=op.f('ck_objections_resolved_has_resolution')),
    sa.CheckConstraint("status IN ('open', 'accepted', 'rejected')", name=op.f('ck_objections_status_known')),
    sa.CheckConstraint('length(comment) > 0', name=op.f('ck_objections_comment_not_empty')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_objections_author_id_users')),
    sa.ForeignKeyConstraint(['gmina_id'], ['gminy.id'], name=op.f('fk_objections_gmina_id_gminy')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_objections_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['run_id'], ['scoring_runs.id'], name=op.f('fk_objections_run_id_scoring_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections'))
    )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objections_gmina_id'), ['gmina_id'], unique=False)
        batch_op.create_index('ix_objections_run_status', ['run_id', 'status'], unique=False)

    op.create_table('ranking_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('gmina_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('ranked', sa.Boolean(), nullable=False),
    sa.Column('not_ranked_reason', sa.Text(), nullable=True),
    sa.Column('score', sa.Numeric(precision=12, scale=6), nullable=True),
    sa.Column('published_score', sa.Numeric(precision=12, scale=6), nullable=True),
    sa.Column('rank_category', sa.Integer(), nullable=True),
    sa.Column('rank_national', sa.Integer(), nullable=True),
    sa.Column('ex_aequo_category', sa.Boolean(), nullable=False),
    sa.Column('ex_aequo_national', sa.Boolean(), nullable=False),
    sa.Column('median_rank', sa.Float(), nullable=True),
    sa.Column('rank_p05', sa.Float(), nullable=True),
    sa.Column('rank_p95', sa.Float(), nullable=True),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('group_scores', sa.JSON(), nullable=False),
    sa.Column('group_ranks', sa.JSON(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.CheckConstraint('NOT ranked OR (rank_national >= 1 AND score IS NOT NULL)', name=op.f('ck_ranking_entries_ranked_has_rank')),
    sa.CheckConstraint('ranked = (not_ranked_reason IS NULL)', name=op.f('ck_ranking_entries_reason_iff_not_ranked')),
    sa.ForeignKeyConstraint(['gmina_id'], ['gminy.id'], name=op.f('fk_ranking_entries_gmina_id_gminy')),
    sa.ForeignKeyConstraint(['run_id'], ['scoring_runs.id'], name=op.f('fk_ranking_entries_run_id_scoring_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_entries')),
    sa.UniqueConstraint('run_id', 'gmina_id', name=op.f('uq_ranking_entries_run_id_gmina_id'))
    )
    with op.batch_alter_table('ranking_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_entries_gmina_id'), ['gmina_id'], unique=False)
        batch_op.create_index('ix_ranking_entries_run_category_rank', ['run_id', 'category', 'rank_category'], unique=False)

    op.create_table('indicator_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=64), nullable=False),
    sa.Column('raw', sa.Float(), nullable=True),
    sa.Column('transformed', sa.Float(), nullable=True),
    sa.Column('normalised', sa.Float(), nullable=True),
    sa.Column('effective_weight', sa.Float(), nullable=True),
    sa.Column('contribution', sa.Float(), nullable=True),
    sa.Column('points_lost', sa.Float(), nullable=True),
    sa.Column('missing', sa.Boolean(), nullable=False),
    sa.Column('imputed', sa.Boolean(), nullable=False),
    sa.Column('powiat_level', sa.Boolean(), nullable=False),
    sa.Column('shrinkage_weight', sa.Float(), nullable=True),
    sa.Column('unverified', sa.Boolean(), nullable=False),
    sa.Column('winsorised', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['ranking_entries.id'], name=op.f('fk_indicator_results_entry_id_ranking_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_results')),
    sa.UniqueConstraint('entry_id', 'indicator', name=op.f('uq_indicator_results_entry_id_indicator'))
    )


def downgrade() -> None:
    op.drop_table('indicator_results')
    with op.batch_alter_table('ranking_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ranking_entries_run_category_rank')
        batch_op.drop_index(batch_op.f('ix_ranking_entries_gmina_id'))

    op.drop_table('ranking_entries')
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index('ix_objections_run_status')
        batch_op.drop_index(batch_op.f('ix_objections_gmina_id'))

    op.drop_table('objections')
    with op.batch_alter_table('scoring_runs', schema=None) as batch_op:
        batch_op.drop_index('uq_scoring_runs_published', sqlite_where=sa.text("status = 'published'"), postgresql_where=sa.text("status = 'published'"))
        batch_op.drop_index(batch_op.f('ix_scoring_runs_edition_id'))

    op.drop_table('scoring_runs')
