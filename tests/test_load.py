"""The loader against real databases: idempotency, isolation of a bad article, entity merging."""

from dataclasses import replace

from sqlalchemy import func, select

from pipeline.clean import clean_articles
from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.load import load_articles, record_failures
from pipeline.records import AnalyzedArticle, ItemFailure, Mention, RawArticle
from pipeline.runs import start_run
from tests.conftest import SEED_ARTICLE, SEEDS


def _analysed(text, mentions, url=None):
    [article] = clean_articles([RawArticle(source_uri=f"file:///{abs(hash(text))}.txt",
                                           format="txt", text=text, url=url)]).ok
    return AnalyzedArticle(article=article, mentions=mentions)


def _mention(text, start, name, type_="PERSON", country=None):
    return Mention(text=text, label=type_, start_char=start, end_char=start + len(text),
                   sentence_index=0, section="body", entity_name=name, entity_type=type_,
                   country_code=country)


def _count(engine, model):
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def _load(engine, batch):
    return load_articles(engine, batch, run_id=None, pipeline_version="test")


def test_loading_twice_adds_nothing(engine):
    ensure_schema(engine)
    batch = [_analysed("Wang Yi met Putin.", [_mention("Wang Yi", 0, "Wang Yi", country="CHN")],
                       url="https://example.org/a"),
             _analysed("Kim Jong Un left.", [_mention("Kim Jong Un", 0, "Kim Jong Un")])]
    first = _load(engine, batch)
    assert (first.new, first.duplicate, first.mentions) == (2, 0, 2)
    second = _load(engine, batch)
    assert (second.new, second.duplicate, second.mentions) == (0, 2, 0)
    assert [_count(engine, m) for m in (schema.Article, schema.Mention, schema.Entity)] == [
        2, 2, 2]


def test_same_url_with_other_text_is_a_duplicate(engine):
    ensure_schema(engine)
    _load(engine, [_analysed("First version.", [], url="https://example.org/story")])
    result = _load(engine, [_analysed("Edited version.", [], url="https://example.org/story")])
    assert (result.new, result.duplicate) == (0, 1)


def test_a_bad_article_is_rolled_back_alone(engine):
    ensure_schema(engine)
    good_one = _analysed("Putin met Kim.", [_mention("Putin", 0, "Vladimir Putin")])
    # An entity without a type violates NOT NULL: the database itself refuses this article.
    bad = _analysed("Broken article.", [replace(_mention("Broken", 0, "Broken"),
                                                entity_type=None)])
    good_two = _analysed("Wang met Sullivan.", [_mention("Wang", 0, "Wang Yi")])
    result = _load(engine, [good_one, bad, good_two])
    assert (result.new, len(result.failed)) == (2, 1)
    assert result.failed[0].stage == "load"
    assert result.failed[0].source_uri == bad.article.raw.source_uri
    assert "database refused the article" in result.failed[0].message
    with engine.connect() as connection:
        texts = connection.execute(select(schema.Article.text).order_by(schema.Article.id))
        assert list(texts.scalars()) == ["Putin met Kim.", "Wang met Sullivan."]
        names = connection.execute(select(schema.Entity.name).order_by(schema.Entity.name))
        assert list(names.scalars()) == ["Vladimir Putin", "Wang Yi"]


def test_one_entity_row_across_articles_with_aliases_and_first_known_country(engine):
    ensure_schema(engine)
    _load(engine, [_analysed("Wang arrived.", [_mention("Wang", 0, "Wang Yi")])])
    _load(engine, [_analysed("Wang Yi spoke.",
                             [_mention("Wang Yi", 0, "Wang Yi", country="CHN")])])
    _load(engine, [_analysed("Wang Yi left.", [_mention("Wang Yi", 0, "Wang Yi", country="TWN")])])
    with engine.connect() as connection:
        [(name, country)] = connection.execute(
            select(schema.Entity.name, schema.Entity.country_code)).all()
        aliases = connection.execute(
            select(schema.EntityAlias.alias).order_by(schema.EntityAlias.alias)).scalars()
        assert (name, country) == ("Wang Yi", "CHN")
        assert list(aliases) == ["Wang", "Wang Yi"]


def test_failures_are_recorded_with_their_run(engine):
    ensure_schema(engine)
    run_id = start_run(engine, flow_name="test", parameters={}, pipeline_version="test")
    record_failures(engine, [ItemFailure("file:///bad.txt", "read", "EmptyInput",
                                         "file is empty")], run_id=run_id)
    with engine.connect() as connection:
        row = connection.execute(select(schema.IngestError)).mappings().one()
    assert (row["run_id"], row["stage"], row["message"]) == (run_id, "read", "file is empty")
    assert row["created_at"].tzinfo is not None


def test_an_item_failing_again_updates_its_one_open_row_and_loading_resolves_it(engine):
    """Failure 7: every run used to add another open row for the same item."""
    ensure_schema(engine)
    item = _analysed("Wang Yi met Putin in Moscow.", [])
    uri = item.article.raw.source_uri
    runs = [start_run(engine, flow_name="test", parameters={}, pipeline_version="test")
            for _ in range(3)]
    for run_id in runs:
        record_failures(engine, [ItemFailure(uri, "clean", "TooShort", f"run {run_id}")],
                        run_id=run_id)
    with engine.connect() as connection:
        rows = connection.execute(select(schema.IngestError)).mappings().all()
    assert [(r["status"], r["attempts"], r["run_id"], r["message"]) for r in rows] == [
        ("open", 3, runs[-1], f"run {runs[-1]}")]
    result = _load(engine, [item])
    assert (result.new, result.resolved) == (1, {uri})
    with engine.connect() as connection:
        assert connection.execute(select(schema.IngestError.status, schema.IngestError.attempts)
                                  ).all() == [("resolved", 4)]


