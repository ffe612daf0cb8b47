"""Loading analysed articles into the database: idempotent, batched, one bad article isolated.

Each batch is one transaction; each article inside it is a SAVEPOINT, so an article that fails
(a value the database refuses, or anything else) is rolled back alone and quarantined while
the rest commits (:mod:`pipeline.db.transaction`). Articles are unique by content hash and by
URL: loading the same input twice adds nothing. Quarantined items have one open row each in
``ingest_errors``: failing again updates it, loading resolves it.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Insert, func, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from pipeline import dedup
from pipeline.db import schema
from pipeline.db.transaction import first_line, in_savepoints, is_transient
from pipeline.db.values import fit, fit_row
from pipeline.entities.store import EntityIds
from pipeline.errors import TransientError
from pipeline.records import (
    AnalyzedArticle,
    CodedEvent,
    FetchedDocument,
    ItemFailure,
    SourceRef,
)

STAGE = "load"


@dataclass(slots=True)
class LoadResult:
    new: int = 0
    duplicate: int = 0
    near_duplicate: int = 0
    """New articles that are near-copies of an earlier one (loaded, with ``duplicate_of`` set)."""
    mentions: int = 0
    events: int = 0
    article_ids: list[int] = field(default_factory=list)
    stored: dict[str, int] = field(default_factory=dict)
    """The article each item that went through is stored as (new or loaded before), by its
    source URI."""
    failed: list[ItemFailure] = field(default_factory=list)
    resolved: set[str] = field(default_factory=set)
    """Items (source URIs) whose open error this load resolved."""


def _insert(connection: Connection, table: Any) -> Insert:
    """The dialect's INSERT, which has ``on_conflict_do_nothing`` / ``do_update``."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)




def _article_row(item: AnalyzedArticle, *, run_id: int | None, pipeline_version: str,
                 now: datetime, source_id: int | None) -> dict[str, Any]:
    article, raw = item.article, item.article.raw
    return {
        "source_uri": raw.source_uri,
        "url": raw.url,
        "title": article.title,
        "author": raw.author,
        "site_name": raw.site_name,
        "published_at": raw.published_at,
        "published_at_source": raw.published_at_source,
        "published_date": raw.published_date,
        "modified_at": raw.modified_at,
        "language": article.language,
        "text": article.text,
        "content_hash": article.content_hash,
        "word_count": article.word_count,
        "image": raw.image,
        "source_format": raw.format,
        "source_name": raw.source_name,
        "ingested_at": now,
        "pipeline_version": pipeline_version,
        "run_id": run_id,
        "fetched_at": raw.fetched_at,
        "source_id": source_id,
    }


def _store_document(connection: Connection, document: FetchedDocument) -> int:
    """The raw response, zlib-compressed; stored once per URL and body."""
    table = schema.RawDocument.__table__
    digest = hashlib.sha256(document.body).hexdigest()
    row = fit_row(table, {
        "url": document.url, "final_url": document.final_url, "status": document.status,
        "headers": document.headers, "fetched_at": document.fetched_at, "body_sha256": digest,
        "body_bytes": len(document.body), "compression": "zlib",
        "body": zlib.compress(document.body, 6)})
    connection.execute(_insert(connection, table).values(row).on_conflict_do_nothing())
    return connection.execute(select(table.c.id).where(
        table.c.url == row["url"], table.c.body_sha256 == digest)).scalar_one()


def _existing_article(connection: Connection, item: AnalyzedArticle) -> int | None:
    table = schema.Article.__table__
    match = table.c.content_hash == item.article.content_hash
    if item.article.raw.url:
        match = match | (table.c.url == item.article.raw.url)
    return connection.execute(select(table.c.id).where(match).order_by(table.c.id).limit(1)
                              ).scalar_one_or_none()


