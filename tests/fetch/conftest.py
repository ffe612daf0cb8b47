"""Fixtures for the fetcher: a fetcher factory for the shared threaded server on 127.0.0.1.

The fetcher's waits (politeness, backoff, Retry-After) go to a recorder instead of sleeping, so
tests assert the waits it asked for without spending them. Deadlines use the real clock.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer

from pipeline.fetch import Fetcher, FetchSettings

LOCAL_HOSTS = ["127.0.0.1", "localhost"]


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the fetcher asked for, in order."""
    return []


@pytest.fixture
def make_fetcher(sleeps: list[float]) -> Iterator[Callable[..., Fetcher]]:
    """``make_fetcher(**settings)``: a Fetcher for the local server that records its sleeps.

    Defaults: 127.0.0.1 and localhost allow-listed, no per-host delay, robots.txt not
    consulted (tests about robots turn it on), a 5 s timeout so a bug cannot hang the suite.
    """
    fetchers: list[Fetcher] = []

    def make(**overrides: object) -> Fetcher:
        values: dict[str, object] = {
            "allowed_private_hosts": LOCAL_HOSTS,
            "per_host_delay_seconds": 0,
            "obey_robots": False,
            "timeout_seconds": 5,
        }
        values.update(overrides)
        fetcher = Fetcher(FetchSettings.model_validate(values), sleep=sleeps.append)
        fetchers.append(fetcher)
        return fetcher

    yield make
    for fetcher in fetchers:
        fetcher.close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def paths_seen(server: HTTPServer) -> list[str]:
    """The paths the server received, in order."""
    return [request.path for request, _ in server.log]
