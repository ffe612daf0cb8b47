"""Where a flow's tasks run: in the flow's process (the default) or on a Dask cluster.

``with_task_runner(flow_fn, settings)`` is the one place that decides: when
``settings.dask_address`` (``NEWSFLOW_DASK_ADDRESS``, or the CLI's ``--dask``) names a
scheduler, the flow's submitted tasks go to that cluster through prefect-dask's
:class:`~prefect_dask.DaskTaskRunner`; otherwise the flow is returned as it is.

The workers need the same environment as the flow (this package installed, the spaCy model,
the same ``NEWSFLOW_*`` analysis settings travel with the task) and must reach the Prefect API
the flow reports to (``PREFECT_API_URL``), since each task run reports its own state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from prefect import Flow
from prefect.context import FlowRunContext
from prefect.logging import get_logger
from prefect.settings import PREFECT_API_URL

from pipeline.settings import Settings

F = TypeVar("F", bound=Flow[Any, Any])

IN_FLIGHT_PER_THREAD = 2
"""Batches submitted ahead per worker thread: one running, one queued behind it, so a worker
never waits for the flow to read its next batch, while memory stays bounded."""


def with_task_runner(flow_fn: F, settings: Settings) -> F:
    """``flow_fn`` configured to run its tasks on the Dask scheduler at
    ``settings.dask_address`` when one is set, else ``flow_fn`` unchanged (in-process)."""
    if not settings.dask_address:
        return flow_fn
    from prefect_dask import DaskTaskRunner

    if not PREFECT_API_URL.value():
        get_logger("newsflow.runners").warning(
            "PREFECT_API_URL is not set: every Dask worker process will start a temporary "
            "Prefect server of its own to report its task runs to. Point PREFECT_API_URL at "
            "a Prefect server (`prefect server start`) that the flow and the workers reach.")
    return flow_fn.with_options(task_runner=DaskTaskRunner(address=settings.dask_address))


def max_in_flight() -> int:
    """How many batches the running flow may have submitted and not yet collected.

    On a Dask runner: twice the worker threads of the cluster (at least 2). On any other
    runner (Prefect's default thread pool in the flow's process): 1, so batches are processed
    one after the other exactly as a direct call would, and the analysis model is never used
    by two threads at once.
    """
    context = FlowRunContext.get()
    runner = context.task_runner if context else None
    client = _dask_client(runner)
    if client is None:
        return 1
    threads = sum(client.nthreads().values())
    return max(2, IN_FLIGHT_PER_THREAD * threads)


def _dask_client(runner: object) -> Any:
    """The ``distributed.Client`` of a Dask runner (connecting it if needed), else None."""
    from prefect_dask import DaskTaskRunner

    return runner.client if isinstance(runner, DaskTaskRunner) else None


class LocalOnly:
    """A callback that runs only in the process that made it.

    Prefect sends a flow's parameters along with every task it submits to a Dask worker, so a
    flow parameter such as a progress callback (holding a terminal, locks) must pickle:
    pickled, this travels as a callback that does nothing.
    """

    def __init__(self, callback: Callable[..., None] | None) -> None:
        self._callback = callback

    def __call__(self, *args: object, **kwargs: object) -> None:
        if self._callback is not None:
            self._callback(*args, **kwargs)

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, _state: dict[str, Any]) -> None:
        self._callback = None
