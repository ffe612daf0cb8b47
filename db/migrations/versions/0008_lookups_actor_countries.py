"""Lookup tables (CAMEO codes, PLOVER types, QuadClasses, countries) filled from the package's
data, and the ISO alpha-3 country of each event actor, filled for the events already stored.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pipeline.analyst import lookups

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _fill(table: sa.Table, rows: list[dict]) -> None:
    # Only this revision's columns: a later revision may add keys to the readers' rows.
    names = [column.name for column in table.columns]
    op.bulk_insert(table, [{name: row[name] for name in names} for row in rows])


def _actor_country(code_column: str) -> str:
    # The first three letters of an actor code are a CAMEO country code (KSVGOV) or, as the
    # coder writes them, an ISO one; no CAMEO code is another country's ISO code.
    prefix = f"substr(events.{code_column}, 1, 3)"
    return (f"(SELECT countries.alpha3 FROM countries WHERE countries.cameo_code = {prefix} "
            f"OR countries.alpha3 = {prefix})")


def upgrade() -> None:
    quad_classes = op.create_table('quad_classes',
    sa.Column('code', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('cameo_roots', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_quad_classes'))
    )
    plover_types = op.create_table('plover_types',
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('type', name=op.f('pk_plover_types'))
    )
    cameo_codes = op.create_table('cameo_codes',
    sa.Column('code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('base_code', sa.String(length=3), nullable=False),
    sa.Column('root_code', sa.String(length=2), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('quad_class', sa.SmallInteger(), nullable=False),
    sa.Column('goldstein', sa.Float(), nullable=False),
    sa.Column('plover_type', sa.String(length=16), nullable=True),
    sa.Column('plover_mode', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['plover_type'], ['plover_types.type'], name=op.f('fk_cameo_codes_plover_type_plover_types')),
    sa.ForeignKeyConstraint(['quad_class'], ['quad_classes.code'], name=op.f('fk_cameo_codes_quad_class_quad_classes')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_cameo_codes'))
    )
    op.create_index(op.f('ix_cameo_codes_base_code'), 'cameo_codes', ['base_code'], unique=False)
    op.create_index(op.f('ix_cameo_codes_root_code'), 'cameo_codes', ['root_code'], unique=False)
    countries = op.create_table('countries',
    sa.Column('alpha3', sa.String(length=3), nullable=False),
    sa.Column('alpha2', sa.String(length=2), nullable=False),
    sa.Column('cameo_code', sa.String(length=3), nullable=False),
    sa.Column('fips', sa.String(length=2), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('alpha3', name=op.f('pk_countries')),
    sa.UniqueConstraint('alpha2', name=op.f('uq_countries_alpha2')),
    sa.UniqueConstraint('cameo_code', name=op.f('uq_countries_cameo_code'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor1_country', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('actor2_country', sa.String(length=3), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_actor1_country'), ['actor1_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_actor2_country'), ['actor2_country'], unique=False)

    _fill(quad_classes, lookups.quad_class_rows())
    _fill(plover_types, lookups.plover_type_rows())
    _fill(cameo_codes, lookups.cameo_code_rows())
    _fill(countries, lookups.country_rows())
    op.execute(f"UPDATE events SET actor1_country = {_actor_country('actor1_code')}, "
               f"actor2_country = {_actor_country('actor2_code')}")


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_actor2_country'))
        batch_op.drop_index(batch_op.f('ix_events_actor1_country'))
        batch_op.drop_column('actor2_country')
        batch_op.drop_column('actor1_country')

    op.drop_table('countries')
    op.drop_index(op.f('ix_cameo_codes_root_code'), table_name='cameo_codes')
    op.drop_index(op.f('ix_cameo_codes_base_code'), table_name='cameo_codes')
    op.drop_table('cameo_codes')
    op.drop_table('plover_types')
    op.drop_table('quad_classes')
