"""Memory and time of ``newsflow ingest`` on the hostile campaign's large cases, measured with
``/usr/bin/time -v`` around the real command (never in a timed test).

    .venv/bin/python bench/hostile.py                 # every case, SQLite, in a temp dir
    .venv/bin/python bench/hostile.py --only done-when --keep /tmp/hostile

Cases (inputs are built by ``tests/hostile/inputs.py`` into a temporary directory; local
pages and sitemaps are served by a thread on 127.0.0.1):

* ``done-when``: the issue's closing case, run twice: two good articles, a JSON line with a
  lone surrogate, a 2 MB JSON line and an empty file, plus ``--urls`` naming ``http://[::1``.
* ``20mb-line``: one 20 MB JSON line next to a good article (22 minutes and 12.3 GB before).
* ``gzip-page``: a page whose body is a 310 KB gzip file of 300 MB (1.6 GB before).
* ``sitemap-200k``: a 0.5 MB gzipped sitemap of 200,000 URLs (200,000 fetches queued before);
  its pages answer 404, so only the capped listing and its 5,000 fetches are measured.

For each run it prints the exit code, the articles loaded, the open ``ingest_errors`` rows
(each with its attempts), the elapsed time and the peak resident memory.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.inputs import (  # noqa: E402 - after the path is set
    GOOD_TXT,
    big_text,
    body,
    done_when_inputs,
    gzip_bomb,
    html_page,
    jsonl_line,
    seed_text,
    sitemap,
)

NEWSFLOW = Path(sys.executable).parent / "newsflow"


class _Site(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[bytes, str]]] = {}

    def do_GET(self) -> None:
        content = self.routes.get(self.path)
        if content is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content[1])
        self.send_header("Content-Length", str(len(content[0])))
        self.end_headers()
        self.wfile.write(content[0])

    def log_message(self, *_args: object) -> None:
        pass


def _serve() -> str:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def _measure(args: list[str], db: Path) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFLOW_")}
    env.update(NEWSFLOW_FETCH__ALLOWED_PRIVATE_HOSTS='["127.0.0.1"]',
               NEWSFLOW_FETCH__PER_HOST_DELAY_SECONDS="0", NEWSFLOW_FETCH__RETRIES="0")
    command = ["/usr/bin/time", "-v", str(NEWSFLOW), "ingest", *args, "--db",
               f"sqlite:///{db}", "--no-progress"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    elapsed = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr)
    with sqlite3.connect(db) as connection:
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        errors = connection.execute(
            "SELECT source_uri, stage, error_type, attempts FROM ingest_errors "
            "WHERE status = 'open' ORDER BY id").fetchall()
    left = re.search(r"left for the next run\s*│\s*([^│]+?)\s*│", result.stdout)
    return {"exit": result.returncode, "articles": articles, "open_errors": errors,
            "left": left[1] if left else "",
            "elapsed": elapsed[1] if elapsed else "?",
            "peak_mb": round(int(peak[1]) / 1024) if peak else None,
            "stderr_tail": "\n".join(line for line in result.stderr.splitlines()
                                     if not line.startswith("\t"))[-500:]}


def case_done_when(work: Path, _site: str) -> list[tuple[str, dict[str, object]]]:
    directory, urls = done_when_inputs(work)
    db = work / "done-when.db"
    return [(f"done-when run {n}", _measure([str(directory), "--urls", str(urls)], db))
            for n in (1, 2)]


def case_20mb_line(work: Path, _site: str) -> list[tuple[str, dict[str, object]]]:
    directory = work / "20mb"
    directory.mkdir()
    (directory / GOOD_TXT[0]).write_text(seed_text(GOOD_TXT[0]), encoding="utf-8")
    (directory / "huge.jsonl").write_text(jsonl_line(
        url="https://wire.example/huge", text=big_text(20_000_000)) + "\n", encoding="utf-8")
    return [("20mb-line", _measure([str(directory)], work / "20mb.db"))]


def case_gzip_page(work: Path, site: str) -> list[tuple[str, dict[str, object]]]:
    _Site.routes["/bomb"] = (gzip_bomb(300_000_000), "text/html")
    _Site.routes["/page"] = (html_page(body(1)).encode(), "text/html")
    print(f"gzip page: {len(_Site.routes['/bomb'][0]):,} bytes on the wire", file=sys.stderr)
    return [("gzip-page", _measure([f"{site}/bomb", f"{site}/page"], work / "gzip.db"))]


def case_sitemap_200k(work: Path, site: str) -> list[tuple[str, dict[str, object]]]:
    packed = gzip.compress(sitemap(f"{site}/p/{n}" for n in range(200_000)))
    _Site.routes["/sitemap.xml.gz"] = (packed, "application/gzip")
    print(f"sitemap: {len(packed):,} bytes gzipped", file=sys.stderr)
    return [("sitemap-200k", _measure(["--sitemap", f"{site}/sitemap.xml.gz"],
                                      work / "sitemap.db"))]


def _errors(rows: object) -> str:
    """Each open row (item, stage, type, attempts), or counts by kind when there are many."""
    rows = list(rows)  # type: ignore[call-overload]
    if len(rows) <= 6:
        return "; ".join(f"{uri.rsplit('/', 1)[-1][:40]}: {stage} {kind} ×{n}"
                         for uri, stage, kind, n in rows)
    kinds: dict[tuple[str, str, int], int] = {}
    for _uri, stage, kind, n in rows:
        kinds[(stage, kind, n)] = kinds.get((stage, kind, n), 0) + 1
    return "; ".join(f"{count} × {stage} {kind} ×{n}" for (stage, kind, n), count in
                     sorted(kinds.items()))


CASES = {"done-when": case_done_when, "20mb-line": case_20mb_line,
         "gzip-page": case_gzip_page, "sitemap-200k": case_sitemap_200k}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(CASES), action="append")
    parser.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    parser.add_argument("--json", type=Path, help="also write the results here")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="newsflow-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    site = _serve()
    results = []
    for name in options.only or CASES:
        case_dir = work / name
        case_dir.mkdir(exist_ok=True)
        results += CASES[name](case_dir, site)
    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores)\n")
    print("| run | exit | articles | open ingest_errors (stage, type, attempts) | elapsed "
          "| peak RSS |")
    print("|---|---:|---:|---|---:|---:|")
    for label, result in results:
        print(f"| {label} | {result['exit']} | {result['articles']} | "
              f"{_errors(result['open_errors'])} | {result['elapsed']} | "
              f"{result['peak_mb']} MB |")
        if result["left"]:
            print(f"|  | left for the next run: {result['left']} | | | | |")
    for label, result in results:
        if result["exit"] != 0:
            print(f"\n{label} stderr:\n{result['stderr_tail']}")
    if options.json:
        options.json.write_text(json.dumps(dict(results), indent=2, default=str))


if __name__ == "__main__":
    main()
