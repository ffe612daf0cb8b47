"""Schedules: the deployments ``newsflow serve`` builds from the sources table, and the ones
``prefect.yaml`` declares, resolve to the run times they promise."""

import asyncio
import importlib
import itertools
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.server.schemas import schedules as server_schedules

from flows.deployments import deployments_for
from pipeline.db.migrate import ensure_schema
from pipeline.registry import add_source, list_sources
from tests.conftest import ROOT, SEEDS

START = datetime(2026, 1, 5, 6, 7, tzinfo=UTC)


def _next_runs(schedule, n: int = 3) -> list[datetime]:
    """Run times as Prefect's scheduler service computes them."""
    if getattr(schedule, "cron", None):
        model = server_schedules.CronSchedule(cron=schedule.cron, timezone=schedule.timezone)
    else:
        model = server_schedules.IntervalSchedule(interval=schedule.interval,
                                                  anchor_date=START, timezone=schedule.timezone)
    return [d.astimezone(UTC) for d in asyncio.run(model.get_dates(n=n, start=START))]


@pytest.fixture
def sources(engine):
    ensure_schema(engine)
    add_source(engine, "wire", "feed", "https://example.com/rss.xml")
    add_source(engine, "maps", "sitemap", "https://example.com/sitemap.xml",
               schedule="0 6 * * *")
    add_source(engine, "local", "path", str(SEEDS))
    add_source(engine, "paused", "feed", "https://example.com/other.xml", schedule=None)
    return list_sources(engine)


def test_each_scheduled_source_gets_a_deployment_whose_schedule_resolves(sources):
    deployments = {d.name: d for d in deployments_for(sources)}
    assert set(deployments) == {"source-wire", "source-maps", "newsflow-backfill"}
    assert deployments["source-wire"].parameters == {"source": "wire"}
    [feed] = deployments["source-wire"].schedules
    [sitemap] = deployments["source-maps"].schedules
    feed_runs = _next_runs(feed.schedule)
    assert [b - a for a, b in itertools.pairwise(feed_runs)] == [
        timedelta(minutes=15)] * 2
    assert _next_runs(sitemap.schedule) == [datetime(2026, 1, d, 6, 0, tzinfo=UTC)
                                            for d in (6, 7, 8)]
    assert not deployments["newsflow-backfill"].schedules


@pytest.mark.usefixtures("prefect_server")
def test_served_deployments_register_with_their_schedules(sources):
    [deployment, *_] = deployments_for(sources)
    deployment_id = deployment.apply()
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
    assert stored.parameters == {"source": deployment.parameters["source"]}
    assert [s.schedule.model_dump(include={"interval", "cron"}, exclude_none=True)
            for s in stored.schedules] == [
        s.schedule.model_dump(include={"interval", "cron"}, exclude_none=True)
        for s in deployment.schedules]


def _prefect_yaml() -> list[dict]:
    return yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]


@pytest.mark.parametrize("entry", _prefect_yaml(), ids=lambda e: e["name"])
def test_prefect_yaml_deployments_point_at_flows_with_those_parameters(entry):
    path, name = entry["entrypoint"].split(":")
    flow = getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), name)
    assert isinstance(flow, Flow)
    assert set(entry.get("parameters", {})) <= set(flow.parameters.properties)
    for schedule in entry.get("schedules", []):
        if "cron" in schedule:
            model = server_schedules.CronSchedule(cron=schedule["cron"],
                                                  timezone=schedule["timezone"])
        else:
            model = server_schedules.IntervalSchedule(
                interval=timedelta(seconds=schedule["interval"]), anchor_date=START,
                timezone=schedule["timezone"])
        runs = asyncio.run(model.get_dates(n=2, start=START))
        assert len(runs) == 2 and runs[0] >= START
