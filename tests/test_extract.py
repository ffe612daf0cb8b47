"""Which pages hold a story: the balanced, precision and recall passes of extract_page."""

import pytest

from pipeline.errors import ItemError
from pipeline.extract import extract_page

STORY = "".join(
    f"<p>Paragraph {i}: the foreign ministers of both countries met in Geneva to discuss the "
    "ceasefire and the exchange of prisoners.</p>" for i in range(6))


def _page(body: str) -> str:
    return ("<html><head><title>Talks</title></head><body><nav>Home News Sport</nav>"
            f"{body}</body></html>")


def test_a_story_in_unusual_markup_is_reached_by_the_recall_pass():
    # Balanced mode returns only the menu here and precision mode nothing at all.
    page = extract_page(_page(f"<aside>{STORY}</aside>"))
    assert "exchange of prisoners" in page.text
    assert "Home News Sport" not in page.text


def test_an_app_shell_with_no_story_is_rejected():
    body = ("<noscript>You need to enable JavaScript to run this app.</noscript>"
            "<div id='root'></div>")
    with pytest.raises(ItemError) as caught:
        extract_page(_page(body))
    assert caught.value.error_type == "NoContent"



_STORY = ("<p>The council voted on Tuesday to close the old bridge to lorries after engineers "
          "found cracks in two of its supports during the spring inspection.</p><p>Repairs "
          "are expected to take most of the year, the council's transport officer said, and "
          "a ferry will run in the meantime for people who work on the other bank.</p>")


def _dated_page(meta_date: str | None = None, canonical: str | None = None) -> str:
    head = "<title>Bridge closed</title>"
    if meta_date:
        head += f'<meta property="article:published_time" content="{meta_date}">'
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    return f"<html><head>{head}</head><body><article><h1>Bridge closed</h1>{_STORY}" \
           "</article></body></html>"


def test_a_date_in_the_url_replaces_a_page_date_that_contradicts_it():
    from datetime import UTC, date, datetime

    from pipeline.dates import date_in_url
    from pipeline.extract import _bounded_by_url

    guessed = (datetime(2017, 3, 28, tzinfo=UTC), "htmldate", date(2017, 3, 28))
    url_date = date_in_url("https://news.example/story/news/2019/11/19/bridge-closed/")
    assert _bounded_by_url(*guessed, url_date, datetime(2020, 1, 1, tzinfo=UTC)) == (
        datetime(2019, 11, 19, tzinfo=UTC), "url", date(2019, 11, 19))
    assert _bounded_by_url(None, None, None, url_date, None)[1:] == ("url", date(2019, 11, 19))


def test_a_page_whose_dates_contradict_its_url_is_dated_by_the_url():
    page = extract_page(_dated_page("2017-03-28T10:00:00Z"),
                        url="https://news.example/story/news/2019/11/19/bridge-closed/")
    assert page.published_date.isoformat() == "2019-11-19"


def test_a_page_date_close_to_the_url_date_is_kept():
    page = extract_page(_dated_page("2019-11-20T01:30:00-05:00"),
                        url="https://news.example/2019/11/19/bridge-closed/")
    assert (page.published_date.isoformat(), page.published_at_source) == ("2019-11-20", "meta")


def test_the_canonical_link_is_a_url_too():
    page = extract_page(_dated_page("2017-03-28T10:00:00Z",
                                    canonical="https://news.example/2019/11/19/bridge/"))
    assert page.published_date.isoformat() == "2019-11-19"


def test_a_month_in_the_url_drops_a_date_before_it():
    page = extract_page(_dated_page("2017-03-28T10:00:00Z"),
                        url="https://news.example/2019/11/bridge-closed/")
    assert page.published_at is None and page.published_date is None


def test_a_month_in_the_url_keeps_a_later_date():
    page = extract_page(_dated_page("2019-12-10T10:00:00Z"),
                        url="https://news.example/2019/11/bridge-closed/")
    assert page.published_date.isoformat() == "2019-12-10"


def test_a_url_date_after_the_fetch_is_not_believed():
    from datetime import UTC, datetime

    page = extract_page(_dated_page("2019-11-19T10:00:00Z"),
                        url="https://news.example/2031/01/05/bridge-closed/",
                        fetched_at=datetime(2024, 1, 1, tzinfo=UTC))
    assert page.published_date.isoformat() == "2019-11-19"
