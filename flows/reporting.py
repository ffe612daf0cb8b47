"""What a run reports to Prefect: a markdown artifact with its counts and time per stage."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from prefect.artifacts import create_markdown_artifact

if TYPE_CHECKING:  # flows.ingest publishes through this module
    from flows.ingest import IngestSummary


def _key(text: str) -> str:
    # Artifact keys allow lower-case letters, digits and dashes only.
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100] or "newsflow"


def summary_markdown(summary: IngestSummary, title: str) -> str:
    """The run's figures as a markdown table."""
    rows = [("articles read", summary.read), ("new", summary.new),
            ("duplicate", summary.duplicate), ("near-duplicate", summary.near_duplicate),
            ("failed", summary.failed), ("mentions", summary.mentions),
            ("events", summary.events)]
    if summary.pages or summary.listed:
        rows[1:1] = [("listed by feeds/sitemaps", summary.listed),
                     ("pages to fetch", summary.pages), ("not modified (304)",
                                                         summary.not_modified)]
    if summary.capped:
        rows.append(("left for the next run (max_items_per_*)", summary.deferred))
    lines = [f"## {title}", "", f"pipeline_runs id {summary.run_id}, "
             f"version `{summary.pipeline_version}`", "", "| figure | count |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    if summary.not_analysed:
        lines += ["", "| not analysed: language not read | articles |", "|---|---:|"]
        lines += [f"| {language} | {n} |" for language, n in sorted(
            summary.not_analysed.items(), key=lambda item: -item[1])]
    lines += ["", "| stage | seconds |", "|---|---:|"]
    lines += [f"| {stage} | {seconds:.2f} |" for stage, seconds in summary.stage_seconds.items()]
    lines.append(f"| **total** | {summary.seconds:.2f} |")
    if summary.failures_by_stage:
        lines += ["", "| failed at stage | items |", "|---|---:|"]
        lines += [f"| {stage} | {n} |" for stage, n in sorted(summary.failures_by_stage.items())]
    return "\n".join(lines) + "\n"


def publish_summary(summary: IngestSummary, title: str, key: str) -> None:
    """Attach the run's figures to the current flow run as a markdown artifact."""
    create_markdown_artifact(summary_markdown(summary, title), key=_key(key),
                             description=title)


def publish_table(title: str, key: str, header: list[str],
                  rows: Iterable[Iterable[object]]) -> None:
    lines = [f"## {title}", "", "| " + " | ".join(header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(value) for value in row) + " |" for row in rows]
    create_markdown_artifact("\n".join(lines) + "\n", key=_key(key), description=title)


def publish_figures(summary: Any, title: str, key: str) -> None:
    """Any run summary dataclass as a markdown artifact: its counts, then time per stage."""
    values = asdict(summary)
    stages = values.pop("stage_seconds", {}) or {}
    by_stage = values.pop("failures_by_stage", {}) or {}
    lines = [f"## {title}", "", "| figure | value |", "|---|---:|"]
    lines += [f"| {name.replace('_', ' ')} | {value} |" for name, value in values.items()
              if isinstance(value, int | float) and not isinstance(value, bool)]
    if stages:
        lines += ["", "| stage | seconds |", "|---|---:|"]
        lines += [f"| {stage} | {seconds:.2f} |" for stage, seconds in stages.items()]
    if by_stage:
        lines += ["", "| failed at stage | items |", "|---|---:|"]
        lines += [f"| {stage} | {n} |" for stage, n in sorted(by_stage.items())]
    create_markdown_artifact("\n".join(lines) + "\n", key=_key(key), description=title)
