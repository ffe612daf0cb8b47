"""Export cursors: where the last export to each target ended (``newsflow export --since last``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('export_cursors',
    sa.Column('target', sa.String(length=400), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rows', sa.BigInteger(), nullable=False),
    sa.Column('exported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('target', name=op.f('pk_export_cursors'))
    )


def downgrade() -> None:
    op.drop_table('export_cursors')
