"""URL normalization: one spelling per article URL, so the same story is one row."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import courlan


def normalize_url(url: str) -> str | None:
    """Canonical form of a web URL: scheme and host lower-cased, default port, tracking
    parameters (``utm_*``, ``fbclid``, …) and the fragment removed, query sorted.

    ``None`` for what is not an http(s) URL.
    """
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    try:
        normalized = courlan.normalize_url(url)
    except ValueError:
        return None
    return urlunsplit(urlsplit(normalized)._replace(fragment=""))
