"""Reprocessing: stored articles through cleaning, entities and events again, with no refetch.

After the lexicon, the gazetteer or the spaCy model changes, ``pipeline_version`` changes, and
the articles stamped with an older version are reprocessed: an article with a stored response
(``raw_document_id``) is re-extracted from it, any other from its stored text; both are
cleaned, analysed, and the article's mentions and events are replaced in one savepoint per
article inside one transaction per batch (as :func:`pipeline.load.load_articles` loads), so an
article either has all its old rows or all its new ones. Rows the reprocess writes, and the
article row, carry the new version; an interrupted reprocess therefore resumes where it
stopped, and a finished one leaves nothing to do until the version changes again.

The functions here are the stages; ``flows/maintenance.py`` wires them into a Prefect flow.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from pipeline.clean import clean_article
from pipeline.db import schema
from pipeline.db.transaction import in_savepoints
from pipeline.db.values import fit_row
from pipeline.documents import article_from_document
from pipeline.errors import ItemError, RunError
from pipeline.load import (
    EntityIds,
    Settled,
    delete_derived,
    load_derived,
    prune_clusters,
    record_attempts,
    refresh_clusters,
    refused,
    reindex_text,
)
from pipeline.records import (
    AnalyzedArticle,
    Article,
    FetchedDocument,
    ItemFailure,
    RawArticle,
    StageResult,
    unexpected,
)

FLOW_NAME = "reprocess"
"""``pipeline_runs.flow_name`` of reprocess runs (``retry-failed`` retries their errors by
reprocessing the article again)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Which articles to reprocess."""

    since: datetime | None = None
    """Published on or after (ingested on or after, when the publication date is unknown)."""
    source: str | None = None
    """Only articles of this named source (``sources.name``)."""
    everything: bool = False
    """Also articles already at the current version (``--all``)."""


def source_id(engine: Engine, name: str) -> int:
    """The id of the named source; a run-level error when there is none."""
    table = schema.Source.__table__
    with engine.connect() as connection:
        found = connection.execute(select(table.c.id).where(table.c.name == name)
                                   ).scalar_one_or_none()
        if found is None:
            names = connection.execute(select(table.c.name).order_by(table.c.name)).scalars()
            known = ", ".join(names) or "none yet: see `newsflow sources add`"
            raise RunError(f"no source named {name!r} (sources: {known})")
    return found


def _filters(selection: Selection, engine: Engine) -> list[Any]:
    articles = schema.Article.__table__
    where: list[Any] = []
    if selection.since is not None:
        dated = func.coalesce(articles.c.published_at, articles.c.ingested_at,
                              type_=schema.UTCDateTime())
        where.append(dated >= selection.since)
    if selection.source is not None:
        where.append(articles.c.source_id == source_id(engine, selection.source))
    return where


def count_selected(engine: Engine, selection: Selection, version: str) -> tuple[int, int]:
    """Articles the selection matches: (to reprocess, already at ``version`` and skipped)."""
    articles = schema.Article.__table__
    where = _filters(selection, engine)
    current = articles.c.pipeline_version == version
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(articles).where(*where)
                                   ).scalar_one()
        up_to_date = connection.execute(select(func.count()).select_from(articles).where(
            *where, current)).scalar_one()
    if selection.everything:
        return total, 0
    return total - up_to_date, up_to_date


def pending_batches(engine: Engine, selection: Selection, version: str,
                    batch_size: int) -> Iterator[list[int]]:
    """Ids of the articles to reprocess, in id order, a batch at a time (keyset pagination:
    each query starts after the last id handed out, so articles that fail and keep their old
    version are not handed out again)."""
    articles = schema.Article.__table__
    where = _filters(selection, engine)
    if not selection.everything:
        where.append(articles.c.pipeline_version != version)
    after = 0
    while True:
        with engine.connect() as connection:
            ids = list(connection.execute(
                select(articles.c.id).where(*where, articles.c.id > after)
                .order_by(articles.c.id).limit(batch_size)).scalars())
        if not ids:
            return
        yield ids
        after = ids[-1]


def articles_with_uris(engine: Engine, uris: Sequence[str]) -> dict[str, list[int]]:
    """Article ids by ``source_uri``, for the URIs that have articles."""
    articles = schema.Article.__table__
    found: dict[str, list[int]] = {}
    with engine.connect() as connection:
        for start in range(0, len(uris), 500):
            for uri, article_id in connection.execute(
                    select(articles.c.source_uri, articles.c.id)
                    .where(articles.c.source_uri.in_(list(uris[start:start + 500])))
                    .order_by(articles.c.id)):
                found.setdefault(uri, []).append(article_id)
    return found


@dataclass(slots=True)
class Candidate:
    """A stored article, cleaned again, waiting for analysis."""

    article_id: int
    article: Article
    text_changed: bool


@dataclass(slots=True)
class Prepared:
    candidates: list[Candidate] = field(default_factory=list)
    failed: list[ItemFailure] = field(default_factory=list)


def prepare_batch(engine: Engine, article_ids: Sequence[int], *, min_words: int = 1
                  ) -> Prepared:
    """Re-extract (from the stored response) or take the stored text of each article, and
    clean it again. An article that fails is reported and keeps its rows."""
    articles, documents = schema.Article.__table__, schema.RawDocument.__table__
    with engine.connect() as connection:
        rows = connection.execute(
            select(articles, documents.c.url.label("doc_url"), documents.c.final_url,
                   documents.c.status, documents.c.headers, documents.c.fetched_at.label(
                       "doc_fetched_at"), documents.c.compression, documents.c.body)
            .select_from(articles.outerjoin(documents,
                                            documents.c.id == articles.c.raw_document_id))
            .where(articles.c.id.in_(list(article_ids))).order_by(articles.c.id)
        ).mappings().all()
    prepared = Prepared()
    for row in rows:
        try:
            raw = _raw_article(row)
        except ItemError as exc:
            prepared.failed.append(ItemFailure(row["source_uri"], exc.stage or "extract",
                                               exc.error_type, f"reprocess: {exc.reason}"))
            continue
        except (OSError, EOFError, zlib.error) as exc:
            prepared.failed.append(ItemFailure(row["source_uri"], "extract", type(exc).__name__,
                                               f"reprocess: cannot decompress the stored "
                                               f"response: {exc}"))
            continue
        except Exception as exc:  # noqa: BLE001 - one article's surprise is its failure
            prepared.failed.append(unexpected(row["source_uri"], "extract", exc))
            continue
        try:
            article = clean_article(raw, min_words=min_words)
        except ItemError as exc:
            prepared.failed.append(ItemFailure(row["source_uri"], exc.stage, exc.error_type,
                                               f"reprocess: {exc.reason}"))
            continue
        except Exception as exc:  # noqa: BLE001 - one article's surprise is its failure
            prepared.failed.append(unexpected(row["source_uri"], "clean", exc))
            continue
        article.title = row["title"]  # the stored title stays: title mentions point into it
        changed = article.content_hash != row["content_hash"] or article.text != row["text"]
        prepared.candidates.append(Candidate(row["id"], article, changed))
    return prepared


def _raw_article(row: Any) -> RawArticle:
    """The article as its reader would give it now: re-extracted from the stored response
    when there is one, else the stored text. Metadata (title, dates) stay as stored."""
    stored = RawArticle(
        source_uri=row["source_uri"], format=row["source_format"], text=row["text"],
        url=row["url"], title=row["title"], author=row["author"], site_name=row["site_name"],
        published_at=row["published_at"], published_at_source=row["published_at_source"],
        published_date=row["published_date"], modified_at=row["modified_at"],
        language=row["language"], image=row["image"], source_name=row["source_name"],
        fetched_at=row["fetched_at"])
    if row["raw_document_id"] is None:
        return stored
    body = row["body"]
    if row["compression"] == "zlib":
        body = zlib.decompress(body)
    document = FetchedDocument(url=row["doc_url"], final_url=row["final_url"],
                               status=row["status"], headers=dict(row["headers"] or {}),
                               fetched_at=row["doc_fetched_at"], body=body)
    page = article_from_document(document, source_uri=row["source_uri"],
                                 format=row["source_format"], listing_title=row["title"],
                                 listing_published_at=row["published_at"])
    stored.text = page.text
    stored.language = page.language or row["language"]
    stored.extracted = True
    return stored


def match_analysis(candidates: Sequence[Candidate], result: StageResult[AnalyzedArticle]
                   ) -> list[tuple[Candidate, AnalyzedArticle]]:
    """Pair each candidate with its analysis: the analysis keeps the input order and leaves
    out the articles it failed (by ``source_uri``), so this holds even when the analysis ran
    in another process and came back as copies."""
    failed = {failure.source_uri for failure in result.failed}
    remaining = iter(result.ok)
    pairs = []
    for candidate in candidates:
        if candidate.article.raw.source_uri in failed:
            continue
        analysed = next(remaining)
        if analysed.article.content_hash != candidate.article.content_hash:
            raise AssertionError("analysis results out of order")
        pairs.append((candidate, analysed))
    return pairs


@dataclass(slots=True)
class BatchResult:
    """What replacing one batch did."""

    reprocessed: int = 0
    changed: int = 0
    """Reprocessed articles whose text, mentions or events came out different."""
    text_changed: int = 0
    mentions_before: int = 0
    mentions_after: int = 0
    events_before: int = 0
    events_after: int = 0
    failed: list[ItemFailure] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    """Source URIs of the articles reprocessed."""


class _Collision(Exception):
    """The re-cleaned text is another article's."""


