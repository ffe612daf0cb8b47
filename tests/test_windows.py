"""Backfill windows: interval parsing and the split of a span into windows."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from pipeline.errors import RunError
from pipeline.windows import Window, parse_interval, split_windows


@pytest.mark.parametrize(("text", "expected"), [
    ("15m", timedelta(minutes=15)), ("6h", timedelta(hours=6)), ("1d", timedelta(days=1)),
    (" 2w ", timedelta(weeks=2)), ("30s", timedelta(seconds=30)),
], ids=["minutes", "hours", "days", "weeks-padded", "seconds"])
def test_intervals_parse(text, expected):
    assert parse_interval(text) == expected


@pytest.mark.parametrize("text", ["", "1", "d", "0d", "1y", "1.5h", "-1d"],
                         ids=["empty", "no-unit", "no-number", "zero", "years", "fraction",
                              "negative"])
def test_bad_intervals_are_clear_errors(text):
    with pytest.raises(RunError, match="not an interval"):
        parse_interval(text)


def test_span_is_cut_into_consecutive_windows_with_a_short_last_one():
    start = datetime(2024, 1, 1, tzinfo=UTC)
    windows = split_windows(start, datetime(2024, 1, 3, 12, tzinfo=UTC), timedelta(days=1))
    assert [(w.start.day, w.end.day, w.end.hour) for w in windows] == [
        (1, 2, 0), (2, 3, 0), (3, 3, 12)]
    assert all(a.end == b.start for a, b in itertools.pairwise(windows))


def test_naive_bounds_are_utc_and_an_empty_span_is_refused():
    [window] = split_windows(datetime(2024, 1, 1), datetime(2024, 1, 2), timedelta(days=1))
    assert window.start.tzinfo is UTC
    with pytest.raises(RunError, match=r"ends .* before it starts"):
        split_windows(datetime(2024, 1, 2), datetime(2024, 1, 1), timedelta(days=1))


def test_window_is_half_open_and_unknown_times_fall_outside():
    window = Window(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC))
    assert window.contains(datetime(2024, 1, 1, tzinfo=UTC))
    assert not window.contains(datetime(2024, 1, 2, tzinfo=UTC))
    assert window.contains(datetime(2024, 1, 1, 23, 59))  # naive is UTC
    assert not window.contains(None)
