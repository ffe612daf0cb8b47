from datetime import UTC, datetime

import pytest

from pipeline.extract import extract_page
from pipeline.metadata import clean_author, page_dates

BODY = "<article><p>" + "Ministers met in Vienna on Monday to discuss gas transit. " * 12 + \
    "</p></article>"


@pytest.mark.parametrize(("raw", "expected"), [
    ("By Jane Doe, Senior Diplomatic Correspondent", "Jane Doe"),
    ("Jane Doe | Email the author", "Jane Doe"),
    ("by John Smith and Maria Garcia", "John Smith; Maria Garcia"),
    ("Written by: Ana López, Bureau Chief; updated 3 hours ago", "Ana López"),
    ("Staff Reporter", None),
    ("Reuters", "Reuters"),
], ids=["role-after-comma", "email-the-author", "two-authors", "written-by-updated",
        "only-a-role", "agency"])
def test_author_lines_are_cleaned(raw, expected):
    assert clean_author(raw) == expected


def _page(head):
    return f"<html><head>{head}</head><body>{BODY}</body></html>"


def test_json_ld_wins_over_meta_tags():
    html = _page('<meta property="article:published_time" content="2024-01-02T00:00:00Z">'
                 '<script type="application/ld+json">{"@context": "https://schema.org", '
                 '"@graph": [{"@type": "NewsArticle", "datePublished": "2024-01-01T08:00:00+02:00",'
                 ' "dateModified": "2024-01-03T10:00:00Z"}]}</script>')
    dates = page_dates(html)
    assert dates.published_at == datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
    assert dates.modified_at == datetime(2024, 1, 3, 10, 0, tzinfo=UTC)
    assert dates.source == "json-ld"


def test_meta_tag_date_keeps_its_time_and_zone():
    page = extract_page(_page(
        '<meta property="article:published_time" content="2024-05-06T21:30:00-04:00">'))
    assert page.published_at == datetime(2024, 5, 7, 1, 30, tzinfo=UTC)
    assert page.published_at_source == "meta"


def test_a_date_after_the_fetch_is_not_used():
    html = _page('<meta property="article:published_time" content="2030-01-01T00:00:00Z">')
    page = extract_page(html, fetched_at=datetime(2024, 6, 1, tzinfo=UTC))
    assert page.published_at is None


def test_http_charset_wins_over_the_meta_charset():
    html = _page('<meta charset="utf-8">').replace("Vienna", "Zürich").encode("cp1252")
    assert "Zürich" in extract_page(html, charset="windows-1252").text


def test_canonical_url_is_normalized():
    html = _page('<link rel="canonical" href="HTTPS://News.Example.COM/a/story?utm_source=x'
                 '&id=7#top">')
    assert extract_page(html).url == "https://news.example.com/a/story?id=7"


def test_publisher_calendar_date_is_kept_beside_the_utc_instant():
    html = _page('<meta property="article:published_time" content="2024-05-06T21:30:00-04:00">')
    page = extract_page(html.replace("<body>", '<body><p class="date">May 6, 2024</p>'))
    assert page.published_at == datetime(2024, 5, 7, 1, 30, tzinfo=UTC)
    assert page.published_date.isoformat() == "2024-05-06"


def test_a_structured_date_far_from_the_page_date_loses_to_it():
    # A site-wide JSON-LD WebPage date two years after the story's dated URL and byline.
    html = ('<html><head><script type="application/ld+json">{"@type": "WebPage", '
            '"datePublished": "2026-01-01T00:00:00Z"}</script></head><body>'
            '<p class="byline">Published March 3, 2024</p>' + BODY + "</body></html>")
    page = extract_page(html, url="https://news.example.com/2024/03/03/story.html")
    assert page.published_date.isoformat() == "2024-03-03"
    assert page.published_at_source == "htmldate"


def test_a_local_offset_states_the_publishers_day():
    # The URL says the 3rd; the publisher's own timestamp, in its zone, says the 4th (an
    # early-morning story): the stated local day is the calendar date, the instant is UTC.
    html = _page('<meta property="article:published_time" content="2024-03-04T00:40:00+01:00">')
    page = extract_page(html, url="https://news.example.com/2024/03/03/story.html")
    assert page.published_at == datetime(2024, 3, 3, 23, 40, tzinfo=UTC)
    assert page.published_date.isoformat() == "2024-03-04"


def test_a_utc_timestamp_keeps_the_local_day_of_the_page():
    # An evening story stamped in UTC: the timestamp's day is not the publisher's.
    html = _page('<meta property="article:published_time" content="2024-05-07T01:30:00Z">')
    page = extract_page(html, url="https://news.example.com/2024/05/06/story.html")
    assert page.published_at == datetime(2024, 5, 7, 1, 30, tzinfo=UTC)
    assert page.published_date.isoformat() == "2024-05-06"


def test_page_dates_after_the_fetch_give_way_to_earlier_ones():
    html = ('<html><body><p class="byline">Published July 1, 2024</p>'
            '<p class="date">20 May 2024</p>' + BODY + "</body></html>")
    assert extract_page(html).published_date.isoformat() == "2024-07-01"
    fetched = extract_page(html, fetched_at=datetime(2024, 6, 1, tzinfo=UTC))
    assert fetched.published_date.isoformat() == "2024-05-20"


def test_an_xhtml_page_with_an_xml_declaration_keeps_its_dates():
    html = ('<?xml version="1.0" encoding="utf-8"?>\n'
            + _page('<meta property="article:published_time" content="2024-01-02T08:00:00Z">'))
    assert page_dates(html).published_at == datetime(2024, 1, 2, 8, 0, tzinfo=UTC)
    assert extract_page(html.encode("utf-8")).published_at_source == "meta"