def _near_duplicate_of(connection: Connection, article_id: int,
                       print_: dedup.Fingerprint) -> int | None:
    """Index the article's LSH bands and return the earliest article it nearly copies."""
    bands = schema.ArticleLshBand.__table__
    articles = schema.Article.__table__
    candidates = connection.execute(
        select(articles.c.id, articles.c.minhash, articles.c.duplicate_of)
        .where(articles.c.id.in_(
            select(bands.c.article_id).where(
                tuple_(bands.c.band, bands.c.hash).in_(list(enumerate(print_.bands))),
                bands.c.article_id != article_id)))
        .order_by(articles.c.id)).all()
    connection.execute(bands.insert(), [{"article_id": article_id, "band": band, "hash": value}
                                        for band, value in enumerate(print_.bands)])
    for candidate_id, signature, duplicate_of in candidates:
        if signature and dedup.similarity(signature, print_.signature) >= dedup.THRESHOLD:
            return duplicate_of or candidate_id
    return None


def _record_urls_and_state(connection: Connection, item: AnalyzedArticle, article_id: int,
                           now: datetime) -> None:
    """Where the article was seen, the fetch validators, and the source item that listed it:
    written in the article's own savepoint, so state never runs ahead of the rows."""
    raw = item.article.raw
    urls = list(dict.fromkeys(u for u in (*raw.seen_urls, raw.url) if u))
    if urls:
        statement = _insert(connection, schema.ArticleUrl.__table__).on_conflict_do_nothing()
        connection.execute(statement, [{"article_id": article_id, "url": fit(url, None),
                                        "seen_at": now} for url in urls])
    if raw.document is not None:
        mark_fetched(connection, raw.document.url, headers=raw.document.headers,
                     status=raw.document.status, fetched_at=raw.document.fetched_at,
                     article_id=article_id)
    if raw.source_ref is not None:
        mark_source_item(connection, raw.source_ref, article_id=article_id, now=now)


def mark_fetched(connection: Connection, url: str, *, headers: dict[str, str], status: int,
                 fetched_at: datetime, article_id: int | None = None) -> None:
    """Upsert the URL's validators (``ETag``, ``Last-Modified``) and last outcome."""
    table = schema.UrlState.__table__
    values = fit_row(table, {"etag": headers.get("etag"),
                             "last_modified": headers.get("last-modified"),
                             "last_status": status, "last_fetched_at": fetched_at})
    if status == 304:  # a 304 confirms the stored validators; it may omit them
        values = {"last_status": status, "last_fetched_at": fetched_at}
    if article_id is not None:
        values["article_id"] = article_id
    statement = _insert(connection, table).values(url=fit(url, None), **values)
    connection.execute(statement.on_conflict_do_update(index_elements=["url"], set_=values))


def mark_source_item(connection: Connection, ref: SourceRef, *, article_id: int | None,
                     now: datetime) -> None:
    """Remember that a feed entry or sitemap URL was handled at this version."""
    table = schema.SourceItem.__table__
    values = {"version": ref.version, "seen_at": now}
    if article_id is not None:
        values["article_id"] = article_id
    statement = _insert(connection, table).values(
        source_key=fit(ref.source_key, None), item_key=fit(ref.item_key, None), **values)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["source_key", "item_key"], set_=values))


@dataclass(slots=True)
class _Loaded:
    article_id: int | None
    mentions: int = 0
    near_duplicate: bool = False
    clusters: set[int] = field(default_factory=set)
    events: int = 0
    existing_id: int | None = None
    """For an article loaded before: the stored one."""


def _cluster_id(connection: Connection, event: CodedEvent) -> int | None:
    """The cluster of an event that happened: same actor codes, code and day."""
    if event.negated or event.modality != "asserted" or event.event_date is None:
        return None
    table = schema.EventCluster.__table__
    key = fit_row(table, {"actor1_code": event.actor1.code,
                          "actor2_code": event.actor2.code if event.actor2 else "",
                          "cameo_code": event.cameo_code, "event_date": event.event_date})
    connection.execute(_insert(connection, table).values(
        **key, num_mentions=0, num_articles=0, num_sources=0).on_conflict_do_nothing())
    return connection.execute(select(table.c.id).filter_by(**key)).scalar_one()


