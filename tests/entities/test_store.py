"""Entities across articles in real databases: surnames resolved against what is stored and
what the batch holds, merges and splits when new names arrive, and the same result in any
load order or batch size."""

import itertools
import random
from datetime import date

import pytest
from sqlalchemy import select

from pipeline.clean import clean_articles
from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.load import load_articles
from pipeline.records import Actor, AnalyzedArticle, CodedEvent, Mention, RawArticle


def _article(text: str, *names: tuple[str, str, str] | tuple[str, str, str, str],
             event_actor: tuple[str, str] | None = None) -> AnalyzedArticle:
    """An article whose mentions are ``(surface, entity name, type[, country])`` in order."""
    [article] = clean_articles([RawArticle(source_uri=f"file:///{abs(hash(text))}.txt",
                                           format="txt", text=text)]).ok
    mentions = []
    for surface, name, type_, *country in names:
        start = text.index(surface)
        mentions.append(Mention(surface, type_, start, start + len(surface), 0, "body", name,
                                type_, country[0] if country else None))
    events = []
    if event_actor is not None:
        events.append(CodedEvent(
            sentence_index=0, start_char=0, end_char=len(text), evidence=text, trigger="visit",
            cameo_code="042", cameo_root="04", quad_class=1, goldstein=1.9,
            plover_type="CONSULT", plover_mode=None,
            actor1=Actor("USAGOV", "USA", "GOV", event_actor[0], *event_actor),
            actor2=None, negated=False, modality="asserted", event_date=date(2024, 9, 20),
            location_name=None, location_type=None, confidence=0.8))
    return AnalyzedArticle(article=article, mentions=mentions, events=events)


def _load(engine, batch) -> None:
    ensure_schema(engine)
    load_articles(engine, batch, run_id=None, pipeline_version="test")


def _entity_of(engine) -> dict[tuple[str, int], tuple[str, str, str | None]]:
    """(article text, mention start) → (entity type, name, country)."""
    m, e, a = schema.Mention.__table__, schema.Entity.__table__, schema.Article.__table__
    with engine.connect() as connection:
        rows = connection.execute(select(a.c.text, m.c.start_char, e.c.type, e.c.name,
                                         e.c.country_code)
                                  .join(m, m.c.entity_id == e.c.id)
                                  .join(a, a.c.id == m.c.article_id))
        return {(text, start): (kind, name, country)
                for text, start, kind, name, country in rows}


def _snapshot(engine) -> dict[str, object]:
    """Everything that must not depend on the order of loading, without row ids."""
    e, al = schema.Entity.__table__, schema.EntityAlias.__table__
    ev, a = schema.Event.__table__, schema.Article.__table__
    with engine.connect() as connection:
        entities = sorted(connection.execute(select(e.c.type, e.c.name, e.c.country_code)).all())
        aliases = sorted(connection.execute(select(e.c.type, e.c.name, al.c.alias)
                                            .join(al, al.c.entity_id == e.c.id)).all())
        events = sorted(connection.execute(select(a.c.text, e.c.name)
                                           .join(ev, ev.c.article_id == a.c.id)
                                           .join(e, e.c.id == ev.c.actor1_entity_id)).all())
    return {"entities": entities, "aliases": aliases, "events": events,
            "mentions": sorted(_entity_of(engine).items())}


TRUMP_FULL = _article("Donald Trump spoke in Ohio on Monday.",
                      ("Donald Trump", "Donald Trump", "PERSON"), ("Ohio", "Ohio", "GPE"))
TRUMP_SHORT = _article("President Trump said the deal was done.", ("Trump", "Trump", "PERSON"),
                       event_actor=("Trump", "PERSON"))
TRUMP_ORG = _article("Trump signed the order on Tuesday night.", ("Trump", "Trump", "ORG"))
TRUMP_AGAIN = _article("Trump flew to Florida after the rally.", ("Trump", "Trump", "PERSON"),
                       ("Florida", "Florida", "GPE", "USA"))
TRUMP_INITIAL = _article("Donald J. Trump won the vote in the state.",
                         ("Donald J. Trump", "Donald J. Trump", "PERSON", "USA"))


def test_a_surname_in_a_later_run_joins_the_stored_full_name(engine):
    _load(engine, [TRUMP_FULL])
    _load(engine, [TRUMP_SHORT])
    entities = _entity_of(engine)
    assert entities[(TRUMP_SHORT.article.text, 10)] == ("PERSON", "Donald Trump", None)
    snapshot = _snapshot(engine)
    assert ("PERSON", "Trump", None) not in snapshot["entities"]
    assert ("PERSON", "Donald Trump", "Trump") in snapshot["aliases"]
    assert snapshot["events"] == [("President Trump said the deal was done.", "Donald Trump")]


