"""Events through the loader: rows with their codes, and clusters counted across articles."""

from datetime import date

from sqlalchemy import select

from pipeline.clean import clean_articles
from pipeline.db import schema
from pipeline.db.migrate import ensure_schema
from pipeline.load import load_articles
from pipeline.records import Actor, AnalyzedArticle, CodedEvent, Mention, RawArticle


def _article(text, site, events):
    [article] = clean_articles([RawArticle(source_uri=f"file:///{site}.txt", format="txt",
                                           text=text, site_name=site)]).ok
    mentions = [Mention("Putin", "PERSON", 0, 5, 0, "body", "Vladimir Putin", "PERSON", "RUS")]
    return AnalyzedArticle(article=article, mentions=mentions, events=events)


def _event(code="040", actor2="PRKGOV", negated=False, day=date(2024, 9, 13)):
    return CodedEvent(
        sentence_index=0, start_char=0, end_char=20, evidence="Putin met Kim.", trigger="meet",
        cameo_code=code, cameo_root=code[:2], quad_class=1, goldstein=1.0,
        plover_type="CONSULT", plover_mode=None,
        actor1=Actor("RUSGOV", "RUS", "GOV", "Putin", "Vladimir Putin", "PERSON"),
        actor2=Actor(actor2, actor2[:3], "GOV", "Kim") if actor2 else None,
        negated=negated, modality="asserted", event_date=day, location_name=None,
        location_type=None, confidence=0.9)


def test_events_are_stored_and_clustered_across_sources(engine):
    ensure_schema(engine)
    first = _article("Putin met Kim in Vladivostok, the agency said.", "Agency A",
                     [_event(), _event(code="112", actor2=None, negated=True)])
    second = _article("Putin met Kim, a newspaper reported on Friday.", "Paper B", [_event()])
    result = load_articles(engine, [first, second], run_id=None, pipeline_version="test")
    assert result.events == 3
    with engine.connect() as connection:
        rows = connection.execute(select(schema.Event.cameo_code, schema.Event.actor1_entity_id,
                                         schema.Event.negated, schema.Event.cluster_id)).all()
        [cluster] = connection.execute(select(schema.EventCluster)).mappings().all()
        putin = connection.execute(select(schema.Entity.id).where(
            schema.Entity.name == "Vladimir Putin")).scalar_one()
    assert {r[1] for r in rows} == {putin}
    negated = [r for r in rows if r[2]]
    assert negated and negated[0][3] is None  # what did not happen is not clustered
    assert (cluster["actor1_code"], cluster["actor2_code"], cluster["cameo_code"]) == (
        "RUSGOV", "PRKGOV", "040")
    assert (cluster["num_mentions"], cluster["num_articles"], cluster["num_sources"]) == (2, 2, 2)
