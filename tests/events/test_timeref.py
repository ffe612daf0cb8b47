from datetime import date

import pytest

from pipeline.events.timeref import resolve_date

FRIDAY = date(2024, 9, 20)


@pytest.mark.parametrize(("expression", "future", "expected"), [
    ("on Monday", False, date(2024, 9, 16)),
    ("Monday", True, date(2024, 9, 23)),
    ("Friday", False, date(2024, 9, 20)),
    ("yesterday", False, date(2024, 9, 19)),
    ("last week", False, date(2024, 9, 13)),
    ("in July", False, date(2024, 7, 1)),
    ("in October", False, date(2023, 10, 1)),
    ("in October", True, date(2024, 10, 1)),
    ("next month", False, date(2024, 10, 1)),
    ("in March 2023", False, date(2023, 3, 1)),
    ("September 20, 2024", False, date(2024, 9, 20)),
], ids=["on-monday", "monday-future", "same-weekday", "yesterday", "last-week", "in-july",
        "later-month-is-last-year", "later-month-future", "next-month", "month-and-year",
        "explicit"])
def test_relative_dates(expression, future, expected):
    assert resolve_date(expression, FRIDAY, future=future) == expected


def test_unknown_expressions_are_none():
    assert resolve_date("the past year", FRIDAY) is None
