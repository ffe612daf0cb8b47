"""``newsflow export``: tables out as GDELT 2.0, CSV, Parquet or JSON Lines, streamed.

Rows come from one query per export through a streaming cursor (a server-side cursor on
PostgreSQL) and go to the file a batch at a time, so memory stays flat however many rows
there are. The file is written beside its destination and renamed into place when complete:
a failed export leaves no half file, and the cursor of ``--since last`` moves only after
the file is there.

What each kind is:

* ``events``: one row per event cluster (a real-world event; GDELT's Events table), selected
  by when it was first seen (the ``ingested_at`` of the first article that reported it);
* ``event-mentions``: one row per ``events`` row (a sentence of an article stating an event;
  GDELT's Mentions table), selected by its article's ``ingested_at``; the GDELT format has
  only those that belong to a cluster, so that every row joins the events file;
* ``articles``, ``mentions``: rows of those tables, by their article's ``ingested_at``;
* ``entities``: entities mentioned in the selected articles, with their counts there.

``--source`` keeps an event cluster when any of its articles is from that source, and any
other row when its article is.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Date,
    Engine,
    Float,
    Integer,
    Select,
    and_,
    exists,
    func,
    literal,
    select,
)

from pipeline.analyst import gdelt
from pipeline.analyst.lookups import region_codes
from pipeline.analyst.selection import (
    LAST,
    Source,
    Window,
    cursor_position,
    resolve_source,
    safe_end,
    save_cursor,
)
from pipeline.analyst.views import events_view
from pipeline.db import schema
from pipeline.errors import RunError

KINDS = ("events", "event-mentions", "articles", "entities", "mentions")
FORMATS = ("gdelt", "csv", "parquet", "jsonl")
GDELT_KINDS = ("events", "event-mentions")
BATCH_ROWS = 10_000
"""Rows fetched from the cursor and written per batch (and per Parquet row group at most)."""
STDOUT = "-"


@dataclass(frozen=True, slots=True)
class Field:
    """One column of an export in our own formats, with the type Parquet stores it as."""

    name: str
    type: str
    """int, float, str, bool, date or timestamp."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    kind: str
    format: str
    out: str
    rows: int
    bytes: int | None
    """Size of the file written; None for standard output."""
    window: Window
    target: str
    held_by: int | None
    """A run still loading that held the window's end back."""


_articles, _events = schema.Article.__table__, schema.Event.__table__
_clusters, _entities = schema.EventCluster.__table__, schema.Entity.__table__
_countries, _cameo = schema.Country.__table__, schema.CameoCode.__table__
_quads, _sources = schema.QuadClass.__table__, schema.Source.__table__
_mentions = schema.Mention.__table__


# ------------------------------------------------------------------------------- queries

def _cluster_has_source(cluster_id: Any, source: Source) -> ColumnElement[bool]:
    events, articles = _events.alias("src_e"), _articles.alias("src_a")
    return exists(select(literal(1)).select_from(
        events.join(articles, articles.c.id == events.c.article_id))
        .where(events.c.cluster_id == cluster_id, source.matches(articles)))


def _first_seen(cluster_id: Any) -> Any:
    """When a cluster was first seen: the earliest ``ingested_at`` of its articles."""
    events, articles = _events.alias("seen_e"), _articles.alias("seen_a")
    return (select(func.min(articles.c.ingested_at))
            .select_from(events.join(articles, articles.c.id == events.c.article_id))
            .where(events.c.cluster_id == cluster_id).scalar_subquery())


