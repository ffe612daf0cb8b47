from datetime import UTC, date, datetime

import pytest

from pipeline.dates import date_in_url, parse_dateline, parse_iso_datetime


@pytest.mark.parametrize(("line", "expected"), [
    ("September, Friday 20, 2024", date(2024, 9, 20)),
    ("Friday, 20 September 2024", date(2024, 9, 20)),
    ("Sept. 20, 2024", date(2024, 9, 20)),
    ("2024-09-20", date(2024, 9, 20)),
    ("March 3rd, 2023", date(2023, 3, 3)),
], ids=["seed-layout", "weekday-first", "abbreviated", "iso", "ordinal"])
def test_datelines(line, expected):
    assert parse_dateline(line) == expected


@pytest.mark.parametrize("line", [
    "September, Monday 20, 2024",            # wrong weekday: not trusted
    "Wang Yi travels to Russia in September 2024",
    "February 30, 2024",
    "HN9XqUMiCP8pEQf.png",
    "20, 2024",
], ids=["wrong-weekday", "title-with-date", "impossible-date", "image-name", "no-month"])
def test_not_datelines(line):
    assert parse_dateline(line) is None


def test_iso_datetimes_become_utc():
    assert parse_iso_datetime("2024-03-14T09:30:00+02:00") == datetime(2024, 3, 14, 7, 30,
                                                                       tzinfo=UTC)
    assert parse_iso_datetime("2024-03-14T09:30:00Z") == datetime(2024, 3, 14, 9, 30, tzinfo=UTC)
    assert parse_iso_datetime("2024-03-14") == datetime(2024, 3, 14, tzinfo=UTC)
    with pytest.raises(ValueError, match="not an ISO 8601 date: 'yesterday'"):
        parse_iso_datetime("yesterday")


@pytest.mark.parametrize(("url", "first", "last"), [
    ("https://news.example/story/news/2019/11/19/hearing/4234/", "2019-11-19", "2019-11-19"),
    ("https://news.example/2019-11-19-hearing-ends", "2019-11-19", "2019-11-19"),
    ("https://news.example/a/20191119/hearing.html", "2019-11-19", "2019-11-19"),
    ("https://news.example/2019/11/hearing", "2019-11-01", "2019-11-30"),
], ids=["slashes", "dashes", "compact", "month-only"])
def test_dates_in_url_paths(url, first, last):
    found = date_in_url(url)
    assert (found.first.isoformat(), found.last.isoformat()) == (first, last)


@pytest.mark.parametrize("url", [
    "https://news.example/story/12345678", "https://news.example/p?d=2019/11/19",
    "https://news.example/2019/13/40/x", "https://2019.news.example/a", None,
], ids=["id-number", "query", "impossible-date", "host", "no-url"])
def test_urls_without_a_date(url):
    assert date_in_url(url) is None