def _load_events(connection: Connection, entities: EntityIds, item: AnalyzedArticle,
                 article_id: int, pipeline_version: str) -> tuple[int, set[int]]:
    rows, clusters = [], set()
    for event in item.events:
        def entity(name: str | None, type_: str | None) -> int | None:
            return entities.entity_id(name, type_, None) if name and type_ else None

        cluster = _cluster_id(connection, event)
        if cluster is not None:
            clusters.add(cluster)
        rows.append(fit_row(schema.Event.__table__, {
            "article_id": article_id, "sentence_index": event.sentence_index,
            "start_char": event.start_char, "end_char": event.end_char,
            "evidence": event.evidence, "trigger": event.trigger,
            "cameo_code": event.cameo_code, "cameo_root": event.cameo_root,
            "quad_class": event.quad_class, "goldstein": event.goldstein,
            "plover_type": event.plover_type, "plover_mode": event.plover_mode,
            "actor1_entity_id": entity(event.actor1.entity_name, event.actor1.entity_type),
            "actor1_code": event.actor1.code,
            "actor2_entity_id": entity(event.actor2.entity_name, event.actor2.entity_type)
            if event.actor2 else None,
            "actor2_code": event.actor2.code if event.actor2 else None,
            "location_entity_id": entity(event.location_name, event.location_type),
            "event_date": event.event_date, "negated": event.negated,
            "modality": event.modality, "confidence": event.confidence,
            "rule": event.rule or None, "cluster_id": cluster,
            "pipeline_version": pipeline_version,
        }))
    if rows:
        connection.execute(schema.Event.__table__.insert(), rows)
        _fill_actor_countries(connection, article_id)
    return len(rows), clusters


def _actor_country(code: Any) -> Any:
    """The ISO alpha-3 country an actor code starts with, as its CAMEO code (``KSVGOV`` →
    XKX) or its ISO code (``USAGOV`` → USA); NULL for IGO, regions and bare roles. Migration
    0005 filled the events stored before it with the same lookup."""
    countries = schema.Country.__table__
    prefix = func.substr(code, 1, 3)
    return select(countries.c.alpha3).where(
        or_(countries.c.cameo_code == prefix, countries.c.alpha3 == prefix)).scalar_subquery()


def _fill_actor_countries(connection: Connection, article_id: int) -> None:
    events = schema.Event.__table__
    connection.execute(update(events).where(events.c.article_id == article_id).values(
        actor1_country=_actor_country(events.c.actor1_code),
        actor2_country=_actor_country(events.c.actor2_code)))


def refresh_clusters(connection: Connection, cluster_ids: set[int]) -> None:
    """Recount mentions, articles and sources of the clusters a batch touched."""
    if not cluster_ids:
        return
    clusters, events = schema.EventCluster.__table__, schema.Event.__table__
    articles = schema.Article.__table__
    source = func.coalesce(articles.c.site_name, articles.c.source_name, articles.c.source_uri)
    of_cluster = events.c.cluster_id == clusters.c.id
    if connection.dialect.name == "postgresql":
        # Lock first, in id order: the counts below are then taken after every concurrent
        # loader that touched these clusters has committed. (An UPDATE that waits for the row
        # counts with its own, older snapshot and would lose the other loader's events.)
        connection.execute(select(clusters.c.id).where(clusters.c.id.in_(sorted(cluster_ids)))
                           .order_by(clusters.c.id).with_for_update())
    connection.execute(update(clusters).where(clusters.c.id.in_(sorted(cluster_ids))).values(
        num_mentions=select(func.count()).where(of_cluster).scalar_subquery(),
        num_articles=select(func.count(func.distinct(events.c.article_id)))
        .where(of_cluster).scalar_subquery(),
        num_sources=select(func.count(func.distinct(source)))
        .select_from(events.join(articles, articles.c.id == events.c.article_id))
        .where(of_cluster).scalar_subquery(),
    ))


