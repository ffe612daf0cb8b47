from datetime import UTC, datetime

import pytest

from pipeline.analysis import analyse_articles
from pipeline.clean import clean_articles
from pipeline.records import RawArticle


@pytest.fixture
def events_of(nlp, gazetteer, coder):
    """Events the real model and the coder find in a text dated Friday 20 September 2024."""
    def run(text):
        raw = RawArticle(source_uri="file:///t.txt", format="txt", text=text,
                         published_at=datetime(2024, 9, 20, tzinfo=UTC))
        result = analyse_articles(clean_articles([raw]).ok, nlp, gazetteer, coder)
        assert not result.failed
        return result.ok[0].events
    return run
