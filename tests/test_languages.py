"""Languages: the NLP stage reads the configured ones, each with its own model through the
same code path; an article in another language is loaded with no mentions and no events, and
the run summary and stats count such articles. Texts written for the project."""

import json

import pytest
import spacy
from sqlalchemy import func, select

from pipeline.analysis import Analyzer
from pipeline.clean import clean_articles
from pipeline.db import schema
from pipeline.errors import RunError
from pipeline.records import RawArticle
from pipeline.settings import Settings, load_settings

ENGLISH = ("Chinese Foreign Minister Wang Yi met Russian Foreign Minister Sergei Lavrov in "
           "Moscow on Monday. Wang said China would support talks, and Lavrov thanked him for "
           "the visit before both men left for the summit in Kazan.")
GERMAN = ("Der chinesische Außenminister Wang Yi traf am Montag in Moskau seinen russischen "
          "Amtskollegen Sergej Lawrow. Beide sprachen über den Handel und über den Krieg in "
          "der Ukraine, teilte das Ministerium am Abend mit.")
FRENCH = ("Le ministre chinois des Affaires étrangères Wang Yi a rencontré lundi à Moscou son "
          "homologue russe Sergueï Lavrov. Les deux hommes ont parlé du commerce et de la "
          "guerre en Ukraine, a indiqué le ministère dans la soirée.")


@pytest.fixture(scope="module")
def french_model(tmp_path_factory):
    """A small French pipeline saved to disk, loaded by name like an installed model."""
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PER", "pattern": "Wang Yi"},
                        {"label": "LOC", "pattern": "Moscou"},
                        {"label": "PER", "pattern": [{"ORTH": "Sergueï"}, {"ORTH": "Lavrov"}]}])
    path = tmp_path_factory.mktemp("models") / "fr_small"
    nlp.to_disk(path)
    return str(path)


def _analyse(settings, *texts):
    raws = [RawArticle(f"file:///{i}.txt", "txt", text) for i, text in enumerate(texts)]
    return Analyzer(settings).analyse(clean_articles(raws).ok)


def test_an_article_in_a_language_not_read_gets_no_mentions_and_no_events():
    result = _analyse(Settings(), ENGLISH, GERMAN)
    english, german = result.ok
    assert (english.article.language, german.article.language) == ("en", "de")
    assert english.analysed and english.mentions and english.events
    assert not german.analysed and german.mentions == [] and german.events == []


def test_a_configured_language_is_read_by_its_own_model_and_gets_no_events(french_model):
    result = _analyse(Settings(languages=["en", "fr"], spacy_models={"fr": french_model}),
                      FRENCH, GERMAN, ENGLISH)
    french, german, english = result.ok  # in the input order
    assert french.analysed and not german.analysed and english.analysed
    assert {(m.entity_name, m.entity_type) for m in french.mentions} == {
        ("Wang Yi", "PERSON"), ("Moscou", "LOC"), ("Sergueï Lavrov", "PERSON")}
    assert french.events == []  # the event coder reads English only
    assert english.events


def test_a_language_without_a_model_stops_the_run_with_the_fix():
    with pytest.raises(RunError, match="no spaCy model for language 'xx'"):
        Analyzer(Settings(languages=["en", "xx"]))


def test_languages_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSFLOW_LANGUAGES", '["en", "fr"]')
    monkeypatch.setenv("NEWSFLOW_SPACY_MODELS", '{"fr": "fr_core_news_sm"}')
    settings = load_settings()
    assert (settings.languages, settings.spacy_models) == (["en", "fr"],
                                                           {"fr": "fr_core_news_sm"})


def test_the_version_changes_with_the_languages_read(french_model):
    english_only = Analyzer(Settings()).version
    assert Analyzer(Settings(languages=["en", "fr"],
                             spacy_models={"fr": french_model})).version != english_only


@pytest.mark.usefixtures("prefect_server")
def test_ingest_loads_other_languages_without_entities_and_counts_them(database_url,
                                                                       tmp_path):
    from flows.ingest import ingest_flow
    from pipeline.db.engine import make_engine
    from pipeline.stats import database_stats

    lines = [{"url": "https://wire.example/en/1", "text": ENGLISH, "language": "en"},
             {"url": "https://wire.example/de/2024/09/16/1", "text": GERMAN},
             {"url": "https://wire.example/en/2", "text": "Quake hits coastal town."}]
    (tmp_path / "wire.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines),
                                         encoding="utf-8")
    summary = ingest_flow([str(tmp_path / "wire.jsonl")],
                          settings=Settings(database_url=database_url))
    assert (summary.new, summary.failed) == (3, 0)  # the four-word wire item too
    assert summary.not_analysed == {"de": 1}
    engine = make_engine(database_url)
    with engine.connect() as connection:
        german = connection.execute(select(
            schema.Article.id, schema.Article.language, schema.Article.published_date)
            .where(schema.Article.url == "https://wire.example/de/2024/09/16/1")).one()
        counts = [connection.execute(select(func.count()).select_from(table).where(
            table.c.article_id == german.id)).scalar_one()
            for table in (schema.Mention.__table__, schema.Event.__table__)]
    assert german.language == "de" and german.published_date.isoformat() == "2024-09-16"
    assert counts == [0, 0]
    stats = database_stats(engine)
    assert dict(stats.languages) == {"en": 1, "de": 1, None: 1}  # too short to tell
    assert stats.language_mentions.get("de", 0) == 0 and stats.language_mentions["en"] > 0
    engine.dispose()
