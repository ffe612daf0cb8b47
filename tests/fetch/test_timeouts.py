import time

import pytest
from werkzeug import Response

from pipeline.fetch import RequestTimeout


def _timed_failure(fetcher, url):
    started = time.monotonic()
    with pytest.raises(RequestTimeout) as caught:
        fetcher.fetch(url)
    return caught.value, time.monotonic() - started


def test_slow_response_times_out_as_transient(httpserver, make_fetcher, release):
    def slow(_request):
        release.wait(3)
        return Response("late", content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)

    error, elapsed = _timed_failure(
        make_fetcher(timeout_seconds=1, retries=0), httpserver.url_for("/slow"))

    assert error.transient is True
    assert elapsed < 2


def test_body_trickling_forever_fails_at_the_deadline(httpserver, make_fetcher, release):
    def trickle(_request):
        def body():
            while not release.is_set():
                yield b"x"
                release.wait(0.1)
        return Response(body(), content_type="text/html")

    httpserver.expect_request("/trickle").respond_with_handler(trickle)

    _, elapsed = _timed_failure(
        make_fetcher(timeout_seconds=1, retries=0), httpserver.url_for("/trickle"))

    assert elapsed < 1.6


def test_body_stalling_just_before_the_deadline_still_fails_at_the_deadline(
        httpserver, make_fetcher, release):
    # Each read waits up to the read timeout, so without the watchdog this would take ~1.8 s.
    def stall(_request):
        def body():
            for _ in range(8):
                yield b"x"
                time.sleep(0.1)
            release.wait(3)
            yield b"end"
        return Response(body(), content_type="text/html")

    httpserver.expect_request("/stall").respond_with_handler(stall)

    _, elapsed = _timed_failure(
        make_fetcher(timeout_seconds=1, retries=0), httpserver.url_for("/stall"))

    assert elapsed < 1.5


def test_timeout_is_retried(httpserver, make_fetcher, sleeps, release):
    def slow(_request):
        release.wait(2)
        return Response("late", content_type="text/html")

    httpserver.expect_ordered_request("/flaky").respond_with_handler(slow)
    httpserver.expect_ordered_request("/flaky").respond_with_data("ok", content_type="text/html")

    result = make_fetcher(timeout_seconds=0.5, retries=1).fetch(httpserver.url_for("/flaky"))

    assert result.body == b"ok"
    assert len(sleeps) == 1
