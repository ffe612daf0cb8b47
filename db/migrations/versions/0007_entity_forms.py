"""Entities across articles: the name each article gave a person or organization
(entity_forms, mentions.form_id), and the duplicates already stored merged.

The data step gives every stored person and organization its form and settles them with
the library's own rules (pipeline.entities.store), so a database loaded before this revision
ends up as one loaded after it: ``Trump`` and ``Donald J. Trump`` merged into
``Donald Trump`` when he is the only known person they can mean. Downgrading drops the
forms; merged entities stay merged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# 64-bit ids on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('entity_forms',
    sa.Column('id', ID, nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=False),
    sa.Column('first_word', sa.String(length=400), nullable=False),
    sa.Column('last_word', sa.String(length=400), nullable=False),
    sa.Column('entity_id', ID, nullable=False),
    sa.Column('country_code', sa.String(length=3), nullable=True),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_forms_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_forms')),
    sa.UniqueConstraint('type', 'name', name=op.f('uq_entity_forms_type_name'))
    )
    with op.batch_alter_table('entity_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_forms_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_forms_first_word'), ['first_word'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_forms_last_word'), ['last_word'], unique=False)

    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_id', ID, nullable=True))
        batch_op.create_index(batch_op.f('ix_mentions_form_id'), ['form_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_mentions_form_id_entity_forms'), 'entity_forms', ['form_id'], ['id'])

    # Imported here: the data step uses the library's rules, the schema step does not.
    from pipeline.entities.store import adopt_stored_entities

    adopt_stored_entities(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_mentions_form_id_entity_forms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_mentions_form_id'))
        batch_op.drop_column('form_id')

    with op.batch_alter_table('entity_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_forms_last_word'))
        batch_op.drop_index(batch_op.f('ix_entity_forms_first_word'))
        batch_op.drop_index(batch_op.f('ix_entity_forms_entity_id'))

    op.drop_table('entity_forms')
