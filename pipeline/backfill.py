"""Backfill windows: each window of a backfill has a row in ``backfill_windows`` with its
status and a completeness ledger, so a re-run skips what is done and retries what is not.

A window is ``done`` when every item its source listed in it is accounted for: loaded, already
there (a duplicate, an unchanged entry, a 304), or quarantined in ``ingest_errors`` (where
``newsflow retry-failed`` takes over). It is ``failed`` when its run raised, when the source
could not be listed, or when listed items are missing from the ledger; it is ``partial`` when
a cap (``max_items_per_feed``, ``_sitemap``, ``_run``) left listed items for the next run.
Re-running the backfill runs failed and partial windows again, and loading is idempotent, so
nothing is loaded twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.dialects import postgresql, sqlite

from pipeline.db import schema
from pipeline.readers import read_file, warc_file_time
from pipeline.records import ItemFailure
from pipeline.windows import Window

LISTING_STAGES = frozenset({"feed", "sitemap"})
"""Failures at these stages mean the source itself could not be listed."""


@dataclass(slots=True)
class WindowRow:
    id: int
    window: Window
    status: str
    attempts: int


@dataclass(slots=True)
class Ledger:
    """What a window's source listed and what became of each item."""

    listed: int = 0
    fetched: int = 0
    loaded: int = 0
    duplicate: int = 0
    failed: int = 0
    missing: int = 0
    """Listed items neither loaded, duplicate nor quarantined: counted as failed too."""
    listing_failed: bool = False
    deferred: int = 0
    """Listed items a cap (``max_items_per_*``) left for the next run."""
    capped: bool = False
    """A cap stopped the listing: the window is ``partial`` until a run gets through it."""

    @property
    def complete(self) -> bool:
        return self.missing == 0 and not self.listing_failed and not self.capped


def plan_windows(engine: Engine, source_id: int, windows: list[Window]) -> list[WindowRow]:
    """The rows of these windows, created ``pending`` where new, in window order."""
    table = schema.BackfillWindow.__table__
    with engine.begin() as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        for window in windows:
            connection.execute(dialect.insert(table).values(
                source_id=source_id, window_start=window.start, window_end=window.end,
                status="pending", attempts=0, listed=0, fetched=0, loaded=0, duplicate=0,
                failed=0).on_conflict_do_nothing())
        rows = connection.execute(select(table).where(
            table.c.source_id == source_id,
            table.c.window_start >= windows[0].start, table.c.window_end <= windows[-1].end,
        ).order_by(table.c.window_start)).all()
    wanted = set(windows)
    return [WindowRow(row.id, Window(row.window_start, row.window_end), row.status, row.attempts)
            for row in rows if Window(row.window_start, row.window_end) in wanted]


def start_window(engine: Engine, window_id: int, run_id: int | None = None) -> None:
    table = schema.BackfillWindow.__table__
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == window_id).values(
            status="running", attempts=table.c.attempts + 1, started_at=datetime.now(UTC),
            finished_at=None, message=None, run_id=run_id))


def finish_window(engine: Engine, window_id: int, ledger: Ledger | None, *,
                  run_id: int | None = None, error: str | None = None) -> str:
    """Record the ledger and the status it implies (``failed`` with ``error``); returns it."""
    values: dict[str, Any] = {"finished_at": datetime.now(UTC)}
    if ledger is not None:
        values.update(listed=ledger.listed, fetched=ledger.fetched, loaded=ledger.loaded,
                      duplicate=ledger.duplicate, failed=ledger.failed + ledger.missing)
    if run_id is not None:
        values["run_id"] = run_id
    if error is not None:
        values.update(status="failed", message=error[:2000])
    elif (ledger is not None and ledger.capped and not ledger.missing
          and not ledger.listing_failed):
        values.update(status="partial", message=(
            f"{ledger.deferred} listed items left for the next run by max_items_per_feed / "
            "_sitemap / _run; run the backfill again to continue"))
    elif ledger is None or not ledger.complete:
        problems = []
        if ledger is not None and ledger.listing_failed:
            problems.append("the source could not be listed (see newsflow errors)")
        if ledger is not None and ledger.missing:
            problems.append(f"{ledger.missing} listed items are not accounted for")
        values.update(status="failed", message="; ".join(problems) or "no ledger")
    else:
        values.update(status="done", message=None)
    table = schema.BackfillWindow.__table__
    with engine.begin() as connection:
        connection.execute(update(table).where(table.c.id == window_id).values(**values))
    return values["status"]


def window_rows(engine: Engine, source_id: int) -> list[dict[str, Any]]:
    """Every window recorded for a source, oldest first, as plain rows (for reports)."""
    table = schema.BackfillWindow.__table__
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            select(table).where(table.c.source_id == source_id).order_by(table.c.window_start))]


@dataclass(slots=True)
class FilePlan:
    """Which local files hold articles dated in which window (read once, up front)."""

    by_window: dict[Window, list[Path]]
    undated: int = 0
    """Articles with no date at all: they belong to no window, so a backfill never loads
    them (``newsflow ingest`` does)."""


def plan_files(files: list[Path], windows: list[Window], *, max_bytes: int) -> FilePlan:
    """Assign each file to the windows its articles' dates fall in.

    A WARC file named with its crawl time goes to that time's window unread. A file that
    cannot be read goes to the first window, whose run quarantines it once.
    """
    plan = FilePlan({window: [] for window in windows})

    def assign(path: Path, moment: datetime | None) -> bool:
        for window in windows:
            if window.contains(moment):
                if path not in plan.by_window[window]:
                    plan.by_window[window].append(path)
                return True
        return False

    for path in files:
        crawl_time = warc_file_time(path)
        if crawl_time is not None:
            assign(path, crawl_time)
            continue
        for item in read_file(path, max_bytes=max_bytes):
            if isinstance(item, ItemFailure):
                if path not in plan.by_window[windows[0]]:
                    plan.by_window[windows[0]].append(path)
                continue
            moment = item.published_at or item.fetched_at
            if moment is None:
                plan.undated += 1
            else:
                assign(path, moment)
    return plan