def test_a_failure_whose_uri_and_reason_hold_nul_and_surrogates_is_recorded(engine):
    """Failure 3: on PostgreSQL, recording such a failure raised DataError and lost the run."""
    ensure_schema(engine)
    record_failures(engine, [ItemFailure("https://e.org/a\x00b\ud800", "read", "InvalidURL",
                                         "bad \x00 reason \udcff"),
                             ItemFailure("https://e.org/ok", "fetch", "HTTPStatusError", "404")],
                    run_id=None)
    with engine.connect() as connection:
        rows = connection.execute(select(schema.IngestError.source_uri, schema.IngestError.message)
                                  .order_by(schema.IngestError.id)).all()
    assert rows == [("https://e.org/ab\ufffd", "bad  reason \ufffd"), ("https://e.org/ok", "404")]


def test_names_past_their_column_are_cut_the_same_on_every_backend(engine):
    """Failure 9: a 665-character entity name was lost on PostgreSQL (varchar(400)) and loaded
    on SQLite; now both keep the article, the name cut to the column and the mention whole."""
    ensure_schema(engine)
    name = "Very Long Name " * 44 + "End"
    assert len(name) > 600
    item = _analysed(f"{name} spoke.", [_mention(name, 0, name)])
    assert _load(engine, [item]).new == 1
    with engine.connect() as connection:
        stored, = connection.execute(select(schema.Entity.name)).scalars()
        mention, = connection.execute(select(schema.Mention.text)).scalars()
    assert stored == name[:400].rstrip() and mention == name


def _web(text, url, *, fetched_url=None, etag=None, source_ref=None, body=b"<html>...</html>"):
    from datetime import UTC, datetime

    from pipeline.records import FetchedDocument

    item = _analysed(text, [], url=url)
    raw = item.article.raw
    fetched = fetched_url or url
    raw.document = FetchedDocument(url=fetched, final_url=url, status=200,
                                   headers={"etag": etag} if etag else {},
                                   fetched_at=datetime(2024, 6, 1, tzinfo=UTC), body=body)
    raw.seen_urls = (fetched, url)
    raw.source_ref = source_ref
    return item


STORY = SEED_ARTICLE.read_text(encoding="utf-8").split("\n\n", 4)[-1]
OTHER = (SEEDS / "002_scholz_hosts_lula_berlin.txt").read_text(encoding="utf-8")


def test_near_duplicates_are_linked_and_every_url_kept(engine):
    ensure_schema(engine)
    first = _load(engine, [_web(STORY, "https://a.example/story")])
    copy = STORY.replace("significant", "important").replace("Notably, ", "")
    second = _load(engine, [_web(copy, "https://b.example/wire-copy")])
    unrelated = _load(engine, [_web(OTHER, "https://c.example/other")])
    assert (first.new, second.new, second.near_duplicate, unrelated.near_duplicate) == (
        1, 1, 1, 0)
    with engine.connect() as connection:
        rows = dict(connection.execute(
            select(schema.Article.url, schema.Article.duplicate_of)).all())
        ids = dict(connection.execute(select(schema.Article.url, schema.Article.id)).all())
        urls = set(connection.execute(select(schema.ArticleUrl.url)).scalars())
    assert rows["https://b.example/wire-copy"] == ids["https://a.example/story"]
    assert rows["https://a.example/story"] is None and rows["https://c.example/other"] is None
    assert {"https://a.example/story", "https://b.example/wire-copy"} <= urls


def test_raw_documents_validators_and_source_items_are_stored_with_the_article(engine):
    import zlib

    from pipeline.records import SourceRef

    ensure_schema(engine)
    ref = SourceRef("feed:https://a.example/rss", "entry-1", "2024-06-01T00:00:00+00:00")
    item = _web(STORY, "https://a.example/story", fetched_url="https://a.example/s?id=1",
                etag='"v1"', source_ref=ref, body=b"<html>story</html>")
    _load(engine, [item])
    # The same article reached again through another URL: no new row, but the URL is kept.
    again = _web(STORY, "https://a.example/story", fetched_url="https://a.example/amp/story")
    assert _load(engine, [again]).duplicate == 1
    with engine.connect() as connection:
        document = connection.execute(select(schema.RawDocument).where(
            schema.RawDocument.url == "https://a.example/s?id=1")).mappings().one()
        state = connection.execute(select(schema.UrlState).where(
            schema.UrlState.url == "https://a.example/s?id=1")).mappings().one()
        source = connection.execute(select(schema.SourceItem)).mappings().one()
        urls = set(connection.execute(select(schema.ArticleUrl.url)).scalars())
        article_id = connection.execute(select(schema.Article.id)).scalar_one()
    assert zlib.decompress(document["body"]) == b"<html>story</html>"
    assert state["etag"] == '"v1"' and state["article_id"] == article_id
    assert (source["item_key"], source["version"], source["article_id"]) == (
        "entry-1", "2024-06-01T00:00:00+00:00", article_id)
    assert "https://a.example/amp/story" in urls