def events_query(window: Window, source: Source | None) -> tuple[Select, list[Field]]:
    """One row per event cluster, with what its first report says about it."""
    c = _clusters
    inner_e, inner_a = _events.alias("first_e"), _articles.alias("first_a")
    first_event = (select(inner_e.c.id)
                   .select_from(inner_e.join(inner_a, inner_a.c.id == inner_e.c.article_id))
                   .where(inner_e.c.cluster_id == c.c.id)
                   .order_by(inner_a.c.ingested_at, inner_a.c.id, inner_e.c.sentence_index,
                             inner_e.c.id)
                   .limit(1).correlate(c).scalar_subquery())
    fe, fa = _events.alias("fe"), _articles.alias("fa")
    a1, a2 = _entities.alias("a1"), _entities.alias("a2")
    c1, c2 = _countries.alias("c1"), _countries.alias("c2")
    cc, qc = _cameo.alias("cc"), _quads.alias("qc")
    columns = [
        (c.c.id, "event_id", "int"), (c.c.event_date, "event_date", "date"),
        (c.c.actor1_code, "actor1_code", "str"), (a1.c.name, "actor1_name", "str"),
        (fe.c.actor1_country, "actor1_country", "str"),
        (c1.c.name, "actor1_country_name", "str"),
        (func.nullif(c.c.actor2_code, ""), "actor2_code", "str"),
        (a2.c.name, "actor2_name", "str"), (fe.c.actor2_country, "actor2_country", "str"),
        (c2.c.name, "actor2_country_name", "str"),
        (c.c.cameo_code, "cameo_code", "str"), (cc.c.name, "cameo_name", "str"),
        (cc.c.base_code, "base_code", "str"), (fe.c.cameo_root, "root_code", "str"),
        (fe.c.quad_class, "quad_class", "int"), (qc.c.name, "quad_class_name", "str"),
        (fe.c.goldstein, "goldstein", "float"), (fe.c.plover_type, "plover_type", "str"),
        (fe.c.plover_mode, "plover_mode", "str"),
        (c.c.num_mentions, "num_mentions", "int"), (c.c.num_articles, "num_articles", "int"),
        (c.c.num_sources, "num_sources", "int"),
        (fa.c.ingested_at, "first_seen_at", "timestamp"),
        (fa.c.id, "first_article_id", "int"),
        (fe.c.sentence_index, "first_sentence_index", "int"),
        (func.coalesce(fa.c.url, fa.c.source_uri), "source_url", "str"),
        (fa.c.published_at, "first_published_at", "timestamp"),
    ]
    query = (select(*(column.label(name) for column, name, _ in columns))
             .select_from(
                 c.join(fe, fe.c.id == first_event)
                 .join(fa, fa.c.id == fe.c.article_id)
                 .outerjoin(a1, a1.c.id == fe.c.actor1_entity_id)
                 .outerjoin(a2, a2.c.id == fe.c.actor2_entity_id)
                 .outerjoin(c1, c1.c.alpha3 == fe.c.actor1_country)
                 .outerjoin(c2, c2.c.alpha3 == fe.c.actor2_country)
                 .outerjoin(cc, cc.c.code == c.c.cameo_code)
                 .outerjoin(qc, qc.c.code == fe.c.quad_class))
             .where(window.contains(fa.c.ingested_at))
             .order_by(c.c.id))
    if source is not None:
        query = query.where(_cluster_has_source(c.c.id, source))
    return query, [Field(name, type_) for _, name, type_ in columns]


def _field_type(column: Any) -> str:
    """The export type of a typed view column."""
    type_ = column.type
    if isinstance(type_, schema.UTCDateTime):
        return "timestamp"
    for sql_type, name in ((Boolean, "bool"), (Integer, "int"), (Float, "float"),
                           (Date, "date")):
        if isinstance(type_, sql_type):
            return name
    return "str"


def _mention_source_filter(event_id: Any, cluster_id: Any, articles: Any,
                           source: Source) -> ColumnElement[bool]:
    """An events row is kept when its cluster has an article from the source, or, outside
    any cluster, when its own article is from it."""
    return ((cluster_id.is_(None) & source.matches(articles))
            | (cluster_id.is_not(None) & _cluster_has_source(cluster_id, source)))


def event_mentions_query(window: Window, source: Source | None) -> tuple[Select, list[Field]]:
    """Every events row, as ``events_view`` has it."""
    v = events_view
    query = select(v).where(window.contains(v.c.ingested_at)).order_by(v.c.event_id)
    if source is not None:
        own = _articles.alias("own_a")
        query = query.where(exists(select(literal(1)).where(
            own.c.id == v.c.article_id,
            _mention_source_filter(v.c.event_id, v.c.cluster_id, own, source))))
    return query, [Field(column.name, _field_type(column)) for column in v.c]


def _actor_offset(events: Any, entity_id: Any) -> Any:
    """Where the actor's entity is first mentioned inside the event's sentence."""
    m = _mentions.alias("actor_m")
    # "+ 0" keeps both planners on the article's few mentions (ix_mentions_article_id) instead
    # of every mention of a common entity (ix_mentions_entity_id), which SQLite picks.
    return (select(func.min(m.c.start_char))
            .where(m.c.article_id == events.c.article_id, m.c.entity_id + 0 == entity_id,
                   m.c.section == "body", m.c.start_char >= events.c.start_char,
                   m.c.start_char < events.c.end_char)
            .scalar_subquery())


