"""Named sources: the ``sources`` table that schedules, backfills, leases and reports refer to.

A source is a name for one input: a feed, a sitemap, a file of URLs, a directory of article
files or a glob of WARC archives, with an optional schedule. :func:`inputs_for` turns it into
the arguments of the ingest flow.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import IntegrityError

from pipeline.db import schema
from pipeline.errors import RunError
from pipeline.urls import BadURL, check_url, shown
from pipeline.windows import parse_interval

KINDS = ("feed", "sitemap", "urls", "path", "warc")
"""What a source can be; each maps to one argument of the ingest flow."""

DEFAULT_SCHEDULES: dict[str, str | None] = {
    "feed": "15m", "sitemap": "1d", "urls": None, "path": None, "warc": None}
"""Feeds change by the minute and sitemaps by the day; files and archives are read when asked."""

_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,99}")
"""Matched whole (``fullmatch``): ``$`` would let a name end in a newline."""
_MAX_SCHEDULE_CHARS = 100
"""The width of ``sources.schedule``."""


class UnknownSourceError(RunError):
    """No source has that name."""


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    name: str
    kind: str
    location: str
    schedule: str | None
    enabled: bool
    created_at: datetime
    last_run_at: datetime | None


@dataclass(frozen=True, slots=True)
class Schedule:
    """A source's schedule, parsed: exactly one of ``interval`` and ``cron`` is set."""

    interval: timedelta | None = None
    cron: str | None = None


_CRON_PART = r"(\*|[0-9a-z]+(-[0-9a-z]+)?)(/[0-9]+)?"
_CRON_FIELD = re.compile(rf"^{_CRON_PART}(,{_CRON_PART})*$")
_CRON_LIMITS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def _valid_cron(fields: list[str]) -> bool:
    # Shape and numeric ranges only; names (jan, mon) pass. The scheduler parses it in full.
    for field, (low, high) in zip(fields, _CRON_LIMITS, strict=True):
        if not _CRON_FIELD.match(field.lower()):
            return False
        numbers = [int(n) for n in re.findall(r"(?<![/0-9])[0-9]+", field)]
        if any(n < low or n > high for n in numbers):
            return False
    return True


def parse_schedule(value: str) -> Schedule:
    """``15m`` / ``6h`` / ``1d`` (an interval) or a five-field cron expression (UTC)."""
    value = value.strip()
    if len(value) > _MAX_SCHEDULE_CHARS or not value.isprintable():
        raise RunError(f"not a schedule: {value[:40]!r}… (an interval such as 15m, 6h, 1d, "
                       "or a cron expression such as '0 6 * * *')")
    fields = value.split()
    if len(fields) == 5:
        if not _valid_cron(fields):
            raise RunError(f"not a valid cron expression: {value!r}")
        return Schedule(cron=value)
    try:
        return Schedule(interval=parse_interval(value))
    except RunError:
        raise RunError(f"not a schedule: {value!r} (an interval such as 15m, 6h, 1d, or a "
                       "cron expression such as '0 6 * * *')") from None


