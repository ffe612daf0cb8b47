"""Web acquisition: raw documents, URL validators, source items, article URLs, near-duplicates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# 64-bit ids on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('raw_documents',
    sa.Column('id', ID, nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('final_url', sa.Text(), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('body_bytes', sa.Integer(), nullable=False),
    sa.Column('compression', sa.String(length=10), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_documents')),
    sa.UniqueConstraint('url', 'body_sha256', name=op.f('uq_raw_documents_url_body_sha256'))
    )
    op.create_table('article_lsh_bands',
    sa.Column('article_id', ID, nullable=False),
    sa.Column('band', sa.SmallInteger(), nullable=False),
    sa.Column('hash', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_lsh_bands_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'band', name=op.f('pk_article_lsh_bands'))
    )
    op.create_index('ix_article_lsh_bands_band_hash', 'article_lsh_bands', ['band', 'hash'], unique=False)

    op.create_table('article_urls',
    sa.Column('id', ID, nullable=False),
    sa.Column('article_id', ID, nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_urls_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_urls')),
    sa.UniqueConstraint('url', name=op.f('uq_article_urls_url'))
    )
    op.create_index(op.f('ix_article_urls_article_id'), 'article_urls', ['article_id'], unique=False)

    op.create_table('source_items',
    sa.Column('source_key', sa.Text(), nullable=False),
    sa.Column('item_key', sa.Text(), nullable=False),
    sa.Column('version', sa.Text(), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('article_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_source_items_article_id_articles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('source_key', 'item_key', name=op.f('pk_source_items'))
    )
    op.create_table('url_state',
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('last_fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('article_id', ID, nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_url_state_article_id_articles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('url', name=op.f('pk_url_state'))
    )
    # SQLite cannot add foreign keys with ALTER TABLE: batch mode rebuilds the table there.
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('published_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('raw_document_id', ID, nullable=True))
        batch_op.add_column(sa.Column('duplicate_of', ID, nullable=True))
        batch_op.add_column(sa.Column('minhash', sa.LargeBinary(), nullable=True))
        batch_op.create_index(batch_op.f('ix_articles_duplicate_of'), ['duplicate_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_published_date'), ['published_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_raw_document_id'), ['raw_document_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_articles_duplicate_of_articles'), 'articles', ['duplicate_of'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_articles_raw_document_id_raw_documents'), 'raw_documents', ['raw_document_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_articles_raw_document_id_raw_documents'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_articles_duplicate_of_articles'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_articles_raw_document_id'))
        batch_op.drop_index(batch_op.f('ix_articles_published_date'))
        batch_op.drop_index(batch_op.f('ix_articles_duplicate_of'))
        batch_op.drop_column('minhash')
        batch_op.drop_column('duplicate_of')
        batch_op.drop_column('published_date')
        batch_op.drop_column('raw_document_id')
        batch_op.drop_column('fetched_at')

    op.drop_table('url_state')
    op.drop_table('source_items')
    op.drop_index(op.f('ix_article_urls_article_id'), table_name='article_urls')

    op.drop_table('article_urls')
    op.drop_index('ix_article_lsh_bands_band_hash', table_name='article_lsh_bands')

    op.drop_table('article_lsh_bands')
    op.drop_table('raw_documents')
