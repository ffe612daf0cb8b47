"""Polite, safe HTTP fetching of news pages, feeds, sitemaps and robots.txt.

>>> with Fetcher(FetchSettings()) as fetcher:          # doctest: +SKIP
...     result = fetcher.fetch("https://example.com/news")
...     later = fetcher.fetch(result.url, etag=result.etag, last_modified=result.last_modified)

Failures raise :class:`FetchError` subclasses (see :mod:`pipeline.fetch.errors`), split into
transient (already retried) and terminal ones.
"""

from pipeline.fetch.client import Fetcher, FetchRequest, FetchResult
from pipeline.fetch.errors import (
    BlockedAddress,
    BodyTooLarge,
    ConnectionFailed,
    ContentDecodingError,
    ContentTypeRefused,
    DecompressionLimit,
    FetchError,
    HTTPStatusError,
    InvalidURL,
    RateLimited,
    RequestTimeout,
    RetryAfterTooLong,
    RobotsDisallowed,
    ServerError,
    TerminalFetchError,
    TooManyRedirects,
    TransientFetchError,
    UnexpectedFetchError,
    UnresolvableHost,
    UnsupportedScheme,
)
from pipeline.fetch.settings import FetchSettings

__all__ = [
    "BlockedAddress",
    "BodyTooLarge",
    "ConnectionFailed",
    "ContentDecodingError",
    "ContentTypeRefused",
    "DecompressionLimit",
    "FetchError",
    "FetchRequest",
    "FetchResult",
    "FetchSettings",
    "Fetcher",
    "HTTPStatusError",
    "InvalidURL",
    "RateLimited",
    "RequestTimeout",
    "RetryAfterTooLong",
    "RobotsDisallowed",
    "ServerError",
    "TerminalFetchError",
    "TooManyRedirects",
    "TransientFetchError",
    "UnexpectedFetchError",
    "UnresolvableHost",
    "UnsupportedScheme",
]
