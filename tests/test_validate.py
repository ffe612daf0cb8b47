"""The reader and source boundary: every field made storable, or the article refused with a
reason that names the field."""

from datetime import UTC, date, datetime

import pytest

from pipeline.errors import ItemError
from pipeline.records import RawArticle
from pipeline.validate import ContentLimits, language_tag, one_line, storable, validate_article

NOW = datetime(2024, 10, 3, tzinfo=UTC)
LIMITS = ContentLimits(max_text_chars=1_000)


def _raw(**fields):
    return RawArticle(**{"source_uri": "file:///a.jsonl#line=1", "format": "jsonl",
                         "text": "A story.", **fields})


def test_fields_are_made_storable_and_one_line():
    article = validate_article(_raw(
        text="Caf\ud800 cr\x00\u00e8me", title="A\ntitle\x07 here", author="  Ana \udcff ",
        site_name="\x00", language="EN_us", image="x.png\r\n", url=" https://e.org/a "),
        stage="read", limits=LIMITS, now=NOW)
    assert article.text == "Caf\ufffd cr\u00e8me"
    assert (article.title, article.author, article.site_name) == ("A title here", "Ana \ufffd",
                                                                  None)
    assert (article.language, article.image, article.url) == ("en-us", "x.png", "https://e.org/a")


@pytest.mark.parametrize(("fields", "error_type", "reason"), [
    ({"text": "x" * 1_001}, "TextTooLong", "max_text_chars"),
    ({"title": "t" * 10_001}, "FieldTooLong", "field 'title'"),
    ({"url": "http://[::1"}, "InvalidURL", "field 'url'"),
    ({"url": "ftp://e.org/a"}, "UnsupportedScheme", "field 'url'"),
    ({"published_at": datetime(9999, 12, 31, tzinfo=UTC), "published_at_source": "jsonl"},
     "DateOutOfRange", "9999-12-31"),
    ({"published_date": date(1, 1, 1), "published_at_source": "dateline"},
     "DateOutOfRange", "0001-01-01"),
    ({"fetched_at": datetime(2999, 1, 1, tzinfo=UTC)}, "DateOutOfRange", "fetch time"),
], ids=["text", "title", "url", "scheme", "year-9999", "year-1", "fetch-time"])
def test_what_cannot_be_made_storable_is_refused_by_name(fields, error_type, reason):
    with pytest.raises(ItemError) as caught:
        validate_article(_raw(**fields), stage="read", limits=LIMITS, now=NOW)
    assert (caught.value.stage, caught.value.error_type) == ("read", error_type)
    assert reason in caught.value.reason


def test_a_date_extraction_guessed_out_of_range_is_dropped_not_the_article():
    article = validate_article(_raw(published_at=datetime(1, 1, 1, tzinfo=UTC),
                                    published_at_source="json-ld",
                                    modified_at=datetime(9999, 1, 1, tzinfo=UTC)),
                               stage="extract", limits=LIMITS, now=NOW)
    assert (article.published_at, article.published_at_source, article.modified_at) == (
        None, None, None)


def test_helpers():
    assert storable("a\x00b\ud800") == "ab\ufffd"
    assert one_line(" \x00 ") is None
    assert language_tag("x" * 44) is None and language_tag("pt_BR") == "pt-br"
