from datetime import UTC, datetime

import pytest

from pipeline.clean import clean_articles
from pipeline.entities import extract_entities
from pipeline.events.actors import ActorCoder
from pipeline.events.coder import EventCoder
from pipeline.events.lexicon import EventLexicon
from pipeline.records import RawArticle


@pytest.fixture(scope="session")
def coder(gazetteer):
    return EventCoder(EventLexicon.load(), ActorCoder(gazetteer))


@pytest.fixture
def events_of(nlp, gazetteer, coder):
    """Events the real model and the coder find in a text dated Friday 20 September 2024."""
    def run(text):
        raw = RawArticle(source_uri="file:///t.txt", format="txt", text=text,
                         published_at=datetime(2024, 9, 20, tzinfo=UTC))
        result = extract_entities(clean_articles([raw]).ok, nlp, gazetteer, event_coder=coder)
        assert not result.failed
        return result.ok[0].events
    return run
