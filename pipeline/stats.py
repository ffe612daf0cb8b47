"""Summary queries over the output tables, for ``newsflow stats`` and run summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from pipeline.db import schema


@dataclass(slots=True)
class DatabaseStats:
    counts: dict[str, int]
    first_published: datetime | None
    last_published: datetime | None
    languages: list[tuple[str | None, int]] = field(default_factory=list)
    """Articles per language, most first."""
    language_mentions: dict[str | None, int] = field(default_factory=dict)
    """Entity mentions per article language."""
    top_entities: list[dict[str, Any]] = field(default_factory=list)
    errors_by_stage: list[tuple[str, str, int]] = field(default_factory=list)


def database_stats(engine: Engine, *, top: int = 15) -> DatabaseStats:
    """Row counts, the publication date range, languages, top entities and errors by stage."""
    tables = {"articles": schema.Article, "entities": schema.Entity,
              "entity_aliases": schema.EntityAlias, "mentions": schema.Mention,
              "events": schema.Event, "event_clusters": schema.EventCluster,
              "article_urls": schema.ArticleUrl, "raw_documents": schema.RawDocument,
              "pipeline_runs": schema.PipelineRun, "ingest_errors": schema.IngestError}
    article, entity, mention = schema.Article, schema.Entity, schema.Mention
    error = schema.IngestError
    with engine.connect() as connection:
        counts = {name: connection.execute(select(func.count()).select_from(model)).scalar_one()
                  for name, model in tables.items()}
        first, last = connection.execute(
            select(func.min(article.published_at), func.max(article.published_at))).one()
        languages = connection.execute(
            select(article.language, func.count()).group_by(article.language)
            .order_by(func.count().desc())).all()
        language_mentions = dict(connection.execute(
            select(article.language, func.count(mention.id))
            .join(mention, mention.article_id == article.id)
            .group_by(article.language)).all())
        mentions = func.count(mention.id).label("mentions")
        articles = func.count(func.distinct(mention.article_id)).label("articles")
        top_rows = connection.execute(
            select(entity.name, entity.type, entity.country_code, mentions, articles)
            .join(mention, mention.entity_id == entity.id)
            .group_by(entity.id, entity.name, entity.type, entity.country_code)
            .order_by(mentions.desc(), entity.name).limit(top)).mappings().all()
        errors = connection.execute(
            select(error.stage, error.error_type, func.count())
            .group_by(error.stage, error.error_type).order_by(func.count().desc())).all()
    return DatabaseStats(
        counts=counts,
        first_published=schema.UTCDateTime().process_result_value(first, engine.dialect),
        last_published=schema.UTCDateTime().process_result_value(last, engine.dialect),
        languages=[(lang, n) for lang, n in languages],
        language_mentions=language_mentions,
        top_entities=[dict(row) for row in top_rows],
        errors_by_stage=[(stage, kind, n) for stage, kind, n in errors],
    )


def recent_runs(engine: Engine, *, limit: int = 20) -> list[dict[str, Any]]:
    """The latest pipeline runs, newest first, with the name of their source (if any)."""
    table, sources = schema.PipelineRun.__table__, schema.Source.__table__
    with engine.connect() as connection:
        rows = connection.execute(
            select(table, sources.c.name.label("source_name"))
            .outerjoin(sources, sources.c.id == table.c.source_id)
            .order_by(table.c.id.desc()).limit(limit))
        return [dict(row) for row in rows.mappings()]


def open_errors(engine: Engine, *, stage: str | None = None, limit: int = 50,
                include_resolved: bool = False,
                ) -> tuple[list[tuple[str, str, int]], list[dict[str, Any]]]:
    """Quarantined items still open (or all, with ``include_resolved``): counts by stage and
    error type, and the latest ones in full."""
    table = schema.IngestError.__table__
    where = [table.c.stage == stage] if stage else []
    if not include_resolved:
        where.append(table.c.status == "open")
    with engine.connect() as connection:
        counts = connection.execute(
            select(table.c.stage, table.c.error_type, func.count()).where(*where)
            .group_by(table.c.stage, table.c.error_type).order_by(func.count().desc())).all()
        latest = connection.execute(
            select(table).where(*where).order_by(table.c.id.desc()).limit(limit)).mappings()
        return [(s, k, n) for s, k, n in counts], [dict(row) for row in latest]