@dataclass(slots=True)
class _Replaced:
    """What replacing one article's rows did."""

    changed: bool
    text_changed: bool
    mentions_before: int
    mentions_after: int
    events_before: int
    events_after: int
    clusters: set[int]


def replace_batch(engine: Engine, pairs: Sequence[tuple[Candidate, AnalyzedArticle]], *,
                  pipeline_version: str) -> BatchResult:
    """Replace the derived rows of a batch: one transaction, one savepoint per article (the
    loader's own helper, :func:`pipeline.db.transaction.in_savepoints`).

    Raises :class:`TransientError` when the database itself fails; the batch rolled back
    whole and is safe to retry (it replaces rows, so doing it twice is doing it once).
    """

    def replace(connection: Connection, entities: EntityIds,
                pair: tuple[Candidate, AnalyzedArticle]) -> _Replaced:
        return _replace_one(connection, entities, pair[0], pair[1], pipeline_version)

    def finish(connection: Connection, entities: EntityIds,
               done: list[tuple[tuple[Candidate, AnalyzedArticle], _Replaced]]) -> None:
        entities.settle()
        clusters = {c for _pair, replaced in done for c in replaced.clusters}
        refresh_clusters(connection, clusters)
        prune_clusters(connection, clusters)

    outcome = in_savepoints(engine, pairs, replace,
                            state=lambda connection: EntityIds(connection, pipeline_version),
                            finish=finish, what="reprocessing")
    result = BatchResult()
    for (candidate, _item), replaced in outcome.done:
        result.reprocessed += 1
        result.changed += replaced.changed
        result.text_changed += replaced.text_changed
        result.mentions_before += replaced.mentions_before
        result.mentions_after += replaced.mentions_after
        result.events_before += replaced.events_before
        result.events_after += replaced.events_after
        result.done.append(candidate.article.raw.source_uri)
    for (candidate, _item), exc in outcome.failed:
        uri = candidate.article.raw.source_uri
        if isinstance(exc, _Collision):
            result.failed.append(ItemFailure(uri, "clean", "ContentHashCollision",
                                             f"reprocess: {exc}"))
        else:
            result.failed.append(refused(uri, "load", exc, prefix="reprocess: ",
                                         kept="new rows, old rows kept"))
    return result


