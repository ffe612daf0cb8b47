"""Event dates: "on Monday", "last week", "in July", "next month", resolved against the
article's date."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from pipeline.dates import parse_dateline

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def resolve_date(expression: str, anchor: date, *, future: bool = False) -> date | None:
    """The calendar day an expression refers to, relative to ``anchor`` (the article's date).

    Weekdays mean the most recent such day (the next one for future events); months without
    a year mean the most recent such month (the next one for future events), on its first
    day; "last week" and "next week" mean seven days away. ``None`` when not understood.
    """
    text = expression.lower().strip(" .,")
    words = [w for w in text.split() if w not in ("on", "in", "early", "late", "mid")]
    if not words:
        return None
    if text in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return anchor
    if text in ("yesterday", "last night"):
        return anchor - timedelta(days=1)
    if text == "tomorrow":
        return anchor + timedelta(days=1)
    if text in ("last week", "the previous week", "the past week"):
        return anchor - timedelta(days=7)
    if text == "next week":
        return anchor + timedelta(days=7)
    if text == "last month":
        return _add_months(anchor, -1)
    if text == "next month":
        return _add_months(anchor, 1)
    if text in ("last year", "next year"):
        return date(anchor.year + (1 if text == "next year" else -1), 1, 1)
    explicit = parse_dateline(expression.strip(" .,"))
    if explicit is not None:
        return explicit
    last = words[-1]
    if last in _WEEKDAYS:
        delta = (anchor.weekday() - _WEEKDAYS[last]) % 7
        if future or words[0] == "next":
            return anchor + timedelta(days=(_WEEKDAYS[last] - anchor.weekday()) % 7 or 7)
        return anchor - timedelta(days=delta)
    months = [w for w in words if w in _MONTHS]
    if months:
        month = _MONTHS[months[0]]
        year_words = [w for w in words if re.fullmatch(r"\d{4}", w)]
        if year_words:
            return date(int(year_words[0]), month, 1)
        year = anchor.year
        if future and month < anchor.month:
            year += 1
        elif not future and month > anchor.month:
            year -= 1
        return date(year, month, 1)
    return None
