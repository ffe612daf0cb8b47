"""Throughput of newsflow's stages and of the whole ingest flow, in articles/s and tokens/s.

    .venv/bin/python bench/throughput.py seeds/
    .venv/bin/python bench/throughput.py ../shared/corpora/article-extraction-benchmark/html \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test --workers 2

Inputs are files or directories the ingest flow reads (``.txt``, ``.html``, ``.jsonl``,
``.warc[.gz]``); gzipped pages (``page.html.gz``) are decompressed into a temporary directory
outside the repository first (not timed). Two parts:

* **Stages**, called directly in this process, one after the other, each timed alone (after
  a one-article warm-up of clean and analysis, whose first call loads lazy resources): read
  (files → raw articles: decoding, HTML extraction, dates), clean, entities+events (spaCy,
  gazetteer, event coder; the model load is reported apart), load into a fresh SQLite file and,
  with ``--postgres``, into a fresh PostgreSQL database (batches of ``--batch-size``).
* **Flow**: the ``ingest`` flow end to end under a temporary Prefect server, once with the
  default runner (in-process) and once on a local Dask cluster of ``--workers`` worker
  processes of one thread each (``flows.runners.with_task_runner``), each into a fresh SQLite
  file. The Prefect server, the cluster start and the workers' first imports are not timed;
  everything inside the flow run is (including each worker's model load per task).

Tokens are the words of the cleaned text (``articles.word_count``), so every stage is divided
by the same amount of text. Figures depend on the machine and on what else runs on it: the
load average is printed with them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "ERROR")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from pipeline.analysis import Analyzer  # noqa: E402
from pipeline.clean import clean_articles  # noqa: E402
from pipeline.db.engine import make_engine, normalize_url  # noqa: E402
from pipeline.db.migrate import ensure_schema  # noqa: E402
from pipeline.load import load_articles  # noqa: E402
from pipeline.readers import discover_files, read_file  # noqa: E402
from pipeline.records import AnalyzedArticle, ItemFailure, RawArticle  # noqa: E402
from pipeline.settings import Settings  # noqa: E402


@dataclass(slots=True)
class Row:
    what: str
    articles: int
    tokens: int
    seconds: float
    cpu_seconds: float | None = None
    """CPU time of this process (not of Dask workers or the database server)."""
    note: str = ""

    def cells(self) -> list[str]:
        rate = self.articles / self.seconds if self.seconds else float("nan")
        tokens = self.tokens / self.seconds if self.seconds else float("nan")
        cpu = "" if self.cpu_seconds is None else f"{self.cpu_seconds:.2f}"
        per_cpu = "" if not self.cpu_seconds else f"{self.articles / self.cpu_seconds:.1f}"
        return [self.what, str(self.articles), f"{self.seconds:.2f}", f"{rate:.1f}",
                f"{tokens:,.0f}", cpu, per_cpu, self.note]


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """``fn()``, its wall time and this process's CPU time."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - start, time.process_time() - cpu


def _is_gz_page(path: Path) -> bool:
    return path.suffix == ".gz" and not path.name.endswith(".warc.gz")


@contextmanager
def _inputs(paths: Sequence[str]) -> Iterator[list[Path]]:
    """The given paths, plus every gzipped page found among them (``page.html.gz``)
    decompressed into a temporary directory as ``page.html``; the flow's own discovery skips
    the ``.gz`` originals (no reader), and ``.warc.gz`` archives are read as they are."""
    scratch = Path(tempfile.mkdtemp(prefix="newsflow-bench-"))
    try:
        out: list[Path] = []
        for given in map(Path, paths):
            found = sorted(given.rglob("*.gz")) if given.is_dir() else [given]
            pages = [p for p in found if _is_gz_page(p)]
            if given.is_dir() or not pages:
                out.append(given)
            for number, page in enumerate(pages):
                target = scratch / f"{len(out):03d}_{number:05d}_{page.name[:-3]}"
                target.write_bytes(gzip.decompress(page.read_bytes()))
            if pages:
                out.append(scratch)
        yield list(dict.fromkeys(out))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def _postgres_database(admin_url: str) -> Iterator[str]:
    admin = create_engine(normalize_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"newsflow_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(normalize_url(admin_url)).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _load(url: str, analysed: list[AnalyzedArticle], version: str,
          batch_size: int) -> tuple[float, float]:
    engine = make_engine(url)
    ensure_schema(engine)

    def load() -> None:
        for first in range(0, len(analysed), batch_size):
            load_articles(engine, analysed[first:first + batch_size], run_id=None,
                          pipeline_version=version)

    _none, seconds, cpu = _timed(load)
    engine.dispose()
    return seconds, cpu