def test_a_full_name_arriving_later_takes_the_earlier_surname_entity(engine):
    _load(engine, [TRUMP_SHORT, TRUMP_ORG, TRUMP_AGAIN])
    assert _entity_of(engine)[(TRUMP_SHORT.article.text, 10)][1] == "Trump"
    _load(engine, [TRUMP_FULL, TRUMP_INITIAL])
    snapshot = _snapshot(engine)
    people = [row for row in snapshot["entities"] if "Trump" in row[1]]
    # One person: the surname, the ORG tag the person majority outvotes, and the initial.
    assert people == [("PERSON", "Donald Trump", "USA")]
    assert {alias for kind, name, alias in snapshot["aliases"] if name == "Donald Trump"} == {
        "Donald Trump", "Donald J. Trump", "Trump"}
    assert snapshot["events"] == [("President Trump said the deal was done.", "Donald Trump")]


KIM_JONG_UN = _article("Kim Jong Un inspected a missile launch.",
                       ("Kim Jong Un", "Kim Jong Un", "PERSON", "PRK"))
KIM = _article("Kim said the tests would go on, state media said.", ("Kim", "Kim", "PERSON"))
KIM_YO_JONG = _article("Kim Yo Jong issued a statement in Pyongyang.",
                       ("Kim Yo Jong", "Kim Yo Jong", "PERSON", "PRK"),
                       ("Pyongyang", "North Korea", "GPE", "PRK"))


def test_a_name_that_becomes_ambiguous_is_split_back(engine):
    _load(engine, [KIM_JONG_UN, KIM])
    assert _entity_of(engine)[(KIM.article.text, 0)][1] == "Kim Jong Un"
    _load(engine, [KIM_YO_JONG])
    assert _entity_of(engine)[(KIM.article.text, 0)] == ("PERSON", "Kim", None)
    assert ("PERSON", "Kim Jong Un", "PRK") in _snapshot(engine)["entities"]


def test_a_name_is_resolved_against_others_in_the_same_batch(engine):
    _load(engine, [TRUMP_SHORT, TRUMP_FULL])
    assert _entity_of(engine)[(TRUMP_SHORT.article.text, 10)][1] == "Donald Trump"


PLACES_AND_PEOPLE = [
    _article("Jordan closed its border with Syria.", ("Jordan", "Jordan", "GPE", "JOR"),
             ("Syria", "Syria", "GPE", "SYR")),
    _article("Michael Jordan bought a team in Charlotte.",
             ("Michael Jordan", "Michael Jordan", "PERSON"), ("Charlotte", "Charlotte", "GPE")),
    _article("Jordan scored thirty points that night.", ("Jordan", "Jordan", "PERSON")),
]


def test_a_place_and_a_person_sharing_a_name_stay_two_entities(engine):
    _load(engine, PLACES_AND_PEOPLE)
    entities = _entity_of(engine)
    assert entities[(PLACES_AND_PEOPLE[0].article.text, 0)] == ("GPE", "Jordan", "JOR")
    assert entities[(PLACES_AND_PEOPLE[2].article.text, 0)] == ("PERSON", "Michael Jordan", None)


CORPUS = [TRUMP_FULL, TRUMP_SHORT, TRUMP_ORG, TRUMP_AGAIN, TRUMP_INITIAL, KIM_JONG_UN, KIM,
          KIM_YO_JONG, *PLACES_AND_PEOPLE,
          _article("Wang Yi met Sergei Lavrov in Moscow on Friday.",
                   ("Wang Yi", "Wang Yi", "PERSON", "CHN"),
                   ("Sergei Lavrov", "Sergei Lavrov", "PERSON", "RUS"),
                   ("Moscow", "Russia", "GPE", "RUS")),
          _article("Lavrov said the talks went well for both sides.",
                   ("Lavrov", "Lavrov", "PERSON"), event_actor=("Lavrov", "PERSON")),
          _article("Twitter suspended the account for a day.", ("Twitter", "Twitter", "ORG")),
          _article("Twitter said the posts broke its rules.", ("Twitter", "Twitter", "PERSON"))]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_same_articles_give_the_same_entities_in_any_order_and_batch_size(
        seed, tmp_path, sqlite_url):
    from pipeline.db.engine import make_engine

    reference = make_engine(sqlite_url)
    _load(reference, CORPUS)
    expected = _snapshot(reference)
    order = CORPUS[:]
    random.Random(seed).shuffle(order)
    size = (1, 2, 5)[seed - 1]
    engine = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    for start in range(0, len(order), size):
        _load(engine, order[start:start + size])
    assert _snapshot(engine) == expected
    assert ("PERSON", "Lavrov", None) not in expected["entities"]
    assert ("PERSON", "Sergei Lavrov", "RUS") in expected["entities"]


def test_order_independence_on_this_database(engine, sqlite_url):
    """Loaded one article at a time in reverse order on either database, as at once."""
    from pipeline.db.engine import make_engine

    reference = make_engine(sqlite_url)
    _load(reference, CORPUS)
    for item in reversed(CORPUS):
        _load(engine, [item])
    assert _snapshot(engine) == _snapshot(reference)