def _check_location(kind: str, location: str) -> str:
    if not location.strip() or not location.isprintable():
        raise RunError(f"a {kind} source needs a location of printable characters, not "
                       f"{shown(location, 60)}")
    if kind in ("feed", "sitemap"):
        try:
            return check_url(location)
        except BadURL as exc:
            raise RunError(f"a {kind} source needs an http(s) URL: {exc.reason}") from None
    if kind == "warc":
        # A glob, not a path: archives often arrive after the source is declared.
        return str(Path(location).expanduser())
    path = Path(location).expanduser().resolve()
    if kind == "urls" and not path.is_file():
        raise RunError(f"a urls source needs a file with one URL a line: {path} is not a file")
    if kind == "path" and not path.exists():
        raise RunError(f"a path source needs a file or directory: {path} does not exist")
    return str(path)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source as it will be stored, every field checked."""

    name: str
    kind: str
    location: str
    schedule: str | None


def check_source(name: str, kind: str, location: str, *,
                 schedule: str | None = "default") -> SourceSpec:
    """The source as :func:`add_source` would store it, or a :class:`RunError` saying which
    field is wrong; touches no database (the CLI checks before it opens one)."""
    if not _NAME.fullmatch(name):
        raise RunError(f"invalid source name {shown(name, 60)}: one line of lower-case "
                       "letters, digits, '.', '_' and '-', starting with a letter or digit, "
                       "at most 100 characters")
    if kind not in KINDS:
        raise RunError(f"unknown source kind {kind!r}: one of {', '.join(KINDS)}")
    location = _check_location(kind, location)
    if schedule == "default":
        schedule = DEFAULT_SCHEDULES[kind]
    if schedule is not None:
        parse_schedule(schedule)
    return SourceSpec(name, kind, location, schedule)


def add_source(engine: Engine, name: str, kind: str, location: str, *,
               schedule: str | None = "default") -> Source:
    """Register a source. ``schedule="default"`` takes :data:`DEFAULT_SCHEDULES`; ``None``
    means run only when asked."""
    spec = check_source(name, kind, location, schedule=schedule)
    name, location, schedule = spec.name, spec.location, spec.schedule
    table = schema.Source.__table__
    try:
        with engine.begin() as connection:
            connection.execute(table.insert().values(
                name=name, kind=kind, location=location, schedule=schedule, enabled=True,
                created_at=datetime.now(UTC)))
    except IntegrityError as exc:
        raise RunError(f"a source named {name!r} exists already (newsflow sources remove "
                       f"{name} first)") from exc
    return get_source(engine, name)


def _source(row: Any) -> Source:
    return Source(id=row.id, name=row.name, kind=row.kind, location=row.location,
                  schedule=row.schedule, enabled=row.enabled, created_at=row.created_at,
                  last_run_at=row.last_run_at)


def list_sources(engine: Engine) -> list[Source]:
    table = schema.Source.__table__
    with engine.connect() as connection:
        return [_source(row) for row in connection.execute(select(table).order_by(table.c.name))]


def get_source(engine: Engine, name: str) -> Source:
    table = schema.Source.__table__
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.name == name)).one_or_none()
    if row is None:
        known = ", ".join(s.name for s in list_sources(engine)) or "none yet"
        raise UnknownSourceError(f"no source named {name!r} (known: {known}; add one with "
                                 "newsflow sources add)")
    return _source(row)


def remove_source(engine: Engine, name: str) -> Source:
    """Forget a source and its backfill ledger; its articles and errors stay, unattributed."""
    source = get_source(engine, name)
    with engine.begin() as connection:
        # Explicit rather than ON DELETE: the rows must survive whatever the backend's
        # foreign-key enforcement.
        for table in (schema.Article.__table__, schema.IngestError.__table__,
                      schema.PipelineRun.__table__):
            connection.execute(update(table).where(table.c.source_id == source.id)
                               .values(source_id=None))
        for table in (schema.BackfillWindow.__table__, schema.SourceLease.__table__):
            connection.execute(delete(table).where(table.c.source_id == source.id))
        connection.execute(delete(schema.Source.__table__)
                           .where(schema.Source.__table__.c.id == source.id))
    return source


def mark_run(engine: Engine, source_id: int, at: datetime | None = None) -> None:
    table = schema.Source.__table__
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == source_id).values(
            last_run_at=at or datetime.now(UTC)))


@dataclass(slots=True)
class SourceInputs:
    """A source as the ingest flow's arguments."""

    paths: list[str]
    urls: list[str]
    feeds: list[str]
    sitemaps: list[str]

    def as_kwargs(self) -> dict[str, list[str]]:
        return {"paths": self.paths, "urls": self.urls, "feeds": self.feeds,
                "sitemaps": self.sitemaps}


def inputs_for(source: Source) -> SourceInputs:
    inputs = SourceInputs([], [], [], [])
    if source.kind == "feed":
        inputs.feeds.append(source.location)
    elif source.kind == "sitemap":
        inputs.sitemaps.append(source.location)
    elif source.kind == "path":
        inputs.paths.append(source.location)
    elif source.kind == "warc":
        inputs.paths.extend(sorted(glob.glob(source.location, recursive=True)))
    else:
        try:
            lines = Path(source.location).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise RunError(f"source {source.name}: cannot read {source.location}: "
                           f"{exc.strerror or exc}") from exc
        inputs.urls.extend(line.strip() for line in lines
                           if line.strip() and not line.lstrip().startswith("#"))
    return inputs
