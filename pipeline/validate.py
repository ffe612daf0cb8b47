"""The reader and source boundary: every field of a raw article made storable on any backend,
or the article refused with a reason that names what was wrong.

Whatever a file, a JSON line, a web page or an archive record says, what leaves this module is
valid UTF-8 without NUL (PostgreSQL refuses both in text; SQLite took them and PostgreSQL lost
the article), has a checked URL, dates a calendar can hold, and fits the schema's columns, so
one hostile item can fail only as itself. The rules, by field:

- text and html: lone surrogates become U+FFFD, NUL is removed; text longer than
  ``max_text_chars`` is refused (``TextTooLong``);
- title, author, site name, source name, image: one line of printable characters (control
  characters dropped, line breaks and runs of spaces made one space); longer than
  :data:`MAX_FIELD_CHARS` is refused (``FieldTooLong``);
- url: an absolute http(s) URL (``InvalidURL``, ``UnsupportedScheme``);
- language: a language tag (``en``, ``pt-BR``) of at most 16 characters, else dropped (the
  language is then detected from the text);
- dates: between :data:`EARLIEST` and two days after now; a date the input states itself
  (a JSON line's ``published_at``, a dateline, a WARC record's date) outside that range is
  refused (``DateOutOfRange``), one that extraction guessed is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from pipeline.errors import ItemError
from pipeline.records import RawArticle
from pipeline.settings import Settings
from pipeline.urls import BadURL, check_url

MAX_FIELD_CHARS = 10_000
"""Longest title, author, site or source name, or image reference accepted."""

EARLIEST = datetime(1800, 1, 1, tzinfo=UTC)
"""No news article is older; a year 0001 or 9999 is a placeholder or an attack (date
arithmetic on it overflows)."""

FUTURE_SLACK = timedelta(days=2)
"""How far after now a date may be: time zones, and clocks that are a little off."""

STATED_DATE_SOURCES = frozenset({"jsonl", "dateline"})
"""``published_at_source`` values that the input states itself, rather than extraction
guessing them from a page."""

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\s\u2028\u2029]+")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_MAX_LANGUAGE_CHARS = 16
"""The width of ``articles.language``."""


@dataclass(frozen=True, slots=True)
class ContentLimits:
    """What one item may hold once read; from :class:`~pipeline.settings.Settings`."""

    max_text_chars: int = 200_000
    """Characters of article text (``max_text_chars``)."""
    max_decompressed_bytes: int = 50_000_000
    """Bytes a gzip body or file may inflate to (``fetch.max_decompressed_bytes``)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> ContentLimits:
        """The limits a :class:`~pipeline.settings.Settings` names."""
        return cls(max_text_chars=settings.max_text_chars,
                   max_decompressed_bytes=settings.fetch.max_decompressed_bytes)


def storable(value: str) -> str:
    """``value`` as text any backend stores: lone surrogates replaced, NUL removed."""
    if value.isascii():
        return value.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", value).replace("\x00", "")


def one_line(value: str | None) -> str | None:
    """A metadata value as one line of printable characters; ``None`` when nothing is left."""
    if value is None:
        return None
    line = _LINE_BREAKS.sub(" ", _CONTROL.sub("", storable(value))).strip()
    return line or None


def language_tag(value: str | None) -> str | None:
    """A declared language as a tag (``en``, ``pt-br``), or ``None`` for anything else."""
    if value is None:
        return None
    tag = value.strip()
    if len(tag) > _MAX_LANGUAGE_CHARS or not _LANGUAGE_TAG.fullmatch(tag):
        return None
    return tag.lower().replace("_", "-")


def in_range(moment: datetime | date | None, *, now: datetime | None = None) -> bool:
    """Whether a date or time lies between :data:`EARLIEST` and shortly after ``now``."""
    if moment is None:
        return True
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    if isinstance(moment, datetime):
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        try:
            return EARLIEST <= moment <= latest
        except OverflowError:  # comparing an aware time at the calendar's edge
            return False
    return EARLIEST.date() <= moment <= latest.date()


def checked_url(url: str | None, *, stage: str) -> str | None:
    """An item's ``url`` field checked (:func:`pipeline.urls.check_url`), or an
    :class:`ItemError` at ``stage`` naming the field."""
    if url is None:
        return None
    try:
        return check_url(url)
    except BadURL as exc:
        raise ItemError(stage, f"field 'url': {exc.reason}", error_type=exc.error_type) from exc


def validate_article(raw: RawArticle, *, stage: str, limits: ContentLimits,
                     now: datetime | None = None) -> RawArticle:
    """``raw`` with every field made storable, or :class:`ItemError` (at ``stage``) naming
    the field that cannot be."""
    text = storable(raw.text)
    if len(text) > limits.max_text_chars:
        raise ItemError(stage, f"the article text is {len(text):,} characters, over the "
                               f"{limits.max_text_chars:,}-character limit (setting "
                               "max_text_chars)", error_type="TextTooLong")
    fields: dict[str, str | None] = {}
    for name in ("title", "author", "site_name", "source_name", "image"):
        value = one_line(getattr(raw, name))
        if value is not None and len(value) > MAX_FIELD_CHARS:
            raise ItemError(stage, f"field '{name}' is {len(value):,} characters, over the "
                                   f"{MAX_FIELD_CHARS:,} accepted", error_type="FieldTooLong")
        fields[name] = value
    url = checked_url(raw.url, stage=stage)
    published_at, published_source = raw.published_at, raw.published_at_source
    published_date = raw.published_date
    if not (in_range(published_at, now=now) and in_range(published_date, now=now)):
        if published_source in STATED_DATE_SOURCES:
            shown = published_at.isoformat() if published_at else str(published_date)
            raise ItemError(stage, f"published_at {shown} is outside {EARLIEST:%Y-%m-%d} .. "
                                   "two days from now", error_type="DateOutOfRange")
        published_at, published_source, published_date = None, None, None
    if not in_range(raw.fetched_at, now=now):
        raise ItemError(stage, f"the fetch time {raw.fetched_at} is outside "
                               f"{EARLIEST:%Y-%m-%d} .. two days from now",
                        error_type="DateOutOfRange")
    return replace(
        raw, text=text, url=url, language=language_tag(raw.language),
        published_at=published_at, published_at_source=published_source,
        published_date=published_date,
        modified_at=raw.modified_at if in_range(raw.modified_at, now=now) else None,
        source_uri=storable(raw.source_uri), **fields)
