"""Tracked by Prefect, or not: the same flow code either way.

Inside a flow run (``ingest_flow(...)``, under a Prefect server or the temporary one Prefect
starts without ``PREFECT_API_URL``) tasks are Prefect tasks: task runs, states, retries.
Called as a plain function (``ingest_flow.fn(...)``, what ``newsflow ingest`` does when no
``PREFECT_API_URL`` is set and no Dask cluster is named), there is no run to track and no
history would be kept anyway, so the task functions are called directly, with the same
retries of transient failures, and Prefect's temporary server (seconds of start-up) is never
started.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from prefect import Task
from prefect.context import FlowRunContext
from prefect.logging import get_run_logger

from pipeline.errors import TransientError

R = TypeVar("R")


def tracked() -> bool:
    """Whether this code runs inside a Prefect flow run."""
    return FlowRunContext.get() is not None


def logger_for(name: str) -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The flow run's logger, or a plain one outside a run."""
    if tracked():
        return get_run_logger()
    return logging.getLogger(name)


def _delays(task: Task[Any, Any]) -> list[float]:
    delays = task.retry_delay_seconds
    if delays is None:
        return [0.0] * task.retries
    if isinstance(delays, (int, float)):
        return [float(delays)] * task.retries
    listed = [float(d) for d in delays]  # type: ignore[union-attr]
    return [listed[min(i, len(listed) - 1)] for i in range(task.retries)]


def run_task(task: Task[Any, R], *args: Any, **kwargs: Any) -> R:
    """``task(*args)``: a task run inside a flow run; outside one, its function, retried
    as the task would be on a :class:`TransientError`."""
    if tracked():
        return task(*args, **kwargs)
    delays = _delays(task) if task.retry_condition_fn is not None or task.retries else []
    for delay in [*delays, None]:
        try:
            return task.fn(*args, **kwargs)
        except TransientError:
            if delay is None:
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")


class Done(Generic[R]):
    """A call made when its ``result()`` is first asked for, as a future's would be waited
    for (so its time counts where the flow waits for it)."""

    def __init__(self, call: Callable[[], R]) -> None:
        self._call: Callable[[], R] | None = call
        self._value: R | None = None

    def result(self) -> R:
        if self._call is not None:
            call, self._call = self._call, None
            self._value = call()
        return self._value  # type: ignore[return-value]


def submit_task(task: Task[Any, R], *args: Any, **kwargs: Any) -> Any:
    """``task.submit(*args)`` inside a flow run; outside one, the call, made when its
    result is asked for."""
    if tracked():
        return task.submit(*args, **kwargs)
    return Done(lambda: task.fn(*args, **kwargs))