def _replace_one(connection: Connection, entities: EntityIds, candidate: Candidate,
                 item: AnalyzedArticle, version: str) -> _Replaced:
    articles = schema.Article.__table__
    article_id, article = candidate.article_id, candidate.article
    if candidate.text_changed:
        other = connection.execute(select(articles.c.id).where(
            articles.c.content_hash == article.content_hash, articles.c.id != article_id)
        ).scalar_one_or_none()
        if other is not None:
            raise _Collision(f"the re-cleaned text is the text of article {other}; kept the "
                             "old text and rows")
    before = _derived_keys(connection, article_id)
    entities.touch_article(article_id)  # the forms it used may now have fewer mentions
    mentions_before, events_before, old_clusters = delete_derived(connection, article_id)
    values: dict[str, Any] = {"pipeline_version": version}
    if candidate.text_changed:
        values.update(text=article.text, content_hash=article.content_hash,
                      word_count=article.word_count, language=article.language)
    connection.execute(update(articles).where(articles.c.id == article_id)
                       .values(fit_row(articles, values)))
    if candidate.text_changed:
        reindex_text(connection, article_id, article.text)
    mentions_after, events_after, new_clusters = load_derived(connection, entities, item,
                                                              article_id, version)
    changed = candidate.text_changed or _derived_keys(connection, article_id) != before
    return _Replaced(changed, candidate.text_changed, mentions_before, mentions_after,
                     events_before, events_after, old_clusters | new_clusters)


