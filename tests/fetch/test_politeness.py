import threading
import time

import pytest
from werkzeug import Request, Response

from pipeline.fetch import Fetcher, FetchRequest, FetchResult, FetchSettings
from tests.fetch.conftest import LOCAL_HOSTS


def test_second_request_to_a_host_waits_the_delay(httpserver, make_fetcher, sleeps):
    httpserver.expect_request("/a").respond_with_data("a", content_type="text/plain")
    httpserver.expect_request("/b").respond_with_data("b", content_type="text/plain")
    fetcher = make_fetcher(per_host_delay_seconds=10)

    fetcher.fetch(httpserver.url_for("/a"))
    fetcher.fetch(httpserver.url_for("/b"))

    assert len(sleeps) == 1
    assert 9 < sleeps[0] <= 10


def test_other_hosts_do_not_wait(httpserver, make_fetcher, sleeps):
    httpserver.expect_request("/a").respond_with_data("a", content_type="text/plain")
    fetcher = make_fetcher(per_host_delay_seconds=10)

    fetcher.fetch(f"http://127.0.0.1:{httpserver.port}/a")
    fetcher.fetch(f"http://localhost:{httpserver.port}/a")

    assert sleeps == []


def test_delay_holds_across_threads(httpserver):
    arrivals: list[float] = []
    ends: list[float] = []

    def page(_request: Request) -> Response:
        arrivals.append(time.monotonic())
        ends.append(time.monotonic())
        return Response("ok", content_type="text/plain")

    httpserver.expect_request("/p").respond_with_handler(page)
    settings = FetchSettings(allowed_private_hosts=LOCAL_HOSTS, obey_robots=False,
                             per_host_delay_seconds=0.2, max_concurrency=3)

    with Fetcher(settings) as fetcher:
        outcomes = list(fetcher.fetch_many(
            FetchRequest(httpserver.url_for(f"/p?n={n}")) for n in range(3)))

    assert all(isinstance(outcome, FetchResult) for outcome in outcomes)
    gaps = [later - earlier for earlier, later in zip(ends, arrivals[1:], strict=False)]
    assert len(gaps) == 2
    assert all(gap >= 0.19 for gap in gaps), gaps


@pytest.mark.parametrize(("max_concurrency", "expected_peak"), [
    pytest.param(1, 1, id="one-at-a-time"),
    pytest.param(2, 2, id="two-hosts-in-parallel"),
])
def test_global_concurrency_cap_and_one_request_per_host(
        httpserver, make_fetcher, max_concurrency, expected_peak):
    lock = threading.Lock()
    in_flight: dict[str, int] = {}
    peaks = {"total": 0, "per_host": 0}

    def page(request: Request) -> Response:
        host = request.host.split(":")[0]
        with lock:
            in_flight[host] = in_flight.get(host, 0) + 1
            peaks["total"] = max(peaks["total"], sum(in_flight.values()))
            peaks["per_host"] = max(peaks["per_host"], in_flight[host])
        time.sleep(0.2)
        with lock:
            in_flight[host] -= 1
        return Response("ok", content_type="text/plain")

    httpserver.expect_request("/p").respond_with_handler(page)
    fetcher = make_fetcher(max_concurrency=max_concurrency)
    requests = [FetchRequest(f"http://{host}:{httpserver.port}/p?n={n}")
                for n in range(2) for host in LOCAL_HOSTS]

    outcomes = list(fetcher.fetch_many(requests))

    assert all(isinstance(outcome, FetchResult) for outcome in outcomes)
    assert peaks == {"total": expected_peak, "per_host": 1}
