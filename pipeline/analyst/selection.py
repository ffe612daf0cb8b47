"""What an export or a report covers: an ``ingested_at`` window and a source.

``since`` is inclusive and ``until`` exclusive, so consecutive windows neither overlap nor
leave gaps. ``since = last`` resumes where the previous export to the same target ended
(``export_cursors``). An export without ``until`` ends now, or earlier when a run is still
loading: its rows carry the ``ingested_at`` of the moment their batch started and become
visible only when the batch commits, so a window must not end after the start of a run that
is still going, or the next export, starting at that end, would never see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, true

from pipeline.db import schema
from pipeline.errors import RunError

LAST = "last"
"""The ``--since`` value that resumes from the target's cursor."""


def parse_time(value: str) -> datetime:
    """A date (``2024-06-01``, midnight UTC) or an ISO 8601 datetime (UTC when it has no
    offset; ``Z`` accepted) as an aware UTC datetime."""
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError as exc:
        raise RunError(f"invalid time {value!r}: expected a date (2024-06-01) or a UTC "
                       "datetime (2024-06-01T12:00:00Z)") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Source:
    """A source filter: a named source (``sources.name``) or an outlet (an article's site
    name, else the source name its input gave), whichever the name is."""

    name: str
    source_id: int | None
    """The named source's id, when there is one by that name."""

    def matches(self, articles: Any) -> ColumnElement[bool]:
        """Whether a row of ``articles`` (the table or an alias) is from this source."""
        outlet = func.coalesce(articles.c.site_name, articles.c.source_name)
        if self.source_id is None:
            return outlet == self.name
        return or_(articles.c.source_id == self.source_id, outlet == self.name)


def resolve_source(connection: Connection, name: str) -> Source:
    """The source called ``name``; a run error naming the known ones when there is none."""
    sources, articles = schema.Source.__table__, schema.Article.__table__
    source_id = connection.execute(select(sources.c.id).where(sources.c.name == name)
                                   ).scalar_one_or_none()
    outlet = func.coalesce(articles.c.site_name, articles.c.source_name)
    if source_id is None and connection.execute(
            select(articles.c.id).where(outlet == name).limit(1)).first() is None:
        named = list(connection.execute(select(sources.c.name).order_by(sources.c.name))
                     .scalars())
        outlets = list(connection.execute(
            select(outlet).where(outlet.is_not(None)).group_by(outlet)
            .order_by(func.count().desc(), outlet).limit(12)).scalars())
        raise RunError(f"no source or outlet named {name!r} (named sources: "
                       f"{', '.join(named) or 'none'}; outlets: {', '.join(outlets) or 'none'})")
    return Source(name, source_id)


@dataclass(frozen=True, slots=True)
class Window:
    """An ``ingested_at`` window: ``since`` inclusive, ``until`` exclusive; None is open."""

    since: datetime | None = None
    until: datetime | None = None

    def contains(self, column: Any) -> ColumnElement[bool]:
        clauses = []
        if self.since is not None:
            clauses.append(column >= self.since)
        if self.until is not None:
            clauses.append(column < self.until)
        return and_(true(), *clauses)

    def describe(self) -> str:
        since = f"{self.since:%Y-%m-%d %H:%M:%S}" if self.since else "the start"
        until = f"{self.until:%Y-%m-%d %H:%M:%S}" if self.until else "now"
        return f"ingested from {since} to {until} (UTC)"


@dataclass(frozen=True, slots=True)
class SafeEnd:
    until: datetime
    held_by: int | None
    """The id of the running run that held the end back, if one did."""


def safe_end(connection: Connection, now: datetime, *, stale_after: timedelta) -> SafeEnd:
    """``now``, or the start of the earliest run still loading if that is earlier. A run
    marked running for longer than ``stale_after`` is taken to have died without closing its
    row and does not hold the end back."""
    runs = schema.PipelineRun.__table__
    row = connection.execute(
        select(runs.c.id, runs.c.started_at)
        .where(runs.c.status == "running", runs.c.started_at > now - stale_after,
               runs.c.started_at < now)
        .order_by(runs.c.started_at).limit(1)).first()
    if row is None:
        return SafeEnd(now, None)
    return SafeEnd(row.started_at, row.id)


def cursor_position(connection: Connection, target: str) -> datetime | None:
    """Where the last export to ``target`` ended; None when it has never run."""
    cursors = schema.ExportCursor.__table__
    return connection.execute(select(cursors.c.until).where(cursors.c.target == target)
                              ).scalar_one_or_none()


def save_cursor(connection: Connection, *, target: str, kind: str, format_: str,
                until: datetime, rows: int) -> None:
    cursors = schema.ExportCursor.__table__
    values = {"kind": kind, "format": format_, "until": until, "rows": rows,
              "exported_at": datetime.now(UTC)}
    updated = connection.execute(cursors.update().where(cursors.c.target == target)
                                 .values(values)).rowcount
    if not updated:
        connection.execute(cursors.insert().values(target=target, **values))
