"""End to end: ``newsflow ingest`` against the bare libraries, as whole processes.

    .venv/bin/python bench/e2e.py ../shared/corpora/article-extraction-benchmark/html --rounds 2

What a user waits for, start-up included. Each round runs, one after the other, each as a
child process of its own:

* **bare**: a Python process that imports trafilatura and spaCy, loads the same spaCy model
  newsflow uses, reads every page (``.html`` or ``.html.gz``), runs ``trafilatura.extract``
  on it, then ``nlp.pipe(texts, n_process=2)`` over the extracted texts: what stitching the
  two libraries together by hand costs;
* **ingest**: ``newsflow ingest PATHS --db sqlite:///<fresh file> --no-progress``, the
  first run into an empty database;
* **rerun**: the same command again on the same database and unchanged input.

Rounds alternate the three, so a burst of load from other work on the machine hits every
side alike; the best (lowest) time of each over the rounds is reported, with its peak memory:
the resident set size of the child and all its descendants summed, polled every 50 ms
(psutil; forked workers share pages, which the sum counts once per process), and the largest
single process among them (``ru_maxrss`` from ``wait4``); and the CPU seconds of the whole
tree, steadier than wall time when other work shares the machine.
Stage times come from the bare child's own clock and from the ingest run's ``pipeline_runs``
row (``stage_seconds``). The databases live in a temporary directory outside the repository;
the inputs are read in place.

Figures on a shared machine are noisy: the load average is printed at the start and the end.
Speed is measured here, never in a test.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

BARE = r"""
import gzip, json, sys, time
from pathlib import Path
t0 = time.perf_counter()
import spacy, trafilatura
sys.path.insert(0, sys.argv[1])
from pipeline.parsing import resolve_model_name
nlp = spacy.load(resolve_model_name(None))
t1 = time.perf_counter()
files = []
for given in map(Path, sys.argv[3:]):
    found = sorted(given.rglob("*")) if given.is_dir() else [given]
    files += [p for p in found if p.name.endswith((".html", ".htm", ".html.gz", ".htm.gz"))]
texts = []
for path in files:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    text = trafilatura.extract(data.decode("utf-8", "replace"))
    if text:
        texts.append(text)
t2 = time.perf_counter()
tokens = sum(len(doc) for doc in nlp.pipe(texts, n_process=int(sys.argv[2]), batch_size=32))
t3 = time.perf_counter()
print(json.dumps({"pages": len(files), "texts": len(texts), "tokens": tokens,
                  "stages": {"import+model": round(t1 - t0, 2), "extract": round(t2 - t1, 2),
                             "nlp.pipe": round(t3 - t2, 2)}}))
"""


@dataclass
class Run:
    side: str
    seconds: float
    peak_rss_mb: float
    max_rss_mb: float
    stages: dict[str, float] = field(default_factory=dict)
    note: str = ""
    load: float = 0.0
    cpu: float = 0.0
    """User + system CPU seconds of the child and its descendants: steadier than wall time
    on a machine other work shares."""


def _tree_rss(process: psutil.Process, cpu_seen: dict[int, float]) -> int:
    """RSS of ``process`` and its descendants summed; records each one's CPU seconds so far
    in ``cpu_seen`` (a worker pool's processes are not the child's to reap, so ``wait4``
    does not count them)."""
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        with contextlib.suppress(psutil.Error):
            total += member.memory_info().rss
            times = member.cpu_times()
            cpu_seen[member.pid] = max(cpu_seen.get(member.pid, 0.0), times.user + times.system)
    return total


def timed(side: str, command: list[str], env: dict[str, str]) -> tuple[Run, str]:
    """Run ``command`` to its end; wall time, peak RSS of its process tree, the CPU time of
    the child and all its descendants, and its stdout."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=env, cwd=ROOT, text=True)
    peak = 0
    stop = threading.Event()

    cpu_seen: dict[int, float] = {}

    def poll() -> None:
        nonlocal peak
        process = psutil.Process(child.pid)
        while not stop.is_set():
            peak = max(peak, _tree_rss(process, cpu_seen))
            stop.wait(0.05)

    streams: dict[str, str] = {}

    def drain(name: str) -> None:
        streams[name] = getattr(child, name).read()

    threads = [threading.Thread(target=poll, daemon=True),
               *(threading.Thread(target=drain, args=(n,), daemon=True)
                 for n in ("stdout", "stderr"))]
    for thread in threads:
        thread.start()
    # wait4: this child's own rusage, its reaped descendants included (Linux: ru_maxrss is
    # the largest single process among them, in KiB; CPU times are summed)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    for thread in threads:
        thread.join()
    if child.returncode != 0:
        raise SystemExit(f"{side} failed ({child.returncode}): {' '.join(command)}\n"
                         f"{streams.get('stderr', '')}")
    run = Run(side, seconds, peak / 2**20, usage.ru_maxrss / 1024, load=load)
    # the larger of: wait4 (exact for what the child reaped) and the polled sum over every
    # process seen in the tree (misses at most the last 50 ms of each)
    run.cpu = max(usage.ru_utime + usage.ru_stime, sum(cpu_seen.values()))
    return run, streams.get("stdout", "")