def test_every_pair_order_of_a_surname_and_two_full_names(tmp_path):
    from pipeline.db.engine import make_engine

    results = set()
    for index, order in enumerate(itertools.permutations([KIM, KIM_JONG_UN, KIM_YO_JONG])):
        engine = make_engine(f"sqlite:///{tmp_path / f'{index}.db'}")
        for item in order:
            _load(engine, [item])
        results.add(repr(_snapshot(engine)))
        engine.dispose()
    assert len(results) == 1


def test_two_concurrent_loaders_on_postgres_give_what_one_loader_gives(postgres_url,
                                                                      sqlite_url):
    """Loaders racing on the same names (each batch settles surnames and full names the other
    is writing) end where one loader ends."""
    from pipeline.db.engine import make_engine
    from tests.flows.test_concurrent_loading import _run_together

    reference = make_engine(sqlite_url)
    _load(reference, CORPUS)
    expected = _snapshot(reference)
    engine = make_engine(postgres_url)
    ensure_schema(engine)

    def loader(items):
        def job():
            for start in range(0, len(items), 2):
                load_articles(engine, items[start:start + 2], run_id=None,
                              pipeline_version="test")
        return job

    for round_ in range(3):
        order = CORPUS[:]
        random.Random(round_).shuffle(order)
        first, second = order[:10], order[6:][::-1]  # overlapping, opposite orders
        results = _run_together(loader(first), loader(second))
        assert not any(isinstance(r, Exception) for r in results), results
        assert _snapshot(engine) == expected
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "TRUNCATE articles, mentions, events, entities, entity_aliases, entity_forms, "
                "article_lsh_bands RESTART IDENTITY CASCADE")
    engine.dispose()


def test_the_migration_merges_the_duplicates_already_stored(database_url):
    """A database loaded before entity forms existed: its surname entity is merged into the
    full name by the upgrade."""
    from sqlalchemy import text

    from pipeline.db.engine import make_engine
    from pipeline.db.migrate import upgrade

    engine = make_engine(database_url)
    upgrade(engine, "0005")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO articles (id, source_uri, text, content_hash, word_count, "
            "source_format, ingested_at, pipeline_version) VALUES "
            "(1, 'a', 'Donald Trump spoke. Trump left.', 'h1', 5, 'txt', '2024-09-20', 'old'),"
            "(2, 'b', 'Trump said so.', 'h2', 3, 'txt', '2024-09-20', 'old')"))
        connection.execute(text(
            "INSERT INTO entities (id, name, type, country_code) VALUES "
            "(1, 'Donald Trump', 'PERSON', NULL), (2, 'Trump', 'PERSON', 'USA'), "
            "(3, 'Trump', 'ORG', NULL), (4, 'Ohio', 'GPE', 'USA')"))
        connection.execute(text(
            "INSERT INTO entity_aliases (entity_id, alias) VALUES (1, 'Donald Trump'), "
            "(2, 'Trump'), (3, 'Trump')"))
        connection.execute(text(
            "INSERT INTO mentions (article_id, entity_id, text, label, section, start_char, "
            "end_char, sentence_index, pipeline_version) VALUES "
            "(1, 1, 'Donald Trump', 'PERSON', 'body', 0, 12, 0, 'old'),"
            "(1, 1, 'Trump', 'PERSON', 'body', 20, 25, 1, 'old'),"
            "(2, 2, 'Trump', 'PERSON', 'body', 0, 5, 0, 'old'),"
            "(2, 2, 'Trump', 'PERSON', 'body', 0, 5, 0, 'old'),"
            "(2, 3, 'Trump', 'ORG', 'body', 0, 5, 0, 'old')"))
    upgrade(engine)
    snapshot = _snapshot(engine)
    assert snapshot["entities"] == [("GPE", "Ohio", "USA"), ("PERSON", "Donald Trump", "USA")]
    assert {m[1] for m in snapshot["mentions"]} == {("PERSON", "Donald Trump", "USA")}
    assert ("PERSON", "Donald Trump", "Trump") in snapshot["aliases"]
    engine.dispose()


def test_reprocess_settles_the_names_an_article_no_longer_uses(engine):
    """A reprocessed article that stops naming Kim Yo Jong leaves Kim Jong Un the one Kim."""
    from dataclasses import replace

    from pipeline.reprocess import Candidate, replace_batch

    _load(engine, [KIM_JONG_UN, KIM, KIM_YO_JONG])
    assert _entity_of(engine)[(KIM.article.text, 0)][1] == "Kim"
    articles = schema.Article.__table__
    with engine.connect() as connection:
        article_id = connection.execute(select(articles.c.id).where(
            articles.c.text == KIM_YO_JONG.article.text)).scalar_one()
    without_her = replace(KIM_YO_JONG, mentions=KIM_YO_JONG.mentions[1:])
    result = replace_batch(engine, [(Candidate(article_id, KIM_YO_JONG.article, False),
                                     without_her)], pipeline_version="test-2")
    assert result.reprocessed == 1
    assert _entity_of(engine)[(KIM.article.text, 0)] == ("PERSON", "Kim Jong Un", "PRK")
