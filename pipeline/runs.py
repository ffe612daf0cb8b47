"""The ``pipeline_runs`` rows: opened when a flow starts, kept alive while it works, closed
when it ends, and marked ``abandoned`` when its process died before it could close it.

A run records who runs it (``host:pid``, as a lease holder does) and beats a heartbeat after
each batch. A ``running`` row whose holder is a process of this host that no longer exists
(the same check :mod:`pipeline.leases` uses) is abandoned at once; one from another host when
it has been silent for ``lease_seconds``. The next run checks when it starts, and so does
``newsflow runs``; the abandoned row gets the counts its articles and errors show, since the
process that held them died with them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update

from pipeline.db import schema
from pipeline.db.values import fit, fit_json
from pipeline.leases import holder_id, holder_is_dead

DEFAULT_SILENCE_SECONDS = 6 * 3600
"""Silence after which a run on another host counts as abandoned (``lease_seconds``)."""


def start_run(engine: Engine, *, flow_name: str, parameters: dict[str, Any],
              pipeline_version: str, flow_run_id: str | None = None,
              source_id: int | None = None,
              silence_seconds: int = DEFAULT_SILENCE_SECONDS) -> int:
    """Open a ``pipeline_runs`` row in status ``running``, held by this process; returns its
    id. Runs whose process died are marked abandoned first."""
    now = datetime.now(UTC)
    table = schema.PipelineRun.__table__
    with engine.begin() as connection:
        run_id = connection.execute(table.insert().returning(table.c.id), {
            "flow_name": flow_name, "flow_run_id": flow_run_id,
            "parameters": fit_json(parameters), "status": "running", "started_at": now,
            "pipeline_version": pipeline_version, "read_count": 0, "new_count": 0,
            "duplicate_count": 0, "failed_count": 0, "mention_count": 0,
            "event_count": 0, "near_duplicate_count": 0, "source_id": source_id,
            "holder": holder_id(), "heartbeat_at": now}).scalar_one()
    reap_abandoned(engine, silence_seconds=silence_seconds, found_by=f"run {run_id}")
    return run_id


def touch_run(engine: Engine, run_id: int) -> None:
    """A sign of life from a running run (after each batch)."""
    table = schema.PipelineRun.__table__
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == run_id)
                           .values(heartbeat_at=datetime.now(UTC)))


def finish_run(engine: Engine, run_id: int, *, status: str, counts: dict[str, Any],
               message: str | None = None) -> None:
    """Close a run with its final status and counts (any ``pipeline_runs`` columns)."""
    table = schema.PipelineRun.__table__
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == run_id).values(
            status=status, finished_at=datetime.now(UTC),
            message=fit(message, None) if message else None, **counts))


def reap_abandoned(engine: Engine, *, silence_seconds: int = DEFAULT_SILENCE_SECONDS,
                   found_by: str, now: datetime | None = None) -> list[int]:
    """Mark ``abandoned`` every running run whose process is gone; returns their ids."""
    runs = schema.PipelineRun.__table__
    now = now or datetime.now(UTC)
    silent_since = now - timedelta(seconds=silence_seconds)
    with engine.connect() as connection:
        running = connection.execute(select(
            runs.c.id, runs.c.holder, runs.c.started_at, runs.c.heartbeat_at)
            .where(runs.c.status == "running")).all()
    reaped = []
    for run_id, holder, started_at, heartbeat_at in running:
        if holder and holder_is_dead(holder):
            why = f"its process ({holder}) is gone"
        elif (heartbeat_at or started_at) < silent_since:
            why = (f"no sign of life since {(heartbeat_at or started_at):%Y-%m-%d %H:%M:%S} "
                   f"UTC ({holder or 'holder unknown'}; lease_seconds {silence_seconds})")
        else:
            continue
        with engine.begin() as connection:
            done = connection.execute(update(runs).where(
                runs.c.id == run_id, runs.c.status == "running").values(
                status="abandoned", finished_at=now,
                message=f"abandoned: {why}; found by {found_by}",
                **_counts_from_rows(connection, run_id))).rowcount
        if done:
            reaped.append(run_id)
    return reaped


def _counts_from_rows(connection: Any, run_id: int) -> dict[str, int]:
    """What a dead run left: its articles, their mentions and events, and its failures."""
    articles, errors = schema.Article.__table__, schema.IngestError.__table__
    mentions, events = schema.Mention.__table__, schema.Event.__table__
    mine = select(articles.c.id).where(articles.c.run_id == run_id)

    def count(query: Any) -> int:
        return connection.execute(query).scalar_one()

    new = count(select(func.count()).select_from(articles).where(articles.c.run_id == run_id))
    failed = count(select(func.count()).select_from(errors).where(errors.c.run_id == run_id))
    return {"new_count": new, "failed_count": failed, "read_count": new + failed,
            "mention_count": count(select(func.count()).select_from(mentions)
                                   .where(mentions.c.article_id.in_(mine))),
            "event_count": count(select(func.count()).select_from(events)
                                 .where(events.c.article_id.in_(mine)))}