def bare(paths: list[str], processes: int, env: dict[str, str]) -> Run:
    run, out = timed("bare", [sys.executable, "-c", BARE, str(ROOT), str(processes), *paths],
                     env)
    result = json.loads(out.strip().splitlines()[-1])
    run.stages = result["stages"]
    run.note = f"{result['texts']} texts of {result['pages']} pages, {result['tokens']:,} tokens"
    return run


def ingest(side: str, paths: list[str], database: Path, env: dict[str, str],
           args: argparse.Namespace) -> Run:
    command = [str(args.newsflow), "ingest", *paths, "--db", f"sqlite:///{database}",
               "--no-progress", *args.ingest_arg]
    run, out = timed(side, command, env)
    with sqlite3.connect(database) as connection:
        row = connection.execute(
            "SELECT stage_seconds, read_count, new_count, duplicate_count, failed_count "
            "FROM pipeline_runs ORDER BY id DESC LIMIT 1").fetchone()
    stages = json.loads(row[0]) if isinstance(row[0], str) else (row[0] or {})
    run.stages = {k: round(v, 2) for k, v in stages.items()}
    run.note = f"read {row[1]}, new {row[2]}, duplicate {row[3]}, failed {row[4]}"
    skipped = [line.strip() for line in out.splitlines() if "skipped" in line.lower()]
    if skipped:
        run.note += "; " + " ".join(" ".join(s.split()) for s in skipped)[:200]
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="pages (.html, .html.gz) or directories")
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the best of each side")
    parser.add_argument("--bare-processes", type=int, default=2,
                        help="n_process of the bare nlp.pipe (default 2)")
    parser.add_argument("--ingest-arg", action="append", default=[],
                        help="extra argument for `newsflow ingest` (repeatable)")
    parser.add_argument("--newsflow", type=Path, default=BIN / "newsflow",
                        help="the newsflow executable of the ingest side (default: this "
                             "checkout's); another checkout's .venv/bin/newsflow gives "
                             "before/after figures")
    parser.add_argument("--json", type=Path, help="also write every run to this file")
    args = parser.parse_args(argv)

    env = dict(os.environ)
    paths = [str(Path(p).resolve()) for p in args.paths]
    scratch = Path(tempfile.mkdtemp(prefix="newsflow-e2e-"))
    runs: list[Run] = []
    start_load = os.getloadavg()
    try:
        for number in range(args.rounds):
            database = scratch / f"round{number}.db"
            for side in ("bare", "ingest", "rerun"):
                done = (bare(paths, args.bare_processes, env) if side == "bare"
                        else ingest(side, paths, database, env, args))
                runs.append(done)
                print(f"round {number + 1}: {done.side:7s} {done.seconds:6.1f} s, "
                      f"{done.cpu:6.1f} CPU s, peak RSS "
                      f"{done.peak_rss_mb:5.0f} MB (load {done.load:.2f}) {done.note}",
                      file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    end_load = os.getloadavg()
    best = {side: min((r for r in runs if r.side == side), key=lambda r: r.seconds)
            for side in ("bare", "ingest", "rerun")}
    b, i, r = best["bare"], best["ingest"], best["rerun"]
    print(f"\n{len(paths)} input path(s); best of {args.rounds} rounds; {os.cpu_count()} CPUs; "
          f"load average {start_load[0]:.2f} at the start, {end_load[0]:.2f} at the end\n")
    print("| side | seconds (best) | all rounds | CPU s | peak RSS, tree (MB) "
          "| max single RSS (MB) | stages (s) | note |")
    print("|---|---:|---|---:|---:|---:|---|---|")
    for side, run in best.items():
        rounds = ", ".join(f"{x.seconds:.1f}" for x in runs if x.side == side)
        stages = ", ".join(f"{k} {v:.1f}" for k, v in run.stages.items())
        print(f"| {side} | {run.seconds:.1f} | {rounds} | {run.cpu:.1f} | {run.peak_rss_mb:.0f} | "
              f"{run.max_rss_mb:.0f} | {stages} | {run.note} |")
    print(f"\ningest speed vs bare: {b.seconds / i.seconds:.2f}× (bare {b.seconds:.1f} s / "
          f"ingest {i.seconds:.1f} s)")
    print(f"rerun speed-up vs first run: {i.seconds / r.seconds:.1f}× "
          f"({r.seconds:.1f} s; {b.seconds / r.seconds:.2f}× bare)")
    print(f"CPU seconds vs bare: {i.cpu / b.cpu:.2f}× ({i.cpu:.1f} / {b.cpu:.1f})")
    print(f"peak RSS vs bare: tree {i.peak_rss_mb / b.peak_rss_mb:.2f}× "
          f"({i.peak_rss_mb:.0f} MB / {b.peak_rss_mb:.0f} MB), largest process "
          f"{i.max_rss_mb / b.max_rss_mb:.2f}× ({i.max_rss_mb:.0f} MB / {b.max_rss_mb:.0f} MB)")
    if args.json:
        args.json.write_text(json.dumps({
            "load_average": [start_load, end_load],
            "runs": [run.__dict__ for run in runs]}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
