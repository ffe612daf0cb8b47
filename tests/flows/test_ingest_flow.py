"""The ingest flow end to end under Prefect, on a real SQLite file and a real PostgreSQL."""

import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from flows.ingest import ingest_flow
from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.settings import Settings
from tests.conftest import CASES, SEED_ARTICLE, SEEDS

pytestmark = pytest.mark.usefixtures("prefect_server")

SEED_ARTICLES = 13  # 5 .txt + 1 seed + 3 .html + 4 .jsonl lines


def _rows(engine, statement):
    with engine.connect() as connection:
        return connection.execute(statement).all()


def test_seeds_end_to_end(database_url):
    summary = ingest_flow([str(SEEDS)], settings=Settings(database_url=database_url))
    assert (summary.read, summary.new, summary.failed) == (SEED_ARTICLES, SEED_ARTICLES, 0)
    engine = make_engine(database_url)

    [(article_id, title, published, image, language, words)] = _rows(engine, select(
        schema.Article.id, schema.Article.title, schema.Article.published_at,
        schema.Article.image, schema.Article.language, schema.Article.word_count,
    ).where(schema.Article.source_uri == SEED_ARTICLE.resolve().as_uri()))
    assert title.startswith("Chinese Foreign Minister Wang Yi travels to Russia")
    assert published == datetime(2024, 9, 20, tzinfo=UTC)
    assert (image, language) == ("HN9XqUMiCP8pEQf.png", "en")
    assert words > 500

    mentions = _rows(engine, select(
        schema.Mention.text, schema.Mention.label, schema.Entity.name, schema.Entity.type,
        schema.Entity.country_code,
    ).join(schema.Entity).where(schema.Mention.article_id == article_id))
    wang = {(name, type_, code) for text, _label, name, type_, code in mentions
            if text.startswith("Wang")}
    assert wang == {("Wang Yi", "PERSON", "CHN")}
    entities = {name: (type_, code) for _text, _label, name, type_, code in mentions}
    assert entities["Vladimir Putin"] == ("PERSON", "RUS")
    assert entities["Kim Jong Un"] == ("PERSON", "PRK")
    assert entities["Jake Sullivan"] == ("PERSON", "USA")
    for place, code in (("China", "CHN"), ("Russia", "RUS"), ("Ukraine", "UKR"),
                        ("Malta", "MLT"), ("United States", "USA")):
        assert entities[place] == ("GPE", code)
    adjectives = {(text, name) for text, label, name, _t, _c in mentions if label == "NORP"}
    assert {("Chinese", "China"), ("Russian", "Russia")} <= adjectives

    aliases = {alias for (alias,) in _rows(engine, select(schema.EntityAlias.alias).join(
        schema.Entity).where(schema.Entity.name == "Wang Yi"))}
    assert {"Wang", "Wang Yi"} <= aliases

    events = _rows(engine, select(schema.Event.cameo_code, schema.Event.actor1_code,
                                  schema.Event.actor2_code, schema.Event.plover_type,
                                  schema.Event.quad_class, schema.Event.evidence)
                   .where(schema.Event.article_id == article_id))
    warrant = [e for e in events if e[0] == "173"]
    assert warrant and warrant[0][1:5] == ("IGO", "RUSGOV", "COERCE", 4)
    assert "arrest warrant was issued against him" in warrant[0][5]
    coded = {(code, actor1, actor2) for code, actor1, actor2, *_ in events}
    for expected in [("042", "CHNGOV", "RUS"),      # Wang Yi makes a visit to Russia
                     ("040", "RUSGOV", "PRKGOV"),   # Putin's meeting with Kim Jong Un
                     ("112", "USA", "CHN"),         # accusations from the US
                     ("016", "CHN", None),          # China has denied
                     ("011", "CHNGOV", None),       # the foreign ministry declined to comment
                     ("040", "CHNGOV", "USAGOV")]:  # Wang's meeting with Jake Sullivan
        assert expected in coded, expected
    [(negated, code)] = _rows(engine, select(schema.Event.negated, schema.Event.cameo_code).where(
        schema.Event.article_id == article_id, schema.Event.trigger == "travel"))
    assert (negated, code) == (True, "042")  # "Putin has not traveled abroad"
    [malta] = _rows(engine, select(schema.Entity.name).join(
        schema.Event, schema.Event.location_entity_id == schema.Entity.id).where(
        schema.Event.article_id == article_id, schema.Event.actor2_code == "USAGOV"))
    assert malta == ("Malta",)

    [run] = _rows(engine, select(schema.PipelineRun.status, schema.PipelineRun.new_count,
                                 schema.PipelineRun.failed_count, schema.PipelineRun.finished_at))
    assert run[:3] == ("completed", SEED_ARTICLES, 0) and run[3] is not None


