"""Date parsing for article metadata. Every datetime leaving this module is timezone-aware UTC."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

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


@dataclass(frozen=True, slots=True)
class UrlDate:
    """The date a URL's path carries: a day (``/2019/11/19/``), or only a month
    (``/2019/11/``)."""

    first: date
    last: date
    """The first and last day it allows (the same day when the path names one)."""

    @property
    def day(self) -> date | None:
        return self.first if self.first == self.last else None

    def distance(self, day: date) -> int:
        """Days between ``day`` and the span the URL allows (0 inside it)."""
        if day < self.first:
            return (self.first - day).days
        return max(0, (day - self.last).days)


_YEAR = r"(19[89]\d|20[0-4]\d)"
_URL_DAY = (
    re.compile(rf"(?<![\d]){_YEAR}[/\-_.](0?[1-9]|1[0-2])[/\-_.](0?[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(rf"(?<![\d]){_YEAR}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"),
)
_URL_MONTH = re.compile(rf"/{_YEAR}/(0?[1-9]|1[0-2])(?:/|$)")


def date_in_url(url: str | None) -> UrlDate | None:
    """The publication date a URL's path states, if it states one: ``/2019/11/19/``,
    ``/2019-11-19-``, ``/20191119/`` (a day), or ``/2019/11/`` (a month). Hosts and query
    strings are not read (ids and cache-busters look like dates)."""
    if not url:
        return None
    path = urlsplit(url).path
    for pattern in _URL_DAY:
        match = pattern.search(path)
        if match:
            try:
                day = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
            return UrlDate(day, day)
    match = _URL_MONTH.search(path)
    if match:
        year, month = int(match[1]), int(match[2])
        return UrlDate(date(year, month, 1),
                       date(year, month, calendar.monthrange(year, month)[1]))
    return None
