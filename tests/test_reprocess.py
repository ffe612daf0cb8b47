"""Reprocessing stored articles, stage by stage, on a real SQLite file and a real PostgreSQL:
a lexicon change recodes the events, each article's rows are replaced whole or not at all."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from pipeline.analysis import Analyzer
from pipeline.clean import clean_articles
from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.documents import article_from_document
from pipeline.load import load_articles
from pipeline.readers import read_file
from pipeline.records import FetchedDocument
from pipeline.reprocess import (
    Selection,
    count_selected,
    match_analysis,
    pending_batches,
    prepare_batch,
    replace_batch,
    settle,
)
from pipeline.settings import Settings
from tests.conftest import SEED_ARTICLE, SEEDS

PACKAGED_LEXICON = Path(__file__).resolve().parents[1] / "pipeline" / "events" / "data"
VISIT = "visit\tNOUN\t\t042\t\tadded"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(Settings())


def edited_lexicon(tmp_path: Path, old: str = VISIT, new: str = VISIT.replace("042", "043")
                   ) -> Path:
    """The packaged lexicon with one trigger row changed ('a visit' coded as hosting one)."""
    directory = tmp_path / "lexicon"
    shutil.copytree(PACKAGED_LEXICON, directory)
    triggers = directory / "triggers.tsv"
    content = triggers.read_text(encoding="utf-8")
    assert old in content
    triggers.write_text(content.replace(old, new), encoding="utf-8")
    return directory


def ingest(engine, analyzer, paths, *, batch_size=200):
    ensure_schema(engine)
    raw = [item for path in paths for item in read_file(path, max_bytes=10**8)]
    analysed = analyzer.analyse(clean_articles(raw).ok)
    assert not analysed.failed
    return load_articles(engine, analysed.ok, run_id=None, pipeline_version=analyzer.version)


def reprocess(engine, analyzer, selection=None):
    """What the flow does, batch by batch, without Prefect."""
    totals = {"reprocessed": 0, "changed": 0, "failed": []}
    for ids in pending_batches(engine, selection or Selection(), analyzer.version, 2):
        prepared = prepare_batch(engine, ids)
        analysed = analyzer.analyse([c.article for c in prepared.candidates])
        result = replace_batch(engine, match_analysis(prepared.candidates, analysed),
                               pipeline_version=analyzer.version)
        settle(engine, result, prepared.failed + analysed.failed, run_id=None)
        totals["reprocessed"] += result.reprocessed
        totals["changed"] += result.changed
        totals["failed"] += prepared.failed + analysed.failed + result.failed
    return totals


def rows(engine, statement):
    with engine.connect() as connection:
        return connection.execute(statement).all()


def test_lexicon_change_recodes_events_and_bumps_their_version(engine, analyzer, tmp_path):
    ingest(engine, analyzer, [SEED_ARTICLE])
    [(article_id,)] = rows(engine, select(schema.Article.id))
    # visits that took place: an announced one is an intent (036) whatever the lexicon says
    visits = select(schema.Event.cameo_code, schema.Event.pipeline_version).where(
        schema.Event.trigger == "visit", schema.Event.modality == "asserted")
    assert {code for code, _ in rows(engine, visits)} == {"042"}
    mentions_before = rows(engine, select(func.count()).select_from(schema.Mention))[0][0]

    changed = Analyzer(Settings(event_lexicon_dir=edited_lexicon(tmp_path)))
    assert changed.version != analyzer.version
    assert count_selected(engine, Selection(), changed.version) == (1, 0)
    totals = reprocess(engine, changed)

    assert (totals["reprocessed"], totals["changed"], totals["failed"]) == (1, 1, [])
    assert set(rows(engine, visits)) == {("043", changed.version)}
    for table in (schema.Event, schema.Mention, schema.Article):
        assert {v for (v,) in rows(engine, select(table.pipeline_version))} == {changed.version}
    assert rows(engine, select(func.count()).select_from(schema.Mention))[0][0] == mentions_before
    # every cluster's counts are its events', and no cluster is left without events
    clusters = rows(engine, select(schema.EventCluster.id, schema.EventCluster.num_mentions))
    counted = dict(rows(engine, select(schema.Event.cluster_id, func.count())
                        .where(schema.Event.cluster_id.is_not(None))
                        .group_by(schema.Event.cluster_id)))
    assert clusters and dict(clusters) == counted
    [(version,)] = rows(engine, select(schema.Article.pipeline_version).where(
        schema.Article.id == article_id))
    assert version == changed.version

    # nothing left to do at this version; --all does it again, with nothing changing
    assert count_selected(engine, Selection(), changed.version) == (0, 1)
    assert reprocess(engine, changed)["reprocessed"] == 0
    again = reprocess(engine, changed, Selection(everything=True))
    assert (again["reprocessed"], again["changed"]) == (1, 0)


def test_a_failing_article_keeps_its_old_rows_and_the_others_are_replaced(
        engine, analyzer, tmp_path):
    ingest(engine, analyzer, [SEED_ARTICLE, SEEDS / "001_seoul_washington_joint_drills.txt"])
    first, second = (i for (i,) in rows(engine, select(schema.Article.id)
                                        .order_by(schema.Article.id)))
    derived = select(schema.Mention.id, schema.Mention.pipeline_version).where(
        schema.Mention.article_id == first)
    events = select(schema.Event.id, schema.Event.cameo_code).where(
        schema.Event.article_id == first)
    old_mentions, old_events = rows(engine, derived), rows(engine, events)
    assert old_mentions and old_events
    # The database refuses new events of the first article, after its old rows are deleted
    # and its new mentions written in the same savepoint.
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text(
                f"CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.article_id = {first} "
                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"))
        else:
            connection.execute(text(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.article_id = {first} THEN RAISE EXCEPTION 'refused by test trigger'; "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"))
            connection.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON events "
                                    "FOR EACH ROW EXECUTE FUNCTION refuse()"))

    changed = Analyzer(Settings(event_lexicon_dir=edited_lexicon(tmp_path)))
    totals = reprocess(engine, changed)

    assert totals["reprocessed"] == 1
    [failure] = totals["failed"]
    assert failure.stage == "load" and "refused by test trigger" in failure.message
    assert rows(engine, derived) == old_mentions and rows(engine, events) == old_events
    versions = dict(rows(engine, select(schema.Article.id, schema.Article.pipeline_version)))
    assert versions == {first: analyzer.version, second: changed.version}
    assert {v for (v,) in rows(engine, select(schema.Event.pipeline_version).where(
        schema.Event.article_id == second))} == {changed.version}
    [error] = rows(engine, select(schema.IngestError.source_uri, schema.IngestError.stage,
                                  schema.IngestError.status, schema.IngestError.attempts))
    assert error == (SEED_ARTICLE.resolve().as_uri(), "load", "open", 1)

    # Failing again updates the same error; once the cause is gone, it resolves.
    reprocess(engine, changed)
    assert rows(engine, select(schema.IngestError.status, schema.IngestError.attempts)) == [
        ("open", 2)]
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse" if engine.dialect.name == "sqlite"
                                else "DROP TRIGGER refuse ON events"))
    assert reprocess(engine, changed)["reprocessed"] == 1
    [(status, resolved_at)] = rows(engine, select(schema.IngestError.status,
                                                  schema.IngestError.resolved_at))
    assert status == "resolved" and resolved_at is not None
    assert {v for (v,) in rows(engine, select(schema.Mention.pipeline_version))} == {
        changed.version}


def test_a_stored_response_is_extracted_again_and_the_text_updated(sqlite_url, analyzer):
    from pipeline.db.engine import make_engine

    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    page = SEEDS / "006_india_france_rafale_marine_deal.html"
    document = FetchedDocument(url="https://example.org/rafale", final_url=
                               "https://example.org/rafale", status=200,
                               headers={"content-type": "text/html; charset=utf-8"},
                               fetched_at=datetime(2024, 10, 1, tzinfo=UTC),
                               body=page.read_bytes())
    raw = article_from_document(document, source_uri=document.url, format="web")
    analysed = analyzer.analyse(clean_articles([raw]).ok)
    load_articles(engine, analysed.ok, run_id=None, pipeline_version="0.0.1+old")
    [(article_id, full_text, full_hash, words)] = rows(engine, select(
        schema.Article.id, schema.Article.text, schema.Article.content_hash,
        schema.Article.word_count))
    # As an older extractor left it: only the first paragraph, under its own hash.
    with engine.begin() as connection:
        connection.execute(update(schema.Article).values(
            text=full_text.split("\n\n")[0], content_hash="0" * 64, word_count=1))

    totals = reprocess(engine, analyzer, Selection(since=datetime(2000, 1, 1, tzinfo=UTC)))

    assert (totals["reprocessed"], totals["failed"]) == (1, [])
    assert rows(engine, select(schema.Article.text, schema.Article.content_hash,
                               schema.Article.word_count)) == [(full_text, full_hash, words)]
    spans = rows(engine, select(schema.Mention.start_char, schema.Mention.end_char,
                                schema.Mention.text).where(schema.Mention.section == "body"))
    assert spans and all(full_text[s:e] == surface for s, e, surface in spans)
    bands = rows(engine, select(func.count()).select_from(schema.ArticleLshBand).where(
        schema.ArticleLshBand.article_id == article_id))
    assert bands == [(32,)]


def test_text_that_becomes_another_articles_is_refused_and_the_rows_kept(sqlite_url, analyzer):
    from pipeline.db.engine import make_engine

    engine = make_engine(sqlite_url)
    ingest(engine, analyzer, [SEED_ARTICLE, SEEDS / "002_scholz_hosts_lula_berlin.txt"])
    first, second = (i for (i,) in rows(engine, select(schema.Article.id)
                                        .order_by(schema.Article.id)))
    [(other_text,)] = rows(engine, select(schema.Article.text).where(
        schema.Article.id == second))
    with engine.begin() as connection:  # cleaning turns this back into the second's text
        connection.execute(update(schema.Article).where(schema.Article.id == first).values(
            text=other_text.replace(" ", "  ", 3), pipeline_version="0.0.1+old"))
    before = rows(engine, select(schema.Mention.id).where(schema.Mention.article_id == first))

    totals = reprocess(engine, analyzer)

    [failure] = totals["failed"]
    assert (failure.stage, failure.error_type) == ("clean", "ContentHashCollision")
    assert f"article {second}" in failure.message
    assert rows(engine, select(schema.Mention.id).where(
        schema.Mention.article_id == first)) == before
    assert rows(engine, select(schema.Article.pipeline_version).where(
        schema.Article.id == first)) == [("0.0.1+old",)]


def test_since_and_source_select_articles(sqlite_url, analyzer):
    from pipeline.db.engine import make_engine
    from pipeline.errors import RunError

    engine = make_engine(sqlite_url)
    ingest(engine, analyzer, [SEED_ARTICLE, SEEDS / "002_scholz_hosts_lula_berlin.txt"])
    published = dict(rows(engine, select(schema.Article.id, schema.Article.published_at)))
    latest = max(published.values())
    assert count_selected(engine, Selection(since=latest), "other") == (1, 0)
    with engine.begin() as connection:
        connection.execute(update(schema.Article).values(published_at=None))
    # undated articles count by when they were ingested: today
    assert count_selected(engine, Selection(since=latest), "other") == (2, 0)
    with engine.begin() as connection:
        source = connection.execute(schema.Source.__table__.insert().values(
            name="wire", kind="path", location="seeds", created_at=datetime.now(UTC))
            .returning(schema.Source.id)).scalar_one()
        connection.execute(update(schema.Article).where(
            schema.Article.id == min(published)).values(source_id=source))
    assert count_selected(engine, Selection(source="wire"), "other") == (1, 0)
    with pytest.raises(RunError, match="no source named 'nope'"):
        count_selected(engine, Selection(source="nope"), "other")


def test_reprocess_gives_back_the_publishers_quotes(engine, analyzer):
    """Rows cleaned by the old rules (quotes straightened) get the page's own characters back
    from the stored response; offsets quote the restored text."""
    ensure_schema(engine)
    body = ("<html><head><title>Talks</title></head><body><article><h1>Talks</h1>"
            "<p>The minister called the accord “a turning point” on Monday, and said "
            "the region’s leaders would meet again in Vienna next month to review it.</p>"
            "<p>Officials in Vienna said the next round would start in the spring, after "
            "the experts’ report on the border talks is published.</p></article></body></html>")
    document = FetchedDocument(url="https://example.org/quotes", final_url=
                               "https://example.org/quotes", status=200,
                               headers={"content-type": "text/html; charset=utf-8"},
                               fetched_at=datetime(2024, 10, 1, tzinfo=UTC),
                               body=body.encode("utf-8"))
    raw = article_from_document(document, source_uri=document.url, format="web")
    analysed = analyzer.analyse(clean_articles([raw]).ok)
    load_articles(engine, analysed.ok, run_id=None, pipeline_version="0.1.0+old")
    [(published_text,)] = rows(engine, select(schema.Article.text))
    assert "“a turning point”" in published_text
    straightened = published_text.replace("“", '"').replace("”", '"').replace("’", "'")
    with engine.begin() as connection:
        connection.execute(update(schema.Article).values(text=straightened,
                                                         content_hash="0" * 64))

    totals = reprocess(engine, analyzer)

    assert (totals["reprocessed"], totals["failed"]) == (1, [])
    assert rows(engine, select(schema.Article.text)) == [(published_text,)]
    spans = rows(engine, select(schema.Mention.start_char, schema.Mention.end_char,
                                schema.Mention.text).where(schema.Mention.section == "body"))
    assert spans and all(published_text[s:e] == surface for s, e, surface in spans)