def test_a_second_ingest_adds_nothing(database_url):
    settings = Settings(database_url=database_url, batch_size=4)
    first = ingest_flow([str(SEEDS)], settings=settings)
    engine = make_engine(database_url)
    tables = (schema.Article, schema.Entity, schema.EntityAlias, schema.Mention)

    def counts():
        return [_rows(engine, select(func.count()).select_from(t))[0][0] for t in tables]

    before = counts()
    second = ingest_flow([str(SEEDS)], settings=settings)
    # Unchanged files are skipped unread; --force reads them, and loading adds nothing.
    assert (first.new, second.new, second.read) == (SEED_ARTICLES, 0, 0)
    assert second.unchanged_files == first.files
    forced = ingest_flow([str(SEEDS)], settings=settings, force=True)
    assert (forced.new, forced.duplicate, forced.known_content) == (
        0, SEED_ARTICLES, SEED_ARTICLES)
    assert forced.unchanged_files == 0
    assert counts() == before


def test_bad_input_is_quarantined_and_good_input_loaded(tmp_path, sqlite_url):
    folder = tmp_path / "inbox"
    shutil.copytree(CASES / "bad", folder)
    paragraph = ("Chinese Foreign Minister Wang Yi met his Russian counterpart Sergei Lavrov in "
                 "Moscow on Monday. Wang said the talks were frank. ") * 8
    (folder / "long.txt").write_text("\n\n".join([paragraph] * 80), encoding="utf-8")
    settings = Settings(database_url=sqlite_url, max_chunk_chars=20_000)

    summary = ingest_flow([str(folder)], settings=settings)

    assert (summary.new, summary.failed) == (3, 9)
    engine = make_engine(sqlite_url)
    errors = {uri.rsplit("/", 1)[1]: (stage, kind, message) for uri, stage, kind, message in
              _rows(engine, select(schema.IngestError.source_uri, schema.IngestError.stage,
                                   schema.IngestError.error_type, schema.IngestError.message))}
    assert errors["empty.txt"] == ("read", "EmptyInput", "file is empty")
    assert errors["binary.txt"][:2] == ("read", "BinaryInput")
    assert errors["invalid_utf8.txt"][:2] == ("read", "InvalidEncoding")
    assert errors["no_text.html"][:2] == ("extract", "NoContent")
    assert errors["paywall_teaser.html"] == (
        "clean", "TooShort", "only 6 words after cleaning (setting min_words is 10)")
    assert {k for k in errors if k.startswith("malformed.jsonl")} == {
        f"malformed.jsonl#line={n}" for n in (2, 3, 4, 5)}
    assert all(message for _stage, _kind, message in errors.values())

    loaded = dict(_rows(engine, select(schema.Article.source_uri, schema.Article.word_count)))
    assert {uri.rsplit("/", 1)[1] for uri in loaded} == {
        "good_article.txt", "malformed.jsonl#line=1", "long.txt"}
    long_uri = (folder / "long.txt").resolve().as_uri()
    [(article_id, text)] = _rows(engine, select(schema.Article.id, schema.Article.text).where(
        schema.Article.source_uri == long_uri))
    spans = _rows(engine, select(schema.Mention.start_char, schema.Mention.end_char,
                                 schema.Mention.text).where(
        schema.Mention.article_id == article_id, schema.Mention.section == "body"))
    assert len(spans) > 80 * 8 * 3
    assert all(text[start:end] == surface for start, end, surface in spans)
    [run] = _rows(engine, select(schema.PipelineRun.status, schema.PipelineRun.failed_count))
    assert run == ("completed", 9)
