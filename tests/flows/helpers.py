"""Shared pieces of the flow tests that stop a run half-way: stalling pages and the CLI's
environment for a subprocess."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from werkzeug import Request, Response

from tests.flows.test_ingest_web import PAGES, _page

NEWSFLOW = Path(sys.executable).parent / "newsflow"


def serve_seed_pages(httpserver, stalled: str | None, release: threading.Event) -> threading.Event:
    """The seed pages of ``PAGES`` and a robots.txt that allows everything; ``stalled`` answers
    only once ``release`` is set. Returns an event set when the stalled page has been asked for."""
    arrived = threading.Event()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    for path, seed in PAGES.items():
        def handler(request: Request, path: str = path, seed: str = seed) -> Response:
            if path == stalled:
                arrived.set()
                release.wait(60)
            return Response(_page(httpserver, path, seed), content_type="text/html")
        httpserver.expect_request(path).respond_with_handler(handler)
    return arrived


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a ``newsflow`` subprocess: loopback fetching allowed, no delays, its
    own temporary Prefect server, nothing inherited from the test session's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSFLOW_", "PREFECT_"))}
    env.update(NEWSFLOW_FETCH__ALLOWED_PRIVATE_HOSTS='["127.0.0.1"]',
               NEWSFLOW_FETCH__PER_HOST_DELAY_SECONDS="0",
               PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120", **extra)
    return env


def wait_for(condition: Callable[[], bool], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.2)


def kill_cli_when(args: list[str], env: dict[str, str], condition: Callable[[], bool],
                  release: threading.Event) -> None:
    """Run ``newsflow ARGS`` and kill it (SIGKILL, its whole process group) once ``condition``
    holds; stalled handlers are released afterwards. Fails if the run ends on its own first."""
    process = subprocess.Popen([str(NEWSFLOW), *args], env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: process.poll() is not None or condition())
        assert process.poll() is None, process.stderr.read().decode()[-2000:]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        release.set()
