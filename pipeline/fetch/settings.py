"""Settings of the HTTP fetcher: politeness, limits, retries and the private-address allow-list."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pipeline.fetch.ssrf import parse_allow_list

DEFAULT_CONTENT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/x-gzip",
    "application/gzip",
    "text/plain",
)


class FetchSettings(BaseModel):
    """How :class:`pipeline.fetch.Fetcher` behaves. The defaults suit crawling news sites."""

    # The string under each field becomes its description (FetchSettings.model_fields[...]).
    model_config = ConfigDict(use_attribute_docstrings=True)

    user_agent: str = "newsflow/0.1 (+https://github.com/newsflow)"
    """Sent as ``User-Agent`` and matched against robots.txt groups (the part before ``/``)."""

    obey_robots: bool = True
    """Check each URL, including every redirect target, against its site's robots.txt."""

    per_host_delay_seconds: float = Field(default=1.0, ge=0)
    """Minimum gap between the end of one request to a host and the start of the next. Requests
    to one host never overlap. A robots.txt ``Crawl-delay`` raises it for that host."""

    max_crawl_delay_seconds: float = Field(default=30.0, ge=0)
    """Cap on the ``Crawl-delay`` a robots.txt can impose, so one site cannot stall a run."""

    max_concurrency: int = Field(default=8, ge=1)
    """Requests in flight at once across all hosts (and threads of ``fetch_many``)."""

    timeout_seconds: float = Field(default=30.0, gt=0)
    """Hard wall-clock limit for one request: connecting, headers and the whole body."""

    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    """Limit for opening the connection (never more than ``timeout_seconds``)."""

    max_body_bytes: int = Field(default=10_000_000, ge=1)
    """Largest body accepted on the wire. A larger Content-Length is refused before reading;
    otherwise the download is aborted as soon as it passes the limit."""

    max_decompressed_bytes: int = Field(default=50_000_000, ge=1)
    """Largest body accepted once its Content-Encoding (gzip, deflate) is undone: the guard
    against compression bombs. Decoding stops as soon as it passes the limit."""

    max_redirects: int = Field(default=5, ge=0)
    """Redirects followed per fetch; one more fails with ``TooManyRedirects``."""

    accepted_content_types: list[str] = Field(default_factory=lambda: list(DEFAULT_CONTENT_TYPES))
    """Media types accepted in a 2xx answer, compared without parameters and case-insensitively.
    A response without Content-Type is accepted."""

    retries: int = Field(default=3, ge=0)
    """Extra attempts after a transient failure (timeout, connection error, 429, 5xx)."""

    backoff_base_seconds: float = Field(default=1.0, ge=0)
    """Backoff before retry *n* (from 0) is uniform in [0, min(max, base * 2**n)] (full jitter),
    unless the server sent ``Retry-After``."""

    backoff_max_seconds: float = Field(default=60.0, ge=0)
    """Longest wait before a retry. A ``Retry-After`` longer than this is not slept: the fetch
    fails at once with ``RetryAfterTooLong`` (transient), to be tried again in a later run."""

    allowed_private_hosts: list[str] = Field(default_factory=list)
    """Host names, IPs or CIDRs (``10.0.0.0/8``) that may be or resolve to private, loopback or
    other non-public addresses. Empty: only public addresses are fetched."""

    @field_validator("accepted_content_types")
    @classmethod
    def _lower_media_types(cls, value: list[str]) -> list[str]:
        return [media_type.strip().lower() for media_type in value]

    @field_validator("allowed_private_hosts")
    @classmethod
    def _valid_allow_list(cls, value: list[str]) -> list[str]:
        parse_allow_list(value)  # a malformed CIDR fails here, at configuration time
        return value
