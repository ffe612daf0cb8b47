"""At most one active run per source, across processes and machines: a lease row per source.

A run takes the lease before it touches the source and gives it back when it ends. The lease
is a row in ``source_leases`` (primary key: the source), inserted with ON CONFLICT DO NOTHING,
so of two runs racing for it exactly one wins, on SQLite and PostgreSQL alike. A lease whose
run died without giving it back is taken over when it has expired, or at once when its holder
was a process on this same machine that no longer exists.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from pipeline.db import schema


@dataclass(frozen=True, slots=True)
class Lease:
    source_id: int
    holder: str
    acquired_at: datetime
    expires_at: datetime


def holder_id(run: str | None = None) -> str:
    """``host:pid[:run]``: who holds a lease, precise enough to tell a dead holder."""
    label = f"{socket.gethostname()}:{os.getpid()}"
    return f"{label}:{run}"[:100] if run else label


def holder_is_dead(holder: str) -> bool:
    """True only when the holder was a process on this host that has exited."""
    parts = holder.split(":")
    if len(parts) < 2 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by someone else
        return False
    return False


def current_lease(engine: Engine, source_id: int) -> Lease | None:
    table = schema.SourceLease.__table__
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.source_id == source_id)).one_or_none()
    return Lease(row.source_id, row.holder, row.acquired_at, row.expires_at) if row else None


def acquire_lease(engine: Engine, source_id: int, holder: str, *,
                  seconds: int) -> Lease | None:
    """Take the source's lease for ``seconds``; ``None`` when another live run holds it."""
    table = schema.SourceLease.__table__
    now = datetime.now(UTC)
    with engine.begin() as connection:
        # A write first, so that on SQLite the transaction takes the write lock (waiting its
        # turn) before it reads; a read first would fail at once when a writer came between.
        connection.execute(delete(table).where(table.c.source_id == source_id,
                                               table.c.expires_at <= now))
        existing = connection.execute(
            select(table).where(table.c.source_id == source_id)).one_or_none()
        if existing is not None and holder_is_dead(existing.holder):
            connection.execute(delete(table).where(table.c.source_id == source_id,
                                                   table.c.holder == existing.holder))
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        inserted = connection.execute(dialect.insert(table).values(
            source_id=source_id, holder=holder, acquired_at=now,
            expires_at=now + timedelta(seconds=seconds),
        ).on_conflict_do_nothing().returning(table.c.source_id)).scalar_one_or_none()
    if inserted is None:
        return None
    return Lease(source_id, holder, now, now + timedelta(seconds=seconds))


def renew_lease(engine: Engine, lease: Lease, *, seconds: int) -> bool:
    """Push the expiry out; False when the lease was lost (expired and taken over)."""
    table = schema.SourceLease.__table__
    with engine.begin() as connection:
        result = connection.execute(update(table).where(
            table.c.source_id == lease.source_id, table.c.holder == lease.holder,
        ).values(expires_at=datetime.now(UTC) + timedelta(seconds=seconds)))
    return result.rowcount == 1


def release_lease(engine: Engine, lease: Lease) -> None:
    table = schema.SourceLease.__table__
    with engine.begin() as connection:
        connection.execute(delete(table).where(table.c.source_id == lease.source_id,
                                               table.c.holder == lease.holder))
