"""The fetcher: polite, size- and time-limited HTTP GETs that refuse private addresses.

One :class:`Fetcher` per run. It keeps an httpx connection pool, the robots.txt rules and the
per-host timing, so use one instance for all URLs (threads may share it) and close it at the end.

Each URL goes through, for the URL and for every redirect target:

1. scheme and address check (:mod:`pipeline.fetch.ssrf`), before anything touches the host;
2. robots.txt of that origin (:mod:`pipeline.fetch.robots`);
3. up to ``1 + retries`` attempts, each waiting its turn for the host (:mod:`.politeness`),
   re-checking the address, then streaming the answer within one wall-clock deadline.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

import httpx

from pipeline.fetch import retry
from pipeline.fetch.decoding import (
    BodyDecoder,
    CorruptEncoding,
    UnsupportedEncoding,
    parse_content_type,
)
from pipeline.fetch.errors import (
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
    TooManyRedirects,
    TransientFetchError,
    UnexpectedFetchError,
)
from pipeline.fetch.politeness import Throttle
from pipeline.fetch.robots import RobotsCache
from pipeline.fetch.settings import FetchSettings
from pipeline.fetch.ssrf import AddressPolicy

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT_ENCODING = "gzip, deflate"
"""Only what :class:`BodyDecoder` can undo with bounded memory (no ``br``: no decoder here)."""


@dataclass(slots=True)
class FetchResult:
    """A successful fetch: a 2xx answer (normally 200), or 304 when the validators still match."""

    url: str
    """The URL as requested."""
    final_url: str
    """The URL that answered, after redirects."""
    status: int
    headers: dict[str, str]
    """Headers of the final answer, names in lower case (repeated headers joined by ``, ``).
    ``content-encoding`` still names the encoding although :attr:`body` is decoded."""
    body: bytes
    """The body with its Content-Encoding undone; empty for 304."""
    fetched_at: datetime
    """When the final answer arrived (aware, UTC)."""
    redirects: list[str] = field(default_factory=list)
    """Each redirect target in order; the last one is :attr:`final_url`."""

    @property
    def not_modified(self) -> bool:
        """True for a 304: the stored copy is still current and :attr:`body` is empty."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The ``ETag`` to send back as ``etag=`` next time."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The ``Last-Modified`` to send back as ``last_modified=`` next time."""
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str | None:
        """The media type, lower case, without parameters (``text/html``)."""
        return parse_content_type(self.headers.get("content-type"))[0]

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of Content-Type, lower case, if declared."""
        charset = parse_content_type(self.headers.get("content-type"))[1].get("charset")
        return charset.lower() if charset else None


