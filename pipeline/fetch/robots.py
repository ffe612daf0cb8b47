"""robots.txt: fetched once per origin (scheme, host, port) and kept for the Fetcher's lifetime.

What an unavailable robots.txt means follows RFC 9309: a 4xx answer (404, 410, 403...) means
there are no rules, so everything is allowed; a server error (5xx, and 429, which says "later"
like a 5xx does) or an unreachable server means everything is disallowed for this run, because
the rules might exist and we could not read them. More redirects than allowed also count as
"unavailable" (RFC 9309 section 2.3.1.2).

Parsing is :class:`urllib.robotparser.RobotFileParser`'s: rules are plain path prefixes tried in
file order (no ``*`` or ``$`` wildcards, no longest-match), and ``Crawl-delay`` must be a whole
number of seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

import httpx

from pipeline.fetch.errors import FetchError, HTTPStatusError, TooManyRedirects

Origin = tuple[str, str, int]


def origin_of(url: str) -> Origin:
    """``(scheme, host, port)`` with the scheme's default port filled in."""
    parsed = httpx.URL(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme, parsed.host, port


def robots_url(url: str) -> str:
    """The robots.txt URL governing ``url`` (same scheme, host and port; no credentials)."""
    parsed = httpx.URL(url)
    return str(httpx.URL(scheme=parsed.scheme, host=parsed.host, port=parsed.port,
                         path="/robots.txt"))


@dataclass(slots=True)
class RobotsRules:
    """The rules of one origin, and where they came from."""

    parser: RobotFileParser
    source: str
    """``fetched``, ``missing`` (4xx: allow all) or ``unavailable`` (server error: disallow all)."""
    detail: str = ""
    """Why the file is missing or unavailable, for error messages."""

    def allows(self, user_agent: str, url: str) -> bool:
        """Whether ``user_agent`` may fetch ``url`` under these rules."""
        return self.parser.can_fetch(user_agent, url)

    def crawl_delay(self, user_agent: str) -> float | None:
        """The ``Crawl-delay`` for ``user_agent`` (its own group, else ``*``), if any."""
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


def rules_from_text(text: str) -> RobotsRules:
    """Parse a robots.txt body."""
    parser = RobotFileParser()
    parser.parse(text.lstrip("\ufeff").splitlines())
    return RobotsRules(parser, "fetched")


def _blanket(allow: bool, source: str, detail: str) -> RobotsRules:
    parser = RobotFileParser()
    if allow:
        parser.allow_all = True
    else:
        parser.disallow_all = True
    return RobotsRules(parser, source, detail)


class RobotsCache:
    """Robots rules per origin; each robots.txt is fetched at most once, even across threads.

    ``fetch_body`` gets the robots.txt URL and returns its body or raises :class:`FetchError`;
    the Fetcher passes its own safe fetch path (SSRF check, size limits, retries, no robots).
    """

    def __init__(self, fetch_body: Callable[[str], bytes]) -> None:
        self._fetch_body = fetch_body
        self._rules: dict[Origin, RobotsRules] = {}
        self._locks: dict[Origin, threading.Lock] = {}
        self._guard = threading.Lock()

    def rules_for(self, url: str) -> RobotsRules:
        """The rules for ``url``'s origin, fetching robots.txt on first use."""
        origin = origin_of(url)
        with self._guard:
            rules = self._rules.get(origin)
            if rules is not None:
                return rules
            lock = self._locks.setdefault(origin, threading.Lock())
        # One thread fetches; others asking for the same origin wait for its result.
        with lock:
            rules = self._rules.get(origin)
            if rules is None:
                rules = self._load(robots_url(url))
                with self._guard:
                    self._rules[origin] = rules
            return rules

    def _load(self, url: str) -> RobotsRules:
        try:
            body = self._fetch_body(url)
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500:
                return _blanket(True, "missing", str(exc))
            return _blanket(False, "unavailable", str(exc))
        except TooManyRedirects as exc:
            return _blanket(True, "missing", str(exc))
        except FetchError as exc:
            return _blanket(False, "unavailable", str(exc))
        return rules_from_text(body.decode("utf-8", errors="replace"))
