"""URLs: checked where they enter (a reader, a listing, a URL file), then one spelling per
article URL, so the same story is one row."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan
import httpx

MAX_URL_CHARS = 8_192
"""Longer URLs are refused: servers reject them (8 KiB is the common request-line limit) and
a key that long is a trap, not an article."""

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
"""Control characters and lone surrogates: never part of a URL, and not storable as text."""


class BadURL(ValueError):
    """A URL that cannot be fetched or stored; ``error_type`` is what ``ingest_errors`` says."""

    def __init__(self, reason: str, *, error_type: str = "InvalidURL") -> None:
        super().__init__(reason)
        self.reason = reason
        self.error_type = error_type


def check_url(url: str) -> str:
    """``url`` without surrounding whitespace, when it is an absolute http(s) URL with a host
    that the fetcher can request; :class:`BadURL` with the reason otherwise
    (``InvalidURL``, or ``UnsupportedScheme`` for ``ftp:``, ``file:`` and the like)."""
    text = (url or "").strip()
    if not text:
        raise BadURL("the URL is empty")
    if len(text) > MAX_URL_CHARS:
        raise BadURL(f"the URL is {len(text):,} characters long, over the {MAX_URL_CHARS:,} "
                     "that servers accept")
    if _UNSAFE.search(text):
        raise BadURL(f"the URL {shown(text)} contains control characters or invalid Unicode")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - parsing the port is the check: a bad one raises
    except ValueError as exc:
        raise BadURL(f"the URL {shown(text)} cannot be parsed: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadURL(f"{shown(text)} is not an http(s) URL", error_type="UnsupportedScheme")
    if not parts.hostname:
        raise BadURL(f"the URL {shown(text)} has no host")
    if any(character.isspace() for character in parts.netloc):
        raise BadURL(f"the host of {shown(text)} contains spaces")
    try:
        httpx.URL(text)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise BadURL(f"the URL {shown(text)} cannot be requested: {exc}") from None
    return text


def resolve_url(base: str, written: str) -> str:
    """``written`` (a link as a feed or sitemap gives it) made absolute against ``base`` and
    checked like :func:`check_url`."""
    try:
        joined = urljoin(base, written.strip())
    except ValueError as exc:
        raise BadURL(f"the URL {shown(written)} cannot be parsed: {exc}") from None
    return check_url(joined)


def shown(url: str, limit: int = 200) -> str:
    """``url`` quoted for a message: control characters escaped, long values cut."""
    quoted = repr(url if len(url) <= limit else url[:limit] + "…")
    return quoted.encode("utf-8", "backslashreplace").decode("utf-8")


def normalize_url(url: str) -> str | None:
    """Canonical form of a web URL: scheme and host lower-cased, default port, tracking
    parameters (``utm_*``, ``fbclid``, …) and the fragment removed, query sorted.

    ``None`` for what is not a valid http(s) URL (see :func:`check_url`).
    """
    try:
        url = check_url(url)
        normalized = courlan.normalize_url(url)
        return urlunsplit(urlsplit(normalized)._replace(fragment=""))
    except (ValueError, UnicodeError):
        return None