@dataclass(slots=True, frozen=True)
class FetchRequest:
    """One URL for :meth:`Fetcher.fetch_many`, with the validators stored from last time."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class _Answer:
    """One HTTP exchange that the redirect loop decides about."""

    status: int
    headers: dict[str, str]
    body: bytes
    received_at: datetime


class _Watchdog:
    """Shuts the socket down when the deadline passes while the body is being read.

    httpx applies its read timeout to each socket read, so a server that sends a byte now and
    then, or stalls just before the deadline, could hold a request for far longer than
    ``timeout_seconds``. Shutting the socket down wakes the blocked read at the deadline.
    """

    def __init__(self, response: httpx.Response, seconds: float) -> None:
        self.expired = False
        self._lock = threading.Lock()
        self._active = True
        self._sock: socket.socket | None = None
        stream = response.extensions.get("network_stream")
        if stream is not None:
            self._sock = stream.get_extra_info("socket")
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if not self._active:
                return
            self.expired = True
            if self._sock is not None:
                # The plain socket method, also for TLS sockets: ssl.SSLSocket.shutdown would
                # tear down the TLS object under the thread still reading from it. OSError:
                # already closed, nothing left to wake.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def cancel(self) -> None:
        # Under the lock, so the socket is never shut down after it went back to the pool.
        with self._lock:
            self._active = False
        self._timer.cancel()


class Fetcher:
    """Fetches URLs politely and safely; see the module docstring for the steps.

    ``transport`` replaces httpx's default network transport (e.g. to route through a proxy);
    ``sleep`` and ``clock`` replace :func:`time.sleep` and :func:`time.monotonic` for every wait
    the fetcher decides on (politeness, backoff, Retry-After) and for its deadlines.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._sleep = sleep
        self._clock = clock
        self._accepted_types = frozenset(settings.accepted_content_types)
        self._policy = AddressPolicy(settings.allowed_private_hosts)
        self._throttle = Throttle(
            settings.per_host_delay_seconds, settings.max_concurrency, sleep=sleep, clock=clock)
        self._robots = RobotsCache(self._fetch_robots_body)
        limits = httpx.Limits(
            max_connections=settings.max_concurrency,
            max_keepalive_connections=settings.max_concurrency,
        )
        self._client = httpx.Client(
            transport=transport,
            limits=limits,
            # Redirects are followed here, hop by hop, so each target is checked first.
            follow_redirects=False,
            # No proxy or netrc from the environment: the address check must judge the host
            # actually connected to. Pass a transport to use a proxy on purpose.
            trust_env=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    # Public API.

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = True,
    ) -> FetchResult:
        """GET ``url`` and return the final answer; raise a :class:`FetchError` subclass.

        With ``etag`` / ``last_modified`` (from an earlier :class:`FetchResult`) the request is
        conditional and an unchanged page comes back as a 304 result, not an error.
        ``check_robots=False`` skips robots.txt for this call (``obey_robots`` off skips it
        always). Errors name the requested ``url``; their reason names the redirect target
        that failed, if any.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        obey = check_robots and self._settings.obey_robots
        return self._follow(url, headers, obey_robots=obey, check_type=True)

    def fetch_many(self, requests: Iterable[FetchRequest]) -> Iterator[FetchResult | FetchError]:
        """Fetch many URLs on ``max_concurrency`` threads; yield each outcome as it completes.

        Outcomes come in **completion order**, not input order: match them to requests by
        ``.url`` (the requested URL, on results and errors alike). A failing URL yields its
        :class:`FetchError` and never stops the others. ``requests`` is read lazily, a few
        ahead of the workers, so it may be a long generator. Stopping the iteration early
        cancels what has not started and waits for what is running.
        """
        window = 2 * self._settings.max_concurrency
        pending: set[Future[FetchResult | FetchError]] = set()
        todo = iter(requests)
        more = True
        executor = ThreadPoolExecutor(
            max_workers=self._settings.max_concurrency, thread_name_prefix="newsflow-fetch")
        try:
            while True:
                while more and len(pending) < window:
                    request = next(todo, None)
                    if request is None:
                        more = False
                    else:
                        pending.add(executor.submit(self._outcome, request))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)

    # The fetch path.

    def _outcome(self, request: FetchRequest) -> FetchResult | FetchError:
        try:
            return self.fetch(request.url, etag=request.etag, last_modified=request.last_modified)
        except FetchError as exc:
            return exc
        except Exception as exc:  # one URL's bug must not stop the others; logged with traceback
            log.exception("unexpected error fetching %s", request.url)
            return UnexpectedFetchError(request.url, f"unexpected {type(exc).__name__}: {exc}")

    def _follow(
        self, url: str, headers: dict[str, str], *, obey_robots: bool, check_type: bool
    ) -> FetchResult:
        """The redirect loop: check, fetch and decide, hop by hop."""
        current = url
        redirects: list[str] = []
        try:
            while True:
                # Address first: a blocked host must not even be asked for its robots.txt.
                self._policy.check(current)
                if obey_robots:
                    self._check_robots(current)
                answer = self._with_retries(current, headers, check_type=check_type)
                if answer.status not in REDIRECT_STATUSES:
                    return FetchResult(
                        url=url, final_url=current, status=answer.status,
                        headers=answer.headers, body=answer.body,
                        fetched_at=answer.received_at, redirects=redirects,
                    )
                target = self._redirect_target(current, answer)
                if len(redirects) >= self._settings.max_redirects:
                    raise TooManyRedirects(
                        current,
                        f"more than {self._settings.max_redirects} redirects"
                        f" (the next one was to {target})",
                    )
                redirects.append(target)
                current = target
        except FetchError as exc:
            if exc.url != url:
                # Callers key errors by the URL they asked for; keep the hop in the reason.
                exc.reason = f"{exc.reason} (at {exc.url}, reached by redirect)"
                exc.url = url
            raise

    def _redirect_target(self, current: str, answer: _Answer) -> str:
        location = answer.headers.get("location")
        if not location:
            raise HTTPStatusError(
                current, f"the server answered {answer.status} without a Location header",
                status=answer.status)
        try:
            target = httpx.URL(current).join(location.strip())
        except (httpx.InvalidURL, ValueError) as exc:
            raise InvalidURL(current, f"the redirect Location {location!r} is invalid") from exc
        return str(target.copy_with(fragment=None))

    def _check_robots(self, url: str) -> None:
        rules = self._robots.rules_for(url)
        user_agent = self._settings.user_agent
        delay = rules.crawl_delay(user_agent)
        if delay is not None:
            host = httpx.URL(url).host
            self._throttle.raise_delay(host, min(delay, self._settings.max_crawl_delay_seconds))
        if not rules.allows(user_agent, url):
            why = "disallows" if rules.source == "fetched" else f"is unavailable ({rules.detail})"
            raise RobotsDisallowed(url, f"robots.txt {why}; not fetching this URL")

    def _fetch_robots_body(self, robots_url: str) -> bytes:
        # Same safe path as pages (address check, limits, retries), minus robots and type.
        return self._follow(robots_url, {}, obey_robots=False, check_type=False).body

    def _with_retries(self, url: str, headers: dict[str, str], *, check_type: bool) -> _Answer:
        settings = self._settings
        attempt = 0
        while True:
            try:
                return self._attempt(url, headers, check_type=check_type)
            except TransientFetchError as exc:
                wait_for = exc.retry_after
                if wait_for is not None and wait_for > settings.backoff_max_seconds:
                    raise RetryAfterTooLong(
                        url,
                        f"the server asked to retry after {wait_for:.0f} s, longer than"
                        f" backoff_max_seconds ({settings.backoff_max_seconds:g} s)",
                        status=getattr(exc, "status", 0), retry_after=wait_for,
                    ) from exc
                if attempt >= settings.retries:
                    raise
                if wait_for is None:
                    wait_for = retry.backoff_delay(
                        attempt, settings.backoff_base_seconds, settings.backoff_max_seconds)
                log.debug("retrying %s in %.2f s after %s", url, wait_for, exc.error_type)
                self._sleep(wait_for)
                attempt += 1

    def _attempt(self, url: str, headers: dict[str, str], *, check_type: bool) -> _Answer:
        host = httpx.URL(url).host
        with self._throttle.turn(host):
            # Again, right before connecting: the turn may have waited long enough for DNS
            # to change.
            self._policy.check(url)
            return self._exchange(url, headers, check_type=check_type)

    def _exchange(self, url: str, headers: dict[str, str], *, check_type: bool) -> _Answer:
        """One GET within one deadline, mapped to an answer or a FetchError."""
        settings = self._settings
        deadline = self._clock() + settings.timeout_seconds
        timeout = httpx.Timeout(
            settings.timeout_seconds,
            connect=min(settings.connect_timeout_seconds, settings.timeout_seconds),
        )
        watchdog: _Watchdog | None = None
        try:
            with self._client.stream("GET", url, headers=headers, timeout=timeout) as response:
                status = response.status_code
                answer_headers = {name.lower(): value for name, value in response.headers.items()}
                self._raise_for_status(url, status, answer_headers)
                body = b""
                if 200 <= status < 300:
                    if check_type:
                        self._check_content_type(url, answer_headers)
                    watchdog = _Watchdog(response, deadline - self._clock())
                    try:
                        body = self._read_body(url, response, answer_headers, deadline, watchdog)
                    finally:
                        watchdog.cancel()
                return _Answer(status, answer_headers, body, datetime.now(UTC))
        except httpx.ConnectTimeout as exc:
            raise RequestTimeout(
                url, f"could not connect within {timeout.connect:g} s") from exc
        except httpx.TimeoutException as exc:
            raise RequestTimeout(url, self._too_slow()) from exc
        except httpx.UnsupportedProtocol as exc:
            raise InvalidURL(url, f"the URL cannot be requested: {exc}") from exc
        except httpx.TransportError as exc:
            if watchdog is not None and watchdog.expired:
                raise RequestTimeout(url, self._too_slow()) from exc
            raise ConnectionFailed(url, f"the connection failed: {exc!r}") from exc
        except httpx.InvalidURL as exc:
            raise InvalidURL(url, f"the URL cannot be requested: {exc}") from exc

    def _too_slow(self) -> str:
        return f"the response took longer than {self._settings.timeout_seconds:g} s"

    def _raise_for_status(self, url: str, status: int, headers: dict[str, str]) -> None:
        if 200 <= status < 300 or status == 304 or status in REDIRECT_STATUSES:
            return
        retry_after = retry.parse_retry_after(headers.get("retry-after"))
        if status == 429:
            raise RateLimited(
                url, "the server answered 429 Too Many Requests", retry_after=retry_after)
        if 500 <= status < 600:
            raise ServerError(
                url, f"the server answered {status}", status=status, retry_after=retry_after)
        raise HTTPStatusError(url, f"the server answered {status}", status=status)

    def _check_content_type(self, url: str, headers: dict[str, str]) -> None:
        media_type = parse_content_type(headers.get("content-type"))[0]
        if media_type is not None and media_type not in self._accepted_types:
            raise ContentTypeRefused(
                url, f"the content type {media_type} is not in accepted_content_types")

    def _read_body(
        self,
        url: str,
        response: httpx.Response,
        headers: dict[str, str],
        deadline: float,
        watchdog: _Watchdog,
    ) -> bytes:
        """Stream the body, stopping at the first limit passed: wire size, decoded size, time."""
        settings = self._settings
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > settings.max_body_bytes:
            raise BodyTooLarge(
                url, f"the body is {int(declared)} bytes, more than max_body_bytes"
                     f" ({settings.max_body_bytes})")
        try:
            decoder = BodyDecoder(headers.get("content-encoding"))
        except UnsupportedEncoding as exc:
            raise ContentDecodingError(url, str(exc)) from exc
        # Without an encoding, the decoded size is the wire size: one limit, one error.
        decoded_limit = settings.max_decompressed_bytes
        if decoder.identity:
            decoded_limit = min(decoded_limit, settings.max_body_bytes)
        pieces: list[bytes] = []
        size = 0

        def take(chunks: Iterable[bytes]) -> None:
            nonlocal size
            for piece in chunks:
                size += len(piece)
                if size > decoded_limit:
                    if decoder.identity:
                        raise BodyTooLarge(url, self._too_large(settings.max_body_bytes))
                    raise DecompressionLimit(
                        url, f"the body decodes to more than max_decompressed_bytes"
                             f" ({settings.max_decompressed_bytes})")
                pieces.append(piece)

        try:
            for chunk in response.iter_raw():
                if response.num_bytes_downloaded > settings.max_body_bytes:
                    raise BodyTooLarge(url, self._too_large(settings.max_body_bytes))
                take(decoder.decode(chunk))
                if self._clock() > deadline or watchdog.expired:
                    raise RequestTimeout(url, self._too_slow())
            take(decoder.flush())
        except CorruptEncoding as exc:
            raise ContentDecodingError(url, str(exc)) from exc
        # A body without Content-Length ends when the connection closes, which is also what
        # the watchdog's shutdown looks like: a cut-off body must not pass as complete.
        if watchdog.expired:
            raise RequestTimeout(url, self._too_slow())
        return b"".join(pieces)

    @staticmethod
    def _too_large(limit: int) -> str:
        return f"the body is larger than max_body_bytes ({limit})"

