"""Memory and throughput of ``newsflow export`` on 1,000,000 synthetic events rows.

    .venv/bin/python bench/export.py                                   # SQLite, 1,000,000 rows
    .venv/bin/python bench/export.py --events 100000 --keep /tmp/b.db  # smaller, keep the file
    .venv/bin/python bench/export.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

First a database is built outside the repository (a SQLite file in a temporary directory, or a
fresh PostgreSQL database that is dropped afterwards): migrations and lookups as usual, then
``--events`` events rows spread over articles of 20 events each, with their entities, entity
mentions and event clusters of about three events each (real CAMEO codes and country codes,
90% asserted, 5% negated), inserted in bulk. Building is not timed.

Then each export runs in a child process of its own, as ``newsflow export`` would run it, and
is timed there (wall clock, and the child's CPU seconds, which other work on the machine
does not inflate); its peak resident memory is the child's VmHWM (and, when GNU time is
installed, ``/usr/bin/time -v``'s maximum resident set size of the same child), so every
figure includes the interpreter, SQLAlchemy, pyarrow and the database driver. Exports:
``event-mentions`` (one row per events row) as CSV, Parquet, JSON Lines and GDELT Mentions,
and ``events`` (one row per cluster) as GDELT Events and CSV.

Figures depend on the machine and on what else runs on it: the load average is printed with
them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EVENTS_PER_ARTICLE = 20
EVENTS_PER_CLUSTER = 3
MENTIONS_PER_ARTICLE = 12
CHUNK = 20_000
EXPORTS = (("event-mentions", "csv"), ("event-mentions", "parquet"),
           ("event-mentions", "jsonl"), ("event-mentions", "gdelt"), ("events", "gdelt"),
           ("events", "csv"))
WORDS = ("government", "minister", "talks", "sanctions", "border", "agreement", "troops",
         "visit", "delegation", "statement", "ceasefire", "election", "protest", "aid")


def build(url: str, events: int, seed: int) -> dict[str, int]:
    """Fill the empty database at ``url`` with ``events`` synthetic events rows."""
    from sqlalchemy import bindparam, select

    from pipeline.db import schema
    from pipeline.db.engine import make_engine
    from pipeline.db.migrate import ensure_schema

    rng = random.Random(seed)
    engine = make_engine(url)
    ensure_schema(engine)
    with engine.connect() as connection:
        codes = connection.execute(select(
            schema.CameoCode.code, schema.CameoCode.quad_class, schema.CameoCode.goldstein,
            schema.CameoCode.plover_type, schema.CameoCode.plover_mode)).all()
        countries = [c for (c,) in connection.execute(select(schema.Country.alpha3))][:60]
    roles = ("GOV", "MIL", "COP", "", "OPP", "JUD")
    n_articles = max(1, events // EVENTS_PER_ARTICLE)
    n_clusters = max(1, events // EVENTS_PER_CLUSTER)
    n_entities = 5_000
    now = datetime(2026, 1, 1, tzinfo=UTC)
    start = date(2024, 1, 1)

    def insert(table: Any, rows: list[dict[str, Any]]) -> None:
        with engine.begin() as connection:
            connection.execute(table.insert(), rows)

    entities = [{"id": i + 1, "name": f"Entity {i + 1}", "type": rng.choice(
        ("PERSON", "ORG", "GPE")), "country_code": rng.choice(countries),
        "pipeline_version": "bench"} for i in range(n_entities)]
    insert(schema.Entity.__table__, entities)

    clusters = []
    keys = set()
    while len(clusters) < n_clusters:
        code = rng.choice(codes)
        key = (rng.choice(countries) + rng.choice(roles), rng.choice(countries) + rng.choice(
            roles), code.code, start + timedelta(days=rng.randrange(730)))
        if key in keys:
            continue
        keys.add(key)
        clusters.append((len(clusters) + 1, key, code))
    insert(schema.EventCluster.__table__, [
        {"id": cid, "actor1_code": k[0], "actor2_code": k[1], "cameo_code": k[2],
         "event_date": k[3], "num_mentions": 0, "num_articles": 0, "num_sources": 0}
        for cid, k, _ in clusters])

    text = " ".join(rng.choice(WORDS) for _ in range(250))
    counts: dict[int, list[int]] = {}
    event_id = 0
    batch_events: list[dict] = []
    batch_articles: list[dict] = []
    batch_mentions: list[dict] = []
    for article in range(1, n_articles + 1):
        batch_articles.append({
            "id": article, "source_uri": f"https://bench{article % 50}.example/{article}",
            "url": f"https://bench{article % 50}.example/{article}", "title": f"Story {article}",
            "site_name": f"Outlet {article % 50}", "published_at": now, "language": "en",
            "text": text, "content_hash": uuid.UUID(int=rng.getrandbits(128)).hex * 2,
            "word_count": 250, "source_format": "html", "ingested_at": now + timedelta(
                seconds=article), "pipeline_version": "bench"})
        for n in range(MENTIONS_PER_ARTICLE):
            batch_mentions.append({
                "article_id": article, "entity_id": rng.randrange(1, n_entities + 1),
                "text": "Entity", "label": "PERSON", "section": "body", "start_char": n * 100,
                "end_char": n * 100 + 6, "sentence_index": n, "pipeline_version": "bench"})
        for n in range(EVENTS_PER_ARTICLE):
            event_id += 1
            if event_id > events:
                break
            cid, key, code = clusters[rng.randrange(len(clusters))]
            negated = rng.random() < 0.05
            modality = "asserted" if rng.random() < 0.9 else rng.choice(("future",
                                                                          "hypothetical"))
            clustered = not negated and modality == "asserted"
            if clustered:
                counts.setdefault(cid, []).append(article)
            batch_events.append({
                "id": event_id, "article_id": article, "sentence_index": n,
                "start_char": n * 60, "end_char": n * 60 + 59,
                "evidence": text[n * 60:n * 60 + 59], "trigger": "visit",
                "cameo_code": key[2], "cameo_root": key[2][:2], "quad_class": code.quad_class,
                "goldstein": code.goldstein, "plover_type": code.plover_type,
                "plover_mode": code.plover_mode,
                "actor1_entity_id": rng.randrange(1, n_entities + 1), "actor1_code": key[0],
                "actor2_entity_id": rng.randrange(1, n_entities + 1), "actor2_code": key[1],
                "actor1_country": key[0][:3], "actor2_country": key[1][:3],
                "event_date": key[3], "negated": negated, "modality": modality,
                "confidence": 0.8, "cluster_id": cid if clustered else None,
                "pipeline_version": "bench"})
        if len(batch_events) >= CHUNK or article == n_articles:
            insert(schema.Article.__table__, batch_articles)
            insert(schema.Mention.__table__, batch_mentions)
            insert(schema.Event.__table__, batch_events)
            batch_articles, batch_mentions, batch_events = [], [], []
    table = schema.EventCluster.__table__
    with engine.begin() as connection:
        connection.execute(table.update().where(table.c.id == bindparam("cid")).values(
            num_mentions=bindparam("m"), num_articles=bindparam("a"),
            num_sources=bindparam("s")),
            [{"cid": cid, "m": len(arts), "a": len(set(arts)),
              "s": len({a % 50 for a in arts})} for cid, arts in counts.items()])
        connection.execute(table.delete().where(table.c.num_mentions == 0))
    engine.dispose()
    return {"articles": n_articles, "events": min(event_id, events),
            "clusters": len(counts), "mentions": n_articles * MENTIONS_PER_ARTICLE}


def _peak_rss_mb() -> float:
    """This process's peak resident memory since it started: VmHWM of /proc/self/status.

    Not ``ru_maxrss``: that one keeps the peak the process had before ``exec``, which for a
    child forked from this bench (after building a million rows) is the bench's own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM in /proc/self/status (Linux only)")


