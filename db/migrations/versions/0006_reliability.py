"""Reliability: one open ingest_errors row per item, run liveness, mention and trigger text
without a length bound.

- ``ingest_errors.item_key`` (sha256 of ``source_uri``) with a unique index over the open
  rows: a failure of an item that is already open updates that row. Open duplicates left by
  earlier versions (one per run) are merged first: the oldest row stays, with the attempts
  summed, the last attempt's time, and the newest stage, reason and run.
- ``pipeline_runs.holder`` (``host:pid``) and ``heartbeat_at``, to mark runs whose process
  died ``abandoned``.
- ``mentions.text`` and ``events.trigger`` become text: a bound there is not meaningful, and
  PostgreSQL enforced it while SQLite did not, so the same article loaded on one and was lost
  on the other.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def _key(uri: str) -> str:
    return hashlib.sha256(uri.encode("utf-8", "surrogatepass")).hexdigest()


def _fill_keys_and_merge_open_duplicates() -> None:
    bind = op.get_bind()
    errors = sa.table("ingest_errors", sa.column("id"), sa.column("source_uri"),
                      sa.column("item_key"), sa.column("status"), sa.column("attempts"),
                      sa.column("last_attempt_at"), sa.column("run_id"), sa.column("stage"),
                      sa.column("error_type"), sa.column("message"))
    rows = bind.execute(sa.select(errors.c.id, errors.c.source_uri)).all()
    for start in range(0, len(rows), 1000):
        bind.execute(sa.update(errors).where(errors.c.id == sa.bindparam("row_id"))
                     .values(item_key=sa.bindparam("key")),
                     [{"row_id": row_id, "key": _key(uri)}
                      for row_id, uri in rows[start:start + 1000]])
    open_rows = bind.execute(
        sa.select(errors.c.id, errors.c.item_key, errors.c.attempts, errors.c.last_attempt_at,
                  errors.c.run_id, errors.c.stage, errors.c.error_type, errors.c.message)
        .where(errors.c.status == "open").order_by(errors.c.id)).all()
    by_item: dict[str, list] = {}
    for row in open_rows:
        by_item.setdefault(row.item_key, []).append(row)
    for group in by_item.values():
        if len(group) < 2:
            continue
        kept, newest = group[0], group[-1]
        last = max((r.last_attempt_at for r in group if r.last_attempt_at), default=None)
        bind.execute(sa.update(errors).where(errors.c.id == kept.id).values(
            attempts=sum(r.attempts or 1 for r in group), last_attempt_at=last,
            run_id=newest.run_id, stage=newest.stage, error_type=newest.error_type,
            message=newest.message))
        bind.execute(sa.delete(errors).where(errors.c.id.in_([r.id for r in group[1:]])))


def upgrade() -> None:
    with op.batch_alter_table('ingest_errors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_key', sa.String(length=64), nullable=True))
    _fill_keys_and_merge_open_duplicates()
    with op.batch_alter_table('ingest_errors', schema=None) as batch_op:
        batch_op.alter_column('item_key', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index('uq_ingest_errors_item_key_open', ['item_key'], unique=True,
                              sqlite_where=OPEN, postgresql_where=OPEN)

    with op.batch_alter_table('pipeline_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.alter_column('text', existing_type=sa.String(length=400), type_=sa.Text(),
                              existing_nullable=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('trigger', existing_type=sa.String(length=100), type_=sa.Text(),
                              existing_nullable=False)


def downgrade() -> None:
    # Values longer than the old bounds are cut, as PostgreSQL would refuse them otherwise.
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('trigger', existing_type=sa.Text(), type_=sa.String(length=100),
                              existing_nullable=False, postgresql_using='left("trigger", 100)')

    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.alter_column('text', existing_type=sa.Text(), type_=sa.String(length=400),
                              existing_nullable=False, postgresql_using='left("text", 400)')

    with op.batch_alter_table('pipeline_runs', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('holder')

    with op.batch_alter_table('ingest_errors', schema=None) as batch_op:
        batch_op.drop_index('uq_ingest_errors_item_key_open', sqlite_where=OPEN,
                            postgresql_where=OPEN)
        batch_op.drop_column('item_key')