def gdelt_mentions_query(window: Window, source: Source | None) -> Select:
    e, a = _events, _articles
    query = (select(
        e.c.cluster_id, _first_seen(e.c.cluster_id).label("first_seen_at"),
        a.c.ingested_at, a.c.url, a.c.source_uri,
        func.coalesce(a.c.site_name, a.c.source_name).label("outlet"), e.c.sentence_index,
        _actor_offset(e, e.c.actor1_entity_id).label("actor1_offset"),
        _actor_offset(e, e.c.actor2_entity_id).label("actor2_offset"),
        e.c.start_char, e.c.evidence, e.c.trigger, e.c.confidence,
        func.length(a.c.text).label("doc_length"))
        .select_from(e.join(a, a.c.id == e.c.article_id))
        .where(e.c.cluster_id.is_not(None), window.contains(a.c.ingested_at))
        .order_by(e.c.id))
    if source is not None:
        query = query.where(_cluster_has_source(e.c.cluster_id, source))
    return query


def articles_query(window: Window, source: Source | None) -> tuple[Select, list[Field]]:
    a, s = _articles, _sources
    columns = [
        (a.c.id, "article_id", "int"), (a.c.url, "url", "str"),
        (a.c.source_uri, "source_uri", "str"), (a.c.title, "title", "str"),
        (a.c.author, "author", "str"), (a.c.site_name, "site_name", "str"),
        (a.c.source_name, "source_name", "str"),
        (func.coalesce(a.c.site_name, a.c.source_name), "outlet", "str"),
        (a.c.source_id, "source_id", "int"), (s.c.name, "source", "str"),
        (a.c.published_at, "published_at", "timestamp"),
        (a.c.published_date, "published_date", "date"),
        (a.c.published_at_source, "published_at_source", "str"),
        (a.c.modified_at, "modified_at", "timestamp"), (a.c.language, "language", "str"),
        (a.c.word_count, "word_count", "int"), (a.c.image, "image", "str"),
        (a.c.source_format, "source_format", "str"),
        (a.c.content_hash, "content_hash", "str"), (a.c.duplicate_of, "duplicate_of", "int"),
        (a.c.fetched_at, "fetched_at", "timestamp"),
        (a.c.ingested_at, "ingested_at", "timestamp"), (a.c.run_id, "run_id", "int"),
        (a.c.pipeline_version, "pipeline_version", "str"), (a.c.text, "text", "str"),
    ]
    query = (select(*(column.label(name) for column, name, _ in columns))
             .select_from(a.outerjoin(s, s.c.id == a.c.source_id))
             .where(window.contains(a.c.ingested_at)).order_by(a.c.id))
    if source is not None:
        query = query.where(source.matches(a))
    return query, [Field(name, type_) for _, name, type_ in columns]


def mentions_query(window: Window, source: Source | None) -> tuple[Select, list[Field]]:
    m, a, en = _mentions, _articles, _entities
    columns = [
        (m.c.id, "mention_id", "int"), (m.c.article_id, "article_id", "int"),
        (m.c.entity_id, "entity_id", "int"), (en.c.name, "entity_name", "str"),
        (en.c.type, "entity_type", "str"), (en.c.country_code, "country_code", "str"),
        (m.c.text, "text", "str"), (m.c.label, "label", "str"),
        (m.c.section, "section", "str"), (m.c.start_char, "start_char", "int"),
        (m.c.end_char, "end_char", "int"), (m.c.sentence_index, "sentence_index", "int"),
        (a.c.published_date, "published_date", "date"),
        (a.c.ingested_at, "ingested_at", "timestamp"),
        (m.c.pipeline_version, "pipeline_version", "str"),
    ]
    query = (select(*(column.label(name) for column, name, _ in columns))
             .select_from(m.join(a, a.c.id == m.c.article_id)
                          .join(en, en.c.id == m.c.entity_id))
             .where(window.contains(a.c.ingested_at)).order_by(m.c.id))
    if source is not None:
        query = query.where(source.matches(a))
    return query, [Field(name, type_) for _, name, type_ in columns]


