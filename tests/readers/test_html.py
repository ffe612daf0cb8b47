import re
from datetime import UTC, datetime

import lxml.html
import pytest

from pipeline.readers import read_file
from pipeline.records import ItemFailure, RawArticle
from tests.conftest import CASES, SEEDS


def _read_one(path):
    items = list(read_file(path, max_bytes=10_000_000))
    assert len(items) == 1
    return items[0]


def test_news_page_metadata_and_main_text():
    article = _read_one(SEEDS / "006_india_france_rafale_marine_deal.html")
    assert isinstance(article, RawArticle)
    assert article.format == "html"
    assert article.title and "Rafale" in article.title
    assert article.url and article.url.startswith("https://www.globalwire.example/")
    assert article.author and "Senior" not in article.author
    assert article.published_at is not None and article.published_at.tzinfo is not None
    assert article.language == "en"
    # The story is there, the page furniture around it is not.
    assert "Rafale" in article.text
    for boilerplate in ("Accept all", "Related stories", "Privacy policy", "Share on"):
        assert boilerplate not in article.text


_FURNITURE = re.compile(r"cookie|share|related|footer|nav|newsletter|subscribe")


@pytest.mark.parametrize("name", [
    "006_india_france_rafale_marine_deal.html",
    "007_tbilisi_protest_before_election.html",
    "008_philippines_us_japan_drills.html",
], ids=["rafale", "tbilisi", "drills"])
def test_no_page_furniture_reaches_the_text(name):
    """Every line of text inside a navigation, cookie, share, related, newsletter or footer
    element of the page is absent from the extracted text."""
    html = (SEEDS / name).read_bytes()
    tree = lxml.html.fromstring(html)
    furniture = [element for element in tree.iter()
                 if isinstance(element.tag, str) and (element.tag in ("nav", "footer") or
                                                      _FURNITURE.search(element.get("class", "")))]
    lines = {line.strip() for element in furniture
             for line in element.text_content().splitlines() if len(line.split()) >= 3}
    assert len(furniture) >= 4 and lines
    text = _read_one(SEEDS / name).text
    assert [line for line in lines if line in text] == []


def test_every_sample_page_has_its_date_in_utc():
    expected = {
        "006_india_france_rafale_marine_deal.html": datetime(2024, 2, 9, 8, 50, tzinfo=UTC),
        "007_tbilisi_protest_before_election.html": datetime(2024, 10, 3, 17, 10, tzinfo=UTC),
        "008_philippines_us_japan_drills.html": datetime(2025, 4, 15, 10, 5, tzinfo=UTC),
    }
    for name, published in expected.items():
        assert _read_one(SEEDS / name).published_at == published, name


def test_declared_charset_is_honoured():
    article = _read_one(CASES / "html" / "charset_latin1.html")
    assert "Zürich" in article.text
    assert article.published_at == datetime(2024, 3, 4, 7, 0, tzinfo=UTC)


def test_page_without_article_text_is_an_extract_failure():
    failure = _read_one(CASES / "bad" / "no_text.html")
    assert isinstance(failure, ItemFailure)
    assert failure.stage == "extract"
    assert failure.error_type == "NoContent"