def export_child(url: str, kind: str, format_: str, out: str) -> None:
    """Run one export in this (child) process and print its figures as JSON."""
    from pipeline.analyst.export import ExportRequest, export
    from pipeline.db.engine import make_engine

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    started, cpu_started = time.perf_counter(), cpu()
    result = export(make_engine(url), ExportRequest(kind, format_, out))
    print(json.dumps({"rows": result.rows, "bytes": result.bytes,
                      "seconds": time.perf_counter() - started, "cpu": cpu() - cpu_started,
                      "peak_rss_mb": _peak_rss_mb()}))


TIME = Path("/usr/bin/time")


def measure(url: str, kind: str, format_: str, out: Path) -> dict:
    """One export in a child process; with GNU time, its maximum resident set size as well
    (time's own child is the export, so nothing of this process is in it)."""
    command = [sys.executable, __file__, "--child", url, kind, format_, str(out)]
    if TIME.exists():
        command = [str(TIME), "-v", *command]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"export {kind} {format_} failed: {result.stderr[-2000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    maximum = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    figures["time_max_rss_mb"] = int(maximum.group(1)) / 1024 if maximum else None
    out.unlink(missing_ok=True)
    return figures


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        export_child(*argv[1:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="an admin URL: run on a fresh PostgreSQL database")
    parser.add_argument("--keep", type=Path, help="SQLite: build (or reuse) this file")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="newsflow-bench-export-"))
    admin = None
    if args.postgres:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from pipeline.db.engine import normalize_url

        admin = create_engine(normalize_url(args.postgres), isolation_level="AUTOCOMMIT")
        name = f"newsflow_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(normalize_url(args.postgres)).set(database=name).render_as_string(
            hide_password=False)
    else:
        path = args.keep or scratch / "bench.db"
        url = f"sqlite:///{path}"
    try:
        if args.keep and args.keep.exists():
            print(f"reusing {args.keep}", file=sys.stderr)
        else:
            began = time.perf_counter()
            built = build(url, args.events, args.seed)
            print(f"built {built} in {time.perf_counter() - began:.0f}s", file=sys.stderr)
        print(f"database: {url.split('@')[-1]}; load average {os.getloadavg()[0]:.2f} "
              f"(2 shared cores)")
        print("| export | format | rows | seconds | rows/s | CPU s | rows/CPU s | peak RSS (MB) "
              "| GNU time max RSS (MB) | output (MB) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for kind, format_ in EXPORTS:
            figures = measure(url, kind, format_, scratch / f"{kind}.{format_}")
            print(f"| {kind} | {format_} | {figures['rows']:,} | {figures['seconds']:.1f} | "
                  f"{figures['rows'] / figures['seconds']:,.0f} | {figures['cpu']:.1f} | "
                  f"{figures['rows'] / figures['cpu']:,.0f} | {figures['peak_rss_mb']:.0f} | "
                  f"{_mb(figures['time_max_rss_mb'])} | {figures['bytes'] / 1e6:.1f} |",
                  flush=True)
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        for leftover in scratch.iterdir():
            leftover.unlink()
        scratch.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