def entities_query(window: Window, source: Source | None) -> tuple[Select, list[Field]]:
    m, a, en, co = _mentions, _articles, _entities, _countries
    columns = [
        (en.c.id, "entity_id", "int"), (en.c.name, "name", "str"), (en.c.type, "type", "str"),
        (en.c.country_code, "country_code", "str"), (co.c.name, "country_name", "str"),
        (func.count(), "mentions", "int"),
        (func.count(func.distinct(m.c.article_id)), "articles", "int"),
        (func.min(a.c.ingested_at), "first_seen_at", "timestamp"),
        (func.max(a.c.ingested_at), "last_seen_at", "timestamp"),
        (en.c.pipeline_version, "pipeline_version", "str"),
    ]
    where = [window.contains(a.c.ingested_at)]
    if source is not None:
        where.append(source.matches(a))
    query = (select(*(column.label(name) for column, name, _ in columns))
             .select_from(m.join(a, a.c.id == m.c.article_id)
                          .join(en, en.c.id == m.c.entity_id)
                          .outerjoin(co, co.c.alpha3 == en.c.country_code))
             .where(and_(*where))
             .group_by(en.c.id, en.c.name, en.c.type, en.c.country_code, co.c.name,
                       en.c.pipeline_version)
             .order_by(en.c.id))
    return query, [Field(name, type_) for _, name, type_ in columns]


_OWN_QUERIES: dict[str, Callable[[Window, Source | None], tuple[Select, list[Field]]]] = {
    "events": events_query, "event-mentions": event_mentions_query,
    "articles": articles_query, "mentions": mentions_query, "entities": entities_query,
}


def code_book(connection: Connection) -> gdelt.CodeBook:
    return gdelt.CodeBook(dict(connection.execute(
        select(_countries.c.alpha3, _countries.c.cameo_code)).all()), region_codes())


# ------------------------------------------------------------------------------- writers