def _load_one(connection: Connection, entities: EntityIds, item: AnalyzedArticle, *,
              run_id: int | None, pipeline_version: str, now: datetime,
              source_id: int | None) -> _Loaded:
    """Insert one article and its mentions; ``article_id`` is None when it was loaded before
    (its URLs and source state are still recorded against the existing row)."""
    table = schema.Article.__table__
    row = fit_row(table, _article_row(item, run_id=run_id, pipeline_version=pipeline_version,
                                      now=now, source_id=source_id))
    print_ = dedup.fingerprint(item.article.text)
    row["minhash"] = print_.signature if print_ else None
    if item.article.raw.document is not None:
        row["raw_document_id"] = _store_document(connection, item.article.raw.document)
    statement = _insert(connection, table).values(row).on_conflict_do_nothing()
    article_id = connection.execute(statement.returning(table.c.id)).scalar_one_or_none()
    if article_id is None:
        existing = _existing_article(connection, item)
        if existing is not None:
            _record_urls_and_state(connection, item, existing, now)
        return _Loaded(None, existing_id=existing)
    duplicate_of = _near_duplicate_of(connection, article_id, print_) if print_ else None
    if duplicate_of is not None:
        connection.execute(update(table).where(table.c.id == article_id).values(
            duplicate_of=duplicate_of))
    _record_urls_and_state(connection, item, article_id, now)
    mentions, events, clusters = load_derived(connection, entities, item, article_id,
                                              pipeline_version)
    return _Loaded(article_id, mentions, duplicate_of is not None, clusters, events)


def load_derived(connection: Connection, entities: EntityIds, item: AnalyzedArticle,
                 article_id: int, pipeline_version: str) -> tuple[int, int, set[int]]:
    """Insert an article's mentions and events; returns their counts and the event clusters
    they touched (which the caller refreshes once per transaction)."""
    rows = []
    for mention in item.mentions:
        entity_id, form_id = entities.resolve(mention.entity_name, mention.entity_type,
                                              mention.country_code)
        entities.add_alias(entity_id, mention.text)
        rows.append(fit_row(schema.Mention.__table__, {
            "article_id": article_id, "entity_id": entity_id, "form_id": form_id,
            "text": mention.text,
            "label": mention.label, "section": mention.section,
            "start_char": mention.start_char, "end_char": mention.end_char,
            "sentence_index": mention.sentence_index, "pipeline_version": pipeline_version,
        }))
    if rows:
        connection.execute(schema.Mention.__table__.insert(), rows)
    events, clusters = _load_events(connection, entities, item, article_id, pipeline_version)
    return len(rows), events, clusters


def load_articles(engine: Engine, batch: Sequence[AnalyzedArticle], *, run_id: int | None,
                  pipeline_version: str, source_id: int | None = None) -> LoadResult:
    """Load a batch in one transaction, each article in its own savepoint; the open errors of
    the items that went through (loaded now or before) are resolved in the same transaction.

    Raises :class:`TransientError` when the database itself fails (connection lost, locked):
    the whole batch rolled back and is safe to retry, since loading is idempotent. A batch
    that PostgreSQL aborted to break a deadlock with a concurrent loader is retried first
    (see :func:`pipeline.db.transaction.in_savepoints`).
    """
    now = datetime.now(UTC)
    resolved: set[str] = set()

    def load(connection: Connection, entities: EntityIds, item: AnalyzedArticle) -> _Loaded:
        return _load_one(connection, entities, item, run_id=run_id,
                         pipeline_version=pipeline_version, now=now, source_id=source_id)

    def finish(connection: Connection, entities: EntityIds,
               done: list[tuple[AnalyzedArticle, _Loaded]]) -> None:
        entities.settle()  # decide the batch's names across articles (pipeline.entities.store)
        refresh_clusters(connection, {c for _item, loaded in done for c in loaded.clusters})
        resolved.clear()  # a batch run again after a conflict starts over
        resolved.update(resolve_errors(
            connection, [item.article.raw.source_uri for item, _loaded in done], now=now))

    outcome = in_savepoints(engine, batch, load,
                            state=lambda connection: EntityIds(connection, pipeline_version),
                            finish=finish, what="loading")
    result = LoadResult(resolved=resolved)
    for item, loaded in outcome.done:
        stored_as = loaded.article_id or loaded.existing_id
        if stored_as is not None:
            result.stored[item.article.raw.source_uri] = stored_as
        if loaded.article_id is None:
            result.duplicate += 1
            continue
        result.new += 1
        result.near_duplicate += loaded.near_duplicate
        result.mentions += loaded.mentions
        result.events += loaded.events
        result.article_ids.append(loaded.article_id)
    result.failed = [refused(item.article.raw.source_uri, STAGE, exc)
                     for item, exc in outcome.failed]
    return result


