"""Date parsing for article metadata. Every datetime leaving this module is timezone-aware UTC."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})

_WORD = re.compile(r"[A-Za-z]+\.?|\d+(?:st|nd|rd|th)?")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def parse_dateline(line: str) -> date | None:
    """Parse a dateline such as ``September, Friday 20, 2024`` or ``Friday, 20 September 2024``.

    The line must hold nothing but a month name, a day, a four-digit year and optionally a
    weekday, in any order, so a title that happens to contain a date is not taken for one.
    A weekday that contradicts the date makes the line not a dateline.
    """
    iso = _ISO_DATE.match(line)
    if iso:
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    if len(line) > 60:
        return None
    leftover = _WORD.sub("", line)
    if leftover.strip(" ,.") != "" and set(leftover) - set(" ,."):
        return None
    month = day = year = weekday = None
    for token in _WORD.findall(line):
        word = token.rstrip(".").lower()
        if word.isalpha():
            if word in _MONTHS and month is None:
                month = _MONTHS[word]
            elif word in _WEEKDAYS and weekday is None:
                weekday = _WEEKDAYS[word]
            else:
                return None
            continue
        number = int(re.sub(r"\D", "", word))
        if len(re.sub(r"\D", "", word)) == 4 and year is None:
            year = number
        elif 1 <= number <= 31 and day is None:
            day = number
        else:
            return None
    if month is None or day is None or year is None:
        return None
    try:
        parsed = date(year, month, day)
    except ValueError:
        return None
    if weekday is not None and parsed.weekday() != weekday:
        return None
    return parsed


def date_to_utc(day: date) -> datetime:
    """Midnight UTC of a calendar date (datelines carry no time of day)."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def parse_iso_datetime(value: str, *, keep_offset: bool = False) -> datetime:
    """Parse an ISO 8601 date or datetime into UTC. Naive values are taken as UTC.

    With ``keep_offset`` the value keeps the publisher's UTC offset (the same instant): its
    ``.date()`` is then the calendar date the publisher meant, which UTC may move by a day.

    Raises ``ValueError`` with the offending value when it is not ISO 8601.
    """
    text = value.strip()
    if not text:
        raise ValueError("empty date")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date: {value!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed if keep_offset else parsed.astimezone(UTC)