def stages(files: list[Path], settings: Settings, postgres: str | None,
           scratch: Path) -> tuple[list[Row], int]:
    def read() -> list[RawArticle]:
        found = discover_files(files).files
        limit = settings.max_file_bytes
        return [item for path in found for item in read_file(path, max_bytes=limit)
                if not isinstance(item, ItemFailure)]

    raw, read_s, read_cpu = _timed(read)
    clean_articles(raw[:1])  # one-time initialisations (language model, ftfy) are not timed
    cleaned, clean_s, clean_cpu = _timed(lambda: clean_articles(raw, min_words=settings.min_words))
    tokens = sum(a.word_count for a in cleaned.ok)
    analyzer, setup_s, _cpu = _timed(lambda: Analyzer(settings))
    analyzer.analyse(cleaned.ok[:1])
    analysed, nlp_s, nlp_cpu = _timed(lambda: analyzer.analyse(cleaned.ok))
    n = len(analysed.ok)
    rows = [Row("read (decode, extract, dates)", len(raw), tokens, read_s, read_cpu,
                f"{len(raw)} articles from {len(files)} inputs"),
            Row("clean", len(cleaned.ok), tokens, clean_s, clean_cpu),
            Row("entities+events (spaCy, coder)", n, tokens, nlp_s, nlp_cpu,
                f"model load {setup_s:.1f} s, not included")]
    sqlite_s, sqlite_cpu = _load(f"sqlite:///{scratch / 'stages.db'}", analysed.ok,
                                 analyzer.version, settings.batch_size)
    rows.append(Row("load → SQLite", n, tokens, sqlite_s, sqlite_cpu,
                    f"batches of {settings.batch_size}"))
    if postgres:
        with _postgres_database(postgres) as url:
            pg_s, pg_cpu = _load(url, analysed.ok, analyzer.version, settings.batch_size)
        rows.append(Row("load → PostgreSQL", n, tokens, pg_s, pg_cpu,
                        f"batches of {settings.batch_size}; CPU: client side only"))
    return rows, tokens


def flows(files: list[Path], settings: Settings, workers: int, tokens: int,
          scratch: Path) -> list[Row]:
    from distributed import Client, LocalCluster
    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest import ingest_flow
    from flows.runners import with_task_runner

    def run(label: str, run_settings: Settings) -> Row:
        flow = with_task_runner(ingest_flow, run_settings)
        summary, seconds, _cpu = _timed(
            lambda: flow([str(f) for f in files], settings=run_settings))
        stage_s = ", ".join(f"{k} {v:.1f}" for k, v in summary.stage_seconds.items())
        return Row(label, summary.new, tokens, seconds, None, f"flow stage waits: {stage_s}")

    rows = []
    with prefect_test_harness(server_startup_timeout=120):
        default = settings.model_copy(update={"database_url": f"sqlite:///{scratch / 'a.db'}"})
        rows.append(run("flow, default runner (in-process)", default))
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster:
            with Client(cluster) as client:  # a running cluster has its imports done
                client.run(lambda: __import__("pipeline.analysis") and None)
            on_dask = settings.model_copy(update={
                "database_url": f"sqlite:///{scratch / 'b.db'}",
                "dask_address": cluster.scheduler_address})
            rows.append(run(f"flow, Dask runner ({workers} workers × 1 thread)", on_dask))
    return rows


def _table(rows: list[Row]) -> str:
    head = ["what", "articles", "seconds", "articles/s", "tokens/s", "CPU s",
            "articles/CPU s", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="files and directories to read")
    parser.add_argument("--postgres", default=os.environ.get("NEWSFLOW_TEST_POSTGRES_URL"),
                        help="admin URL of a PostgreSQL server to create a scratch database "
                             "on (default: NEWSFLOW_TEST_POSTGRES_URL; none: SQLite only)")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="articles per batch (default: the settings', 200)")
    parser.add_argument("--no-flow", action="store_true", help="stages only")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)

    settings = Settings(**({"batch_size": args.batch_size} if args.batch_size else {}))
    scratch = Path(tempfile.mkdtemp(prefix="newsflow-bench-db-"))
    try:
        with _inputs(args.paths) as files:
            rows, tokens = stages(files, settings, args.postgres, scratch)
            if not args.no_flow:
                rows += flows(files, settings, args.workers, tokens, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{tokens:,} tokens (words of cleaned text); batch size {settings.batch_size}; "
          f"{os.cpu_count()} CPUs, load average {load} at the end\n")
    print(_table(rows))
    if args.json:
        args.json.write_text(json.dumps({
            "tokens": tokens, "load_average": os.getloadavg(),
            "rows": [{slot: getattr(row, slot) for slot in Row.__slots__} for row in rows]},
            indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