def refused(source_uri: str, stage: str, exc: Exception, *, prefix: str = "",
            kept: str = "") -> ItemFailure:
    """The failure of an item its transaction refused: the database's reason, or any other
    exception's."""
    if isinstance(exc, DBAPIError):
        return ItemFailure(source_uri, stage, type(exc.orig).__name__,
                           f"{prefix}database refused the {kept or 'article'}: "
                           f"{first_line(exc)}")
    lines = str(exc).strip().splitlines()
    return ItemFailure(source_uri, stage, type(exc).__name__,
                       f"{prefix}{lines[0] if lines else repr(exc)}")


def item_key(source_uri: str) -> str:
    """The key of an item in ``ingest_errors``: sha256 of its source URI."""
    return hashlib.sha256(source_uri.encode("utf-8", "surrogatepass")).hexdigest()


def _open_error_rows(failures: Iterable[ItemFailure], *, run_id: int | None,
                     source_id: int | None, now: datetime) -> list[dict[str, Any]]:
    """One row per item (the last failure of an item named twice), fitted to the table."""
    table = schema.IngestError.__table__
    rows: dict[str, dict[str, Any]] = {}
    for failure in failures:
        uri = fit(failure.source_uri, None)
        rows[item_key(uri)] = fit_row(table, {
            "run_id": run_id, "source_uri": uri, "item_key": item_key(uri),
            "stage": failure.stage, "error_type": failure.error_type,
            "message": failure.message[:10_000], "created_at": now, "status": "open",
            "attempts": 1, "last_attempt_at": now, "source_id": source_id})
    return list(rows.values())


