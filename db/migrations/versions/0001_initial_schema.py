"""Initial schema: articles, entities, aliases, mentions, pipeline runs, ingest errors.

Revision ID: 0001
Revises: 
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# 64-bit ids on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('entities',
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('country_code', sa.String(length=3), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entities')),
    sa.UniqueConstraint('type', 'name', name=op.f('uq_entities_type_name'))
    )
    op.create_index(op.f('ix_entities_country_code'), 'entities', ['country_code'], unique=False)

    op.create_table('pipeline_runs',
    sa.Column('id', ID, nullable=False),
    sa.Column('flow_name', sa.String(length=100), nullable=False),
    sa.Column('flow_run_id', sa.String(length=64), nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pipeline_version', sa.String(length=40), nullable=False),
    sa.Column('read_count', sa.Integer(), nullable=False),
    sa.Column('new_count', sa.Integer(), nullable=False),
    sa.Column('duplicate_count', sa.Integer(), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('mention_count', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_runs'))
    )
    op.create_table('articles',
    sa.Column('id', ID, nullable=False),
    sa.Column('source_uri', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('site_name', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at_source', sa.String(length=40), nullable=True),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('image', sa.Text(), nullable=True),
    sa.Column('source_format', sa.String(length=20), nullable=False),
    sa.Column('source_name', sa.Text(), nullable=True),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pipeline_version', sa.String(length=40), nullable=False),
    sa.Column('run_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['pipeline_runs.id'], name=op.f('fk_articles_run_id_pipeline_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_articles_content_hash')),
    sa.UniqueConstraint('url', name=op.f('uq_articles_url'))
    )
    op.create_index(op.f('ix_articles_published_at'), 'articles', ['published_at'], unique=False)
    op.create_index(op.f('ix_articles_run_id'), 'articles', ['run_id'], unique=False)

    op.create_table('entity_aliases',
    sa.Column('id', ID, nullable=False),
    sa.Column('entity_id', ID, nullable=False),
    sa.Column('alias', sa.String(length=400), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_aliases_entity_id_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_aliases')),
    sa.UniqueConstraint('entity_id', 'alias', name=op.f('uq_entity_aliases_entity_id_alias'))
    )
    op.create_index('ix_entity_aliases_alias', 'entity_aliases', ['alias'], unique=False)

    op.create_table('ingest_errors',
    sa.Column('id', ID, nullable=False),
    sa.Column('run_id', ID, nullable=True),
    sa.Column('source_uri', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=40), nullable=False),
    sa.Column('error_type', sa.String(length=100), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['pipeline_runs.id'], name=op.f('fk_ingest_errors_run_id_pipeline_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ingest_errors'))
    )
    op.create_index(op.f('ix_ingest_errors_run_id'), 'ingest_errors', ['run_id'], unique=False)

    op.create_table('mentions',
    sa.Column('id', ID, nullable=False),
    sa.Column('article_id', ID, nullable=False),
    sa.Column('entity_id', ID, nullable=False),
    sa.Column('text', sa.String(length=400), nullable=False),
    sa.Column('label', sa.String(length=20), nullable=False),
    sa.Column('section', sa.String(length=10), nullable=False),
    sa.Column('start_char', sa.Integer(), nullable=False),
    sa.Column('end_char', sa.Integer(), nullable=False),
    sa.Column('sentence_index', sa.Integer(), nullable=False),
    sa.Column('pipeline_version', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_mentions_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_mentions_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentions'))
    )
    op.create_index(op.f('ix_mentions_article_id'), 'mentions', ['article_id'], unique=False)
    op.create_index(op.f('ix_mentions_entity_id'), 'mentions', ['entity_id'], unique=False)



def downgrade() -> None:
    op.drop_index(op.f('ix_mentions_entity_id'), table_name='mentions')
    op.drop_index(op.f('ix_mentions_article_id'), table_name='mentions')

    op.drop_table('mentions')
    op.drop_index(op.f('ix_ingest_errors_run_id'), table_name='ingest_errors')

    op.drop_table('ingest_errors')
    op.drop_index('ix_entity_aliases_alias', table_name='entity_aliases')

    op.drop_table('entity_aliases')
    op.drop_index(op.f('ix_articles_run_id'), table_name='articles')
    op.drop_index(op.f('ix_articles_published_at'), table_name='articles')

    op.drop_table('articles')
    op.drop_table('pipeline_runs')
    op.drop_index(op.f('ix_entities_country_code'), table_name='entities')

    op.drop_table('entities')