def _iso(value: Any) -> str:
    """JSON for the values ``json`` has no form for: dates and datetimes, in ISO 8601."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _csv_row(fields: Sequence[Field]) -> Callable[[Sequence[Any]], Sequence[Any]] | None:
    """What turns a row into CSV values: ISO dates, true/false; None when nothing needs to
    (the csv module writes None as an empty field and numbers as they print)."""
    special = [(index, field.type) for index, field in enumerate(fields)
               if field.type in ("bool", "date", "timestamp")]
    if not special:
        return None

    def convert(row: Sequence[Any]) -> Sequence[Any]:
        values = list(row)
        for index, type_ in special:
            value = values[index]
            if value is not None:
                values[index] = ("true" if value else "false") if type_ == "bool" \
                    else value.isoformat()
        return values

    return convert


class _TextWriter:
    """CSV, JSON Lines and GDELT (tab-separated, no header) rows to a text stream."""

    def __init__(self, stream: IO[str], format_: str, fields: Sequence[Field] | None) -> None:
        self._stream, self._format = stream, format_
        self._names = [field.name for field in fields or []]
        self._csv_row = _csv_row(fields or [])
        if format_ == "csv":
            self._csv = csv.writer(stream, lineterminator="\n")
            self._csv.writerow(self._names)
        elif format_ == "gdelt":
            # GDELT files are tab-separated with no quoting; fields never hold tabs or
            # newlines (gdelt.py replaces them).
            self._csv = csv.writer(stream, delimiter="\t", quoting=csv.QUOTE_NONE,
                                   escapechar=None, quotechar=None, lineterminator="\n")

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        if self._format == "jsonl":
            names, dumps = self._names, json.dumps
            self._stream.writelines(
                dumps(dict(zip(names, row, strict=True)), ensure_ascii=False, default=_iso)
                + "\n" for row in rows)
        elif self._format == "csv" and self._csv_row is not None:
            self._csv.writerows(map(self._csv_row, rows))
        else:
            self._csv.writerows(rows)

    def close(self) -> None:
        self._stream.flush()


class _ParquetWriter:
    """Rows to a Parquet file, one row group per batch, with a schema from the fields."""

    def __init__(self, path: Path, fields: Sequence[Field]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(),
                 "bool": pa.bool_(), "date": pa.date32(), "timestamp": pa.timestamp("us", "UTC")}
        self._pa = pa
        self._schema = pa.schema([pa.field(f.name, types[f.type]) for f in fields])
        self._writer = pq.ParquetWriter(str(path), self._schema, compression="zstd")

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        columns = list(zip(*rows, strict=True))
        arrays = [self._pa.array(list(values), type=field.type)
                  for values, field in zip(columns, self._schema, strict=True)]
        self._writer.write_table(self._pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        self._writer.close()


# ------------------------------------------------------------------------------- export

def default_target(kind: str, format_: str, out: str) -> str:
    """The cursor key of an export that names no ``--target``: what, how and where to."""
    where = out if out == STDOUT else str(Path(out).expanduser().resolve())
    return f"{kind}.{format_}:{where}"


def _batches(connection: Connection, query: Select, batch_rows: int
             ) -> Iterator[Sequence[Any]]:
    result = connection.execution_options(yield_per=batch_rows).execute(query)
    yield from result.partitions(batch_rows)


@dataclass(frozen=True, slots=True)
class ExportRequest:
    kind: str
    format: str
    out: str
    """A file path, or ``-`` for standard output (not for Parquet)."""
    since: datetime | str | None = None
    """A time, :data:`LAST` (resume from the target's cursor) or None (from the start)."""
    until: datetime | None = None
    source: str | None = None
    target: str | None = None
    """The cursor's key; default: kind, format and the resolved output path."""


def export(engine: Engine, request: ExportRequest, *, batch_rows: int = BATCH_ROWS,
           stale_after: timedelta = timedelta(hours=6), now: datetime | None = None,
           stdout: IO[str] | None = None) -> ExportResult:
    """Write the rows ``request`` selects; records the target's cursor afterwards."""
    kind, format_ = request.kind, request.format
    if kind not in KINDS:
        raise RunError(f"unknown export {kind!r}: one of {', '.join(KINDS)}")
    if format_ not in FORMATS:
        raise RunError(f"unknown format {format_!r}: one of {', '.join(FORMATS)}")
    if format_ == "gdelt" and kind not in GDELT_KINDS:
        raise RunError(f"GDELT has no {kind} file: --format gdelt exports events and "
                       "event-mentions")
    if format_ == "parquet" and request.out == STDOUT:
        raise RunError("Parquet cannot be written to standard output: give --out FILE")
    target = request.target or default_target(kind, format_, request.out)
    with engine.connect() as connection:
        since = request.since
        if since == LAST:
            since = cursor_position(connection, target)
        held_by = None
        until = request.until
        if until is None:
            end = safe_end(connection, now or datetime.now(UTC), stale_after=stale_after)
            until, held_by = end.until, end.held_by
        window = Window(since if isinstance(since, datetime) else None, until)
        if window.since and window.since > until:
            raise RunError(f"--since {window.since:%Y-%m-%d %H:%M:%S} is after the end of "
                           f"the window ({until:%Y-%m-%d %H:%M:%S})")
        source = resolve_source(connection, request.source) if request.source else None
        rows, size = _write(connection, request, window, source, batch_rows, stdout)
        connection.rollback()  # the read transaction; the cursor is written in its own
    with engine.begin() as connection:
        save_cursor(connection, target=target, kind=kind, format_=format_, until=until,
                    rows=rows)
    return ExportResult(kind, format_, request.out, rows, size, window, target, held_by)


def _write(connection: Connection, request: ExportRequest, window: Window,
           source: Source | None, batch_rows: int, stdout: IO[str] | None
           ) -> tuple[int, int | None]:
    kind, format_ = request.kind, request.format
    if format_ == "gdelt":
        fields = None
        if kind == "events":
            query, _ = events_query(window, source)
            book = code_book(connection)

            def convert(row: Any) -> list[str]:
                return gdelt.event_row(row._mapping, book)
        else:
            query = gdelt_mentions_query(window, source)

            def convert(row: Any) -> list[str]:
                return gdelt.mention_row(row._mapping)
    else:
        query, fields = _OWN_QUERIES[kind](window, source)

        def convert(row: Any) -> Any:
            return tuple(row)

    if request.out == STDOUT:
        writer = _TextWriter(stdout or sys.stdout, format_, fields)
        rows = _pump(connection, query, convert, writer, batch_rows)
        writer.close()
        return rows, None
    path = Path(request.out).expanduser()
    if not path.parent.is_dir():
        raise RunError(f"cannot write {path}: no directory {path.parent}")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        if format_ == "parquet":
            assert fields is not None
            parquet = _ParquetWriter(partial, fields)
            rows = _pump(connection, query, convert, parquet, batch_rows)
            parquet.close()
        else:
            with _open_text(partial) as stream:
                writer = _TextWriter(stream, format_, fields)
                rows = _pump(connection, query, convert, writer, batch_rows)
                writer.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return rows, path.stat().st_size


def _open_text(path: Path) -> IO[str]:
    """A text stream to ``path``; gzip-compressed when the destination ends in ``.gz``."""
    if path.name.split(".partial-")[0].endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "wb", compresslevel=6), encoding="utf-8",
                                newline="")
    return path.open("w", encoding="utf-8", newline="")


def _pump(connection: Connection, query: Select, convert: Callable[[Any], Any],
          writer: _TextWriter | _ParquetWriter, batch_rows: int) -> int:
    rows = 0
    for batch in _batches(connection, query, batch_rows):
        writer.write([convert(row) for row in batch])
        rows += len(batch)
    return rows