def _upsert_open_errors(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert open rows; an item with an open row already gets that row updated (another
    attempt, the latest stage, reason and run) instead of a second one."""
    table = schema.IngestError.__table__
    statement = _insert(connection, table)
    statement = statement.on_conflict_do_update(
        index_elements=["item_key"], index_where=schema.OPEN_ERROR,
        set_={"attempts": table.c.attempts + 1,
              "last_attempt_at": statement.excluded.last_attempt_at,
              "run_id": statement.excluded.run_id, "stage": statement.excluded.stage,
              "error_type": statement.excluded.error_type,
              "message": statement.excluded.message,
              "source_id": func.coalesce(statement.excluded.source_id, table.c.source_id)})
    connection.execute(statement, rows)


def record_failures(engine: Engine, failures: Sequence[ItemFailure], *,
                    run_id: int | None, source_id: int | None = None) -> None:
    """Quarantine items in ``ingest_errors``: one open row per item, updated when it is there
    already. Recording never fails on what an item holds: values are fitted to their columns,
    and a row the database still refuses is retried alone, so it cannot take the others with
    it."""
    if not failures:
        return
    rows = _open_error_rows(failures, run_id=run_id, source_id=source_id,
                            now=datetime.now(UTC))
    try:
        with engine.begin() as connection:
            _upsert_open_errors(connection, rows)
        return
    except DBAPIError as exc:
        if is_transient(exc):
            raise TransientError(f"database unavailable while recording failures: "
                                 f"{first_line(exc)}") from exc
    outcome = in_savepoints(engine, rows, lambda c, _s, row: _upsert_open_errors(c, [row]),
                            state=lambda _c: _NoState(), what="recording failures")
    for row, exc in outcome.failed:  # a row no database takes: keep its item, drop the detail
        with engine.begin() as connection:
            _upsert_open_errors(connection, [{**row, "message": f"(the reason could not be "
                                              f"stored: {type(exc).__name__})"}])


class _NoState:
    def forget(self) -> None:
        pass


def resolve_errors(connection: Connection, source_uris: Iterable[str], *,
                   now: datetime) -> set[str]:
    """Mark the open errors of items that went through ``resolved``; returns the source URIs
    that had one."""
    table = schema.IngestError.__table__
    keys = sorted({item_key(fit(uri, None)) for uri in source_uris})
    resolved: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        where = (table.c.status == "open", table.c.item_key.in_(chunk))
        found = set(connection.execute(select(table.c.source_uri).where(*where)).scalars())
        if found:
            resolved |= found
            connection.execute(update(table).where(*where).values(
                status="resolved", resolved_at=now, last_attempt_at=now,
                attempts=table.c.attempts + 1))
    return resolved


def delete_derived(connection: Connection, article_id: int) -> tuple[int, int, set[int]]:
    """Delete an article's mentions and events (to replace them); returns how many of each and
    the event clusters they belonged to, which the caller refreshes."""
    mentions, events = schema.Mention.__table__, schema.Event.__table__
    clusters = {cluster for (cluster,) in connection.execute(
        select(events.c.cluster_id).distinct().where(events.c.article_id == article_id,
                                                     events.c.cluster_id.is_not(None)))}
    deleted_events = connection.execute(
        events.delete().where(events.c.article_id == article_id)).rowcount
    deleted_mentions = connection.execute(
        mentions.delete().where(mentions.c.article_id == article_id)).rowcount
    return deleted_mentions, deleted_events, clusters


def prune_clusters(connection: Connection, cluster_ids: set[int]) -> int:
    """Delete those of ``cluster_ids`` that no event belongs to any more (after reprocessing
    moved their events elsewhere); returns how many. A cluster a concurrent loader has just
    given an event to is kept: the delete runs in its own savepoint."""
    if not cluster_ids:
        return 0
    clusters, events = schema.EventCluster.__table__, schema.Event.__table__
    try:
        with connection.begin_nested():
            return connection.execute(clusters.delete().where(
                clusters.c.id.in_(sorted(cluster_ids)),
                ~select(events.c.id).where(events.c.cluster_id == clusters.c.id).exists(),
            )).rowcount
    except DBAPIError as exc:
        if is_transient(exc):
            raise
        return 0


def reindex_text(connection: Connection, article_id: int, text: str) -> None:
    """Recompute an article's MinHash signature and LSH bands after its text changed
    (``duplicate_of`` is left as it was: the article keeps its place in the copy chain)."""
    bands, articles = schema.ArticleLshBand.__table__, schema.Article.__table__
    print_ = dedup.fingerprint(text)
    connection.execute(bands.delete().where(bands.c.article_id == article_id))
    connection.execute(update(articles).where(articles.c.id == article_id).values(
        minhash=print_.signature if print_ else None))
    if print_:
        connection.execute(bands.insert(), [{"article_id": article_id, "band": band,
                                             "hash": value}
                                            for band, value in enumerate(print_.bands)])


@dataclass(slots=True)
class Settled:
    """What :func:`record_attempts` did to ``ingest_errors``."""

    resolved: set[str] = field(default_factory=set)
    """Items (source URIs) that had open errors and now went through."""
    still_failing: set[str] = field(default_factory=set)
    """Items that had open errors and failed again (their rows updated, no new row)."""
    new_failures: set[str] = field(default_factory=set)
    """Items that failed with no open error before (a new row each)."""


def record_attempts(engine: Engine, outcomes: dict[str, ItemFailure | None], *,
                    run_id: int | None, source_id: int | None = None) -> Settled:
    """Record the outcome of another attempt at items: an item that went through (``None``)
    resolves its open error; one that failed updates its open error (``attempts`` + 1, the
    new stage, reason and run) or, when it has none, gets one new open row. Never a second
    open row for the same item."""
    settled = Settled()
    if not outcomes:
        return settled
    table = schema.IngestError.__table__
    now = datetime.now(UTC)
    failed = {uri: failure for uri, failure in outcomes.items() if failure is not None}
    with engine.begin() as connection:
        settled.resolved = resolve_errors(
            connection, [uri for uri, failure in outcomes.items() if failure is None], now=now)
        keys = {item_key(fit(uri, None)): uri for uri in failed}
        ordered = sorted(keys)
        for start in range(0, len(ordered), 500):
            settled.still_failing.update(keys[key] for key in connection.execute(
                select(table.c.item_key).where(table.c.status == "open",
                                               table.c.item_key.in_(ordered[start:start + 500]))
            ).scalars())
    settled.new_failures = set(failed) - settled.still_failing
    record_failures(engine, list(failed.values()), run_id=run_id, source_id=source_id)
    return settled
