"""The loader against real databases: idempotency, isolation of a bad article, entity merging."""

from dataclasses import replace

from sqlalchemy import func, select

from pipeline.clean import clean_articles
from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.load import load_articles, record_failures, start_run
from pipeline.records import AnalyzedArticle, ItemFailure, Mention, RawArticle


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
