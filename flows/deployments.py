"""Deployments for ``newsflow serve``: one scheduled deployment per enabled source with a
schedule, plus unscheduled deployments of the backfill and maintenance flows that can be
started on demand (``prefect deployment run 'backfill/newsflow-backfill' -p source=...``).

``prefect.yaml`` at the repository root declares the same deployments for the work-pool route
(``prefect deploy``); see README.md.
"""

from __future__ import annotations

from typing import Any

from prefect.client.schemas.schedules import CronSchedule, IntervalSchedule
from prefect.deployments.runner import RunnerDeployment

from flows.sources import backfill_flow, source_flow
from pipeline.registry import Source, parse_schedule

SCHEDULE_TIMEZONE = "UTC"


def schedule_for(source: Source) -> IntervalSchedule | CronSchedule | None:
    """The Prefect schedule a source's ``schedule`` column stands for (UTC)."""
    if not source.schedule:
        return None
    parsed = parse_schedule(source.schedule)
    if parsed.cron is not None:
        return CronSchedule(cron=parsed.cron, timezone=SCHEDULE_TIMEZONE)
    return IntervalSchedule(interval=parsed.interval, timezone=SCHEDULE_TIMEZONE)


def source_deployment_name(source: Source) -> str:
    return f"source-{source.name}"


def deployments_for(sources: list[Source]) -> list[RunnerDeployment]:
    """A scheduled ``ingest-source`` deployment per enabled, scheduled source, and the
    on-demand ``backfill`` deployment."""
    deployments: list[RunnerDeployment] = []
    for source in sources:
        schedule = schedule_for(source)
        if schedule is None or not source.enabled:
            continue
        options: dict[str, Any] = {"parameters": {"source": source.name},
                                   "tags": ["newsflow", f"source:{source.name}"],
                                   "description": f"{source.kind} {source.location}, "
                                                  f"every {source.schedule}"}
        if isinstance(schedule, CronSchedule):
            options["cron"] = schedule.cron
        else:
            options["interval"] = schedule.interval
        deployments.append(source_flow.to_deployment(name=source_deployment_name(source),
                                                     **options))
    deployments.append(backfill_flow.to_deployment(
        name="newsflow-backfill", tags=["newsflow"],
        description="Backfill a source over a date range, one subflow per window."))
    return deployments
