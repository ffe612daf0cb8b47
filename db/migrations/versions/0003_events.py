"""Events and event clusters: who did what to whom, coded in CAMEO and PLOVER.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# 64-bit ids on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_clusters',
    sa.Column('id', ID, nullable=False),
    sa.Column('actor1_code', sa.String(length=16), nullable=False),
    sa.Column('actor2_code', sa.String(length=16), nullable=False),
    sa.Column('cameo_code', sa.String(length=4), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('num_mentions', sa.Integer(), nullable=False),
    sa.Column('num_articles', sa.Integer(), nullable=False),
    sa.Column('num_sources', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_clusters')),
    sa.UniqueConstraint('actor1_code', 'actor2_code', 'cameo_code', 'event_date', name=op.f('uq_event_clusters_actor1_code_actor2_code_cameo_code_event_date'))
    )
    op.create_index(op.f('ix_event_clusters_event_date'), 'event_clusters', ['event_date'], unique=False)

    op.create_table('events',
    sa.Column('id', ID, nullable=False),
    sa.Column('article_id', ID, nullable=False),
    sa.Column('sentence_index', sa.Integer(), nullable=False),
    sa.Column('start_char', sa.Integer(), nullable=False),
    sa.Column('end_char', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('trigger', sa.String(length=100), nullable=False),
    sa.Column('cameo_code', sa.String(length=4), nullable=False),
    sa.Column('cameo_root', sa.String(length=2), nullable=False),
    sa.Column('quad_class', sa.SmallInteger(), nullable=False),
    sa.Column('goldstein', sa.Float(), nullable=False),
    sa.Column('plover_type', sa.String(length=16), nullable=True),
    sa.Column('plover_mode', sa.String(length=40), nullable=True),
    sa.Column('actor1_entity_id', ID, nullable=True),
    sa.Column('actor1_code', sa.String(length=16), nullable=False),
    sa.Column('actor2_entity_id', ID, nullable=True),
    sa.Column('actor2_code', sa.String(length=16), nullable=True),
    sa.Column('location_entity_id', ID, nullable=True),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('negated', sa.Boolean(), nullable=False),
    sa.Column('modality', sa.String(length=12), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('cluster_id', ID, nullable=True),
    sa.Column('pipeline_version', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['actor1_entity_id'], ['entities.id'], name=op.f('fk_events_actor1_entity_id_entities')),
    sa.ForeignKeyConstraint(['actor2_entity_id'], ['entities.id'], name=op.f('fk_events_actor2_entity_id_entities')),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_events_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cluster_id'], ['event_clusters.id'], name=op.f('fk_events_cluster_id_event_clusters')),
    sa.ForeignKeyConstraint(['location_entity_id'], ['entities.id'], name=op.f('fk_events_location_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    op.create_index(op.f('ix_events_actor1_code'), 'events', ['actor1_code'], unique=False)
    op.create_index(op.f('ix_events_actor1_entity_id'), 'events', ['actor1_entity_id'], unique=False)
    op.create_index(op.f('ix_events_actor2_code'), 'events', ['actor2_code'], unique=False)
    op.create_index(op.f('ix_events_actor2_entity_id'), 'events', ['actor2_entity_id'], unique=False)
    op.create_index(op.f('ix_events_article_id'), 'events', ['article_id'], unique=False)
    op.create_index(op.f('ix_events_cameo_code'), 'events', ['cameo_code'], unique=False)
    op.create_index(op.f('ix_events_cameo_root'), 'events', ['cameo_root'], unique=False)
    op.create_index(op.f('ix_events_cluster_id'), 'events', ['cluster_id'], unique=False)
    op.create_index(op.f('ix_events_event_date'), 'events', ['event_date'], unique=False)
    op.create_index(op.f('ix_events_plover_type'), 'events', ['plover_type'], unique=False)



def downgrade() -> None:
    op.drop_index(op.f('ix_events_plover_type'), table_name='events')
    op.drop_index(op.f('ix_events_event_date'), table_name='events')
    op.drop_index(op.f('ix_events_cluster_id'), table_name='events')
    op.drop_index(op.f('ix_events_cameo_root'), table_name='events')
    op.drop_index(op.f('ix_events_cameo_code'), table_name='events')
    op.drop_index(op.f('ix_events_article_id'), table_name='events')
    op.drop_index(op.f('ix_events_actor2_entity_id'), table_name='events')
    op.drop_index(op.f('ix_events_actor2_code'), table_name='events')
    op.drop_index(op.f('ix_events_actor1_entity_id'), table_name='events')
    op.drop_index(op.f('ix_events_actor1_code'), table_name='events')

    op.drop_table('events')
    op.drop_index(op.f('ix_event_clusters_event_date'), table_name='event_clusters')

    op.drop_table('event_clusters')