def _derived_keys(connection: Connection, article_id: int) -> tuple[Counter[Any], Counter[Any]]:
    """What an article's mentions and events say, without ids and versions."""
    mentions, events = schema.Mention.__table__, schema.Event.__table__
    mention_keys = Counter(tuple(row) for row in connection.execute(select(
        mentions.c.section, mentions.c.start_char, mentions.c.end_char, mentions.c.text,
        mentions.c.label, mentions.c.entity_id).where(mentions.c.article_id == article_id)))
    event_keys = Counter(tuple(row) for row in connection.execute(select(
        events.c.sentence_index, events.c.start_char, events.c.end_char, events.c.trigger,
        events.c.cameo_code, events.c.actor1_code, events.c.actor2_code, events.c.negated,
        events.c.modality, events.c.event_date, events.c.actor1_entity_id,
        events.c.actor2_entity_id, events.c.location_entity_id, events.c.cluster_id)
        .where(events.c.article_id == article_id)))
    return mention_keys, event_keys


def settle(engine: Engine, result: BatchResult, failures: Sequence[ItemFailure], *,
           run_id: int | None) -> Settled:
    """Record a batch's failures in ``ingest_errors`` (updating an open error of the same
    article rather than adding one) and resolve the open errors of articles that went
    through."""
    outcomes: dict[str, ItemFailure | None] = dict.fromkeys(result.done)
    for failure in [*failures, *result.failed]:
        outcomes[failure.source_uri] = failure
    return record_attempts(engine, outcomes, run_id=run_id)


@dataclass(slots=True)
class ReprocessSummary:
    """What a reprocess run did; the CLI prints it, the flow returns it."""

    run_id: int
    database: str
    pipeline_version: str = ""
    selected: int = 0
    """Articles to reprocess (with ``--all``, every article the selection matches)."""
    up_to_date: int = 0
    """Articles the selection matches that were already at the current version (skipped)."""
    reprocessed: int = 0
    changed: int = 0
    unchanged: int = 0
    """Reprocessed articles whose text, mentions and events came out the same."""
    text_changed: int = 0
    failed: int = 0
    mentions_before: int = 0
    mentions_after: int = 0
    events_before: int = 0
    events_after: int = 0
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    failures_by_stage: dict[str, int] = field(default_factory=dict)

    def add(self, batch: BatchResult, failures: Sequence[ItemFailure]) -> None:
        self.reprocessed += batch.reprocessed
        self.changed += batch.changed
        self.unchanged += batch.reprocessed - batch.changed
        self.text_changed += batch.text_changed
        self.mentions_before += batch.mentions_before
        self.mentions_after += batch.mentions_after
        self.events_before += batch.events_before
        self.events_after += batch.events_after
        for failure in [*failures, *batch.failed]:
            self.failed += 1
            self.failures_by_stage[failure.stage] = (
                self.failures_by_stage.get(failure.stage, 0) + 1)

    def run_counts(self) -> dict[str, Any]:
        """The ``pipeline_runs`` columns: read = articles attempted, failed, and the mentions
        and events the run wrote."""
        counts: dict[str, Any] = {
            "read_count": self.reprocessed + self.failed, "failed_count": self.failed,
            "mention_count": self.mentions_after, "event_count": self.events_after,
            "stage_seconds": dict(self.stage_seconds)}
        if self.pipeline_version:
            counts["pipeline_version"] = self.pipeline_version
        return counts

    def message(self) -> str:
        return (f"reprocessed {self.reprocessed} ({self.changed} changed, {self.unchanged} "
                f"unchanged, {self.text_changed} with new text), {self.up_to_date} already "
                f"current, {self.failed} failed; events {self.events_before} -> "
                f"{self.events_after}, mentions {self.mentions_before} -> "
                f"{self.mentions_after}")
