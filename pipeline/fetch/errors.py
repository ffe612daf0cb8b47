"""Why a fetch failed, as a class per case: transient (worth retrying) or terminal (never).

Every error carries the requested ``url``, a one-sentence ``reason``, ``transient`` and an
``error_type`` (the class name), which is what callers store in ``ingest_errors``. The fetcher
retries :class:`TransientFetchError` itself; one that reaches the caller has used up its retries
(or was told to come back later than ``backoff_max_seconds``).
"""

from __future__ import annotations

from pipeline.errors import NewsflowError


class FetchError(NewsflowError):
    """A URL could not be fetched; ``str(error)`` is the reason."""

    transient: bool = False

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(reason)
        self.url = url
        self.reason = reason
        self.error_type = type(self).__name__

    def __str__(self) -> str:
        # The reason may be completed after a redirect (see Fetcher.fetch), so read it live.
        return self.reason

    def __repr__(self) -> str:
        return f"{self.error_type}(url={self.url!r}, reason={self.reason!r})"


class TransientFetchError(FetchError):
    """A failure that may go away: timeouts, connection errors, 429 and 5xx answers."""

    transient = True

    def __init__(self, url: str, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(url, reason)
        self.retry_after = retry_after
        """Seconds the server asked us to wait (``Retry-After``), if it said so."""


class TerminalFetchError(FetchError):
    """A failure that retrying cannot fix: refused by policy, 4xx answers, limits exceeded."""


# Transient cases.


class RequestTimeout(TransientFetchError):
    """Connecting, or receiving the whole response, took longer than the configured limit."""


class ConnectionFailed(TransientFetchError):
    """The connection could not be made or broke off (refused, reset, DNS temporarily down)."""


class RateLimited(TransientFetchError):
    """The server answered 429 Too Many Requests."""

    def __init__(self, url: str, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(url, reason, retry_after=retry_after)
        self.status = 429


class ServerError(TransientFetchError):
    """The server answered with a 5xx status."""

    def __init__(
        self, url: str, reason: str, *, status: int, retry_after: float | None = None
    ) -> None:
        super().__init__(url, reason, retry_after=retry_after)
        self.status = status


class RetryAfterTooLong(TransientFetchError):
    """The server asked us to come back later than ``backoff_max_seconds``; we did not wait."""

    def __init__(self, url: str, reason: str, *, status: int, retry_after: float) -> None:
        super().__init__(url, reason, retry_after=retry_after)
        self.status = status


# Terminal cases.


class HTTPStatusError(TerminalFetchError):
    """The server answered with a status we cannot use (4xx other than 429, stray 1xx/3xx)."""

    def __init__(self, url: str, reason: str, *, status: int) -> None:
        super().__init__(url, reason)
        self.status = status


class RobotsDisallowed(TerminalFetchError):
    """The site's robots.txt does not let our user agent fetch this URL."""


class BlockedAddress(TerminalFetchError):
    """The host is, or resolves to, a private/loopback/link-local/... address not allow-listed."""


class UnresolvableHost(TerminalFetchError):
    """The host name does not exist in DNS."""


class UnsupportedScheme(TerminalFetchError):
    """Only ``http`` and ``https`` URLs are fetched."""


class InvalidURL(TerminalFetchError):
    """The URL cannot be parsed or has no host."""


class BodyTooLarge(TerminalFetchError):
    """The body on the wire is larger than ``max_body_bytes``."""


class DecompressionLimit(TerminalFetchError):
    """The body grows past ``max_decompressed_bytes`` once its Content-Encoding is undone."""


class ContentDecodingError(TerminalFetchError):
    """The Content-Encoding is unsupported or the compressed body is corrupt."""


class ContentTypeRefused(TerminalFetchError):
    """The Content-Type is not in ``accepted_content_types``."""


class TooManyRedirects(TerminalFetchError):
    """More than ``max_redirects`` redirects in a row (or a redirect loop)."""


class UnexpectedFetchError(TerminalFetchError):
    """A bug, not a network condition: only ``fetch_many`` produces it, so one URL cannot stop
    the others. The traceback is logged."""
