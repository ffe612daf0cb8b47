from datetime import UTC, datetime

import pytest

from pipeline.fetch import (
    ConnectionFailed,
    HTTPStatusError,
    RetryAfterTooLong,
    ServerError,
)
from pipeline.fetch.retry import backoff_delay, parse_retry_after
from tests.fetch.conftest import paths_seen


def _fail_then_succeed(httpserver, path, status, headers=None):
    httpserver.expect_ordered_request(path).respond_with_data(
        "try later", status=status, headers=headers or {})
    httpserver.expect_ordered_request(path).respond_with_data("<p>ok</p>", content_type="text/html")
    return httpserver.url_for(path)


def test_429_with_retry_after_waits_that_long_then_succeeds(httpserver, make_fetcher, sleeps):
    url = _fail_then_succeed(httpserver, "/busy", 429, {"Retry-After": "1"})

    result = make_fetcher().fetch(url)

    assert result.body == b"<p>ok</p>"
    assert sleeps == [1.0]
    assert paths_seen(httpserver) == ["/busy", "/busy"]


def test_503_is_retried_after_a_jittered_backoff(httpserver, make_fetcher, sleeps):
    url = _fail_then_succeed(httpserver, "/down", 503)

    result = make_fetcher(backoff_base_seconds=2).fetch(url)

    assert result.status == 200
    assert len(sleeps) == 1
    assert 0 <= sleeps[0] <= 2


@pytest.mark.parametrize("status", [
    pytest.param(400, id="400"), pytest.param(403, id="403"),
    pytest.param(404, id="404"), pytest.param(410, id="410"),
])
def test_client_errors_are_terminal_and_not_retried(httpserver, make_fetcher, sleeps, status):
    httpserver.expect_request("/gone").respond_with_data("no", status=status)

    with pytest.raises(HTTPStatusError) as caught:
        make_fetcher().fetch(httpserver.url_for("/gone"))

    assert caught.value.status == status
    assert caught.value.transient is False
    assert caught.value.error_type == "HTTPStatusError"
    assert paths_seen(httpserver) == ["/gone"]
    assert sleeps == []


def test_persistent_5xx_fails_as_transient_after_all_retries(httpserver, make_fetcher, sleeps):
    httpserver.expect_request("/broken").respond_with_data("oops", status=500)

    with pytest.raises(ServerError) as caught:
        make_fetcher(retries=2, backoff_base_seconds=1).fetch(httpserver.url_for("/broken"))

    assert (caught.value.status, caught.value.transient) == (500, True)
    assert paths_seen(httpserver) == ["/broken"] * 3
    assert len(sleeps) == 2
    assert sleeps[0] <= 1 and sleeps[1] <= 2


def test_retry_after_longer_than_backoff_max_fails_at_once(httpserver, make_fetcher, sleeps):
    httpserver.expect_request("/later").respond_with_data(
        "maintenance", status=503, headers={"Retry-After": "3600"})

    with pytest.raises(RetryAfterTooLong) as caught:
        make_fetcher(backoff_max_seconds=60).fetch(httpserver.url_for("/later"))

    assert caught.value.transient is True
    assert (caught.value.status, caught.value.retry_after) == (503, 3600)
    assert sleeps == []
    assert paths_seen(httpserver) == ["/later"]


def test_connection_refused_is_retried_then_transient(make_fetcher, sleeps, closed_port):
    with pytest.raises(ConnectionFailed) as caught:
        make_fetcher(retries=2).fetch(f"http://127.0.0.1:{closed_port}/")

    assert caught.value.transient is True
    assert len(sleeps) == 2


NOW = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "expected"), [
    pytest.param("120", 120.0, id="delta-seconds"),
    pytest.param(" 0 ", 0.0, id="zero"),
    pytest.param("Wed, 01 Jan 2025 12:00:30 GMT", 30.0, id="http-date"),
    pytest.param("Wed, 01 Jan 2025 11:00:00 GMT", 0.0, id="http-date-in-the-past"),
    pytest.param("soon", None, id="garbage"),
    pytest.param("-5", None, id="negative"),
    pytest.param(None, None, id="missing"),
])
def test_retry_after_values(value, expected):
    assert parse_retry_after(value, now=NOW) == expected


def test_backoff_window_doubles_up_to_the_cap():
    windows = [backoff_delay(n, 1.0, 10.0, random_fraction=lambda: 1.0) for n in range(6)]
    assert windows == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert backoff_delay(3, 1.0, 10.0, random_fraction=lambda: 0.0) == 0.0
