"""Production runs: named sources, leases against overlapping runs, backfill windows with
their ledgers, error retry state, run figures and entity versions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# 64-bit ids on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sources',
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('schedule', sa.String(length=100), nullable=True),
    sa.Column('enabled', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_sources_name'))
    )
    op.create_table('source_leases',
    sa.Column('source_id', ID, nullable=False),
    sa.Column('holder', sa.String(length=100), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_source_leases_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('source_id', name=op.f('pk_source_leases'))
    )
    op.create_table('backfill_windows',
    sa.Column('id', ID, nullable=False),
    sa.Column('source_id', ID, nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('window_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('listed', sa.Integer(), nullable=False),
    sa.Column('fetched', sa.Integer(), nullable=False),
    sa.Column('loaded', sa.Integer(), nullable=False),
    sa.Column('duplicate', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['pipeline_runs.id'], name=op.f('fk_backfill_windows_run_id_pipeline_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_backfill_windows_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backfill_windows')),
    sa.UniqueConstraint('source_id', 'window_start', 'window_end', name=op.f('uq_backfill_windows_source_id_window_start_window_end'))
    )
    with op.batch_alter_table('backfill_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backfill_windows_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_backfill_windows_status'), ['status'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', ID, nullable=True))
        batch_op.create_index(batch_op.f('ix_articles_source_id'), ['source_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_articles_source_id_sources'), 'sources', ['source_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pipeline_version', sa.String(length=40), nullable=True))

    with op.batch_alter_table('ingest_errors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='open', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('source_id', ID, nullable=True))
        batch_op.create_index(batch_op.f('ix_ingest_errors_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ingest_errors_status'), ['status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ingest_errors_source_id_sources'), 'sources', ['source_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('pipeline_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', ID, nullable=True))
        batch_op.add_column(sa.Column('event_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('near_duplicate_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('stage_seconds', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pipeline_runs_source_id'), ['source_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_pipeline_runs_source_id_sources'), 'sources', ['source_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('pipeline_runs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pipeline_runs_source_id_sources'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_pipeline_runs_source_id'))
        batch_op.drop_column('stage_seconds')
        batch_op.drop_column('near_duplicate_count')
        batch_op.drop_column('event_count')
        batch_op.drop_column('source_id')

    with op.batch_alter_table('ingest_errors', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ingest_errors_source_id_sources'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ingest_errors_status'))
        batch_op.drop_index(batch_op.f('ix_ingest_errors_source_id'))
        batch_op.drop_column('source_id')
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('last_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('status')

    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_column('pipeline_version')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_articles_source_id_sources'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_articles_source_id'))
        batch_op.drop_column('source_id')

    with op.batch_alter_table('backfill_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backfill_windows_status'))
        batch_op.drop_index(batch_op.f('ix_backfill_windows_source_id'))

    op.drop_table('backfill_windows')
    op.drop_table('source_leases')
    op.drop_table('sources')
