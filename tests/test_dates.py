from datetime import UTC, date, datetime

import pytest

from pipeline.dates import parse_dateline, parse_iso_datetime


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
