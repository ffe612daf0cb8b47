"""Per-host spacing of requests and the global cap on requests in flight."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class _Host:
    __slots__ = ("delay", "last_end", "lock")

    def __init__(self, delay: float) -> None:
        self.lock = threading.Lock()
        self.delay = delay
        self.last_end: float | None = None


class Throttle:
    """Gives out turns to make a request: one host at a time, ``delay`` apart, N in flight.

    Holding a host's lock for the whole request means two requests to one host never overlap,
    and the delay is counted from the end of the previous one, so a slow server is not also
    hit by queued requests the moment it answers. Threads waiting for a host (or sleeping out
    its delay) do not hold one of the global slots.
    """

    def __init__(
        self,
        default_delay: float,
        max_concurrency: int,
        *,
        sleep: Callable[[float], object],
        clock: Callable[[], float],
    ) -> None:
        self._default_delay = default_delay
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._guard = threading.Lock()

    def _host(self, host: str) -> _Host:
        with self._guard:
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _Host(self._default_delay)
            return state

    def raise_delay(self, host: str, seconds: float) -> None:
        """Make the gap for ``host`` at least ``seconds`` (never lowers it)."""
        state = self._host(host)
        with self._guard:
            state.delay = max(state.delay, seconds)

    def delay(self, host: str) -> float:
        """The current gap between two requests to ``host``."""
        return self._host(host).delay

    @contextmanager
    def turn(self, host: str) -> Iterator[None]:
        """Wait until a request to ``host`` is polite and a global slot is free; hold both."""
        state = self._host(host)
        with state.lock:
            if state.last_end is not None:
                wait = state.last_end + state.delay - self._clock()
                if wait > 0:
                    self._sleep(wait)
            with self._slots:
                try:
                    yield
                finally:
                    state.last_end = self._clock()
