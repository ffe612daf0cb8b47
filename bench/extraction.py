"""Benchmark newsflow's extraction against bare trafilatura and htmldate on public corpora.

Runs ``pipeline.extract.extract_page`` and the bare library defaults on the same pages of the
three corpora described in ``<corpora>/SOURCES.md`` and prints one markdown table::

    .venv/bin/python bench/extraction.py --corpora ../shared/corpora [--only zyte]
        [--limit 20] [--json /tmp/extraction.json] [--through-ingest]

With ``--through-ingest`` the project's side is what ``newsflow ingest`` stores: the pages
are written to a temporary folder as ``.html`` files, ingested with the CLI into a temporary
SQLite database, and ``articles.text`` and ``articles.published_date`` are scored (cleaning,
deduplication and quarantine included).

Each corpus is scored with the metric of its source repository (see SOURCES.md and
bench/README.md). The metrics are re-implemented here from their descriptions; no code is
copied from the source repositories. Pages are read from their ``.gz`` files in memory.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from pathlib import Path
from typing import Any, NamedTuple

import htmldate
import trafilatura
from htmldate.utils import decode_file

from pipeline.clean import clean_article
from pipeline.errors import ItemError
from pipeline.extract import ExtractedPage, extract_page
from pipeline.readers.html import read_html
from pipeline.records import RawArticle

BOOTSTRAP_SAMPLES = 1000
"""Resamples for the ± figures of the Zyte benchmark (its evaluate.py uses 1000)."""


# --- pages and runs -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    key: str
    html: str | bytes
    gold: Any


@dataclass(slots=True)
class Run:
    """What one extractor returned for each page, and the wall time of its calls."""

    name: str
    outputs: list[Any] = field(default_factory=list)
    seconds: float = 0.0
    crashes: int = 0
    """Unexpected exceptions; such a page counts as a page with no output."""

    def pages_per_second(self) -> float:
        return len(self.outputs) / self.seconds if self.seconds else 0.0


def run_extractor(name: str, extract: Callable[[str | bytes], Any], pages: Sequence[Page]) -> Run:
    """Call ``extract`` on every page; only the calls themselves are timed."""
    run = Run(name)
    if pages:
        _call(extract, pages[0].html)  # warm-up (lazy imports, compiled regexes), not timed
    for page in pages:
        start = time.perf_counter()
        output, crashed = _call(extract, page.html)
        run.seconds += time.perf_counter() - start
        run.outputs.append(output)
        run.crashes += crashed
    return run


def _call(extract: Callable[[str | bytes], Any], html: str | bytes) -> tuple[Any, bool]:
    try:
        return extract(html), False
    except Exception:  # noqa: BLE001 - as in trafilatura's eval: a crash is a page with no output
        return None, True


def read_gz(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


# --- extractors -----------------------------------------------------------------------------


class DateGuess(NamedTuple):
    day: str | None
    """``published_date`` (the publisher's calendar date), YYYY-MM-DD or None."""
    source: str | None
    """Where the project found it: json-ld, meta, htmldate; None when it found no date, and
    "rejected" when extract_page raised ItemError (no main text), which loses the date too."""
    utc_day: str | None = None
    """The calendar date of ``published_at`` in UTC, as stored in the database."""


def project_page(html: str | bytes) -> ExtractedPage | None:
    """The project's extraction; a page it rejects (no main text) is a page with no output."""
    try:
        return extract_page(html)
    except ItemError:
        return None


def project_text(html: str | bytes) -> str | None:
    page = project_page(html)
    return page.text if page else None


def project_date(html: str | bytes) -> DateGuess:
    """``published_date``, and the UTC calendar date of ``published_at`` for comparison."""
    page = project_page(html)
    if page is None:
        return DateGuess(None, "rejected")  # no main text: extract_page raised, no date either
    if page.published_at is None:
        return DateGuess(None, None)
    utc_day = page.published_at.astimezone(UTC).date().isoformat()
    day = page.published_date.isoformat() if page.published_date else None
    return DateGuess(day, page.published_at_source, utc_day)


@dataclass(frozen=True, slots=True)
class StoredArticle:
    text: str
    published_date: str | None
    source: str | None
    utc_day: str | None


def ingest_pages(pages: Sequence[Page], name: str = "newsflow ingest") -> Run:
    """Run ``newsflow ingest`` on the pages written out as ``.html`` files, and read back what
    it stored for each page (None for a page with no article: quarantined). A page whose
    bytes equal another's is a duplicate the loader stores once: it gets that article."""
    run = Run(name)
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        first_of: dict[str, int] = {}
        paths = []
        for index, page in enumerate(pages):
            body = page.html if isinstance(page.html, bytes) else page.html.encode("utf-8")
            first_of.setdefault(hashlib.sha256(body).hexdigest(), index)
            path = folder / f"{index:05d}.html"
            path.write_bytes(body)
            paths.append(path)
        database = Path(tmp) / "ingest.db"
        command = [str(Path(sys.executable).with_name("newsflow")), "ingest", str(folder),
                   "--db", f"sqlite:///{database}", "--no-progress"]
        # Room for Prefect's temporary server to start on a busy machine.
        env = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "600", **os.environ}
        started = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        run.seconds = time.perf_counter() - started
        if finished.returncode != 0:
            raise SystemExit(f"newsflow ingest failed: {finished.stderr[-2000:]}")
        stored, by_key = {}, {}
        with sqlite3.connect(database) as connection:
            for uri, url, digest, text, day, source, published in connection.execute(
                    "SELECT source_uri, url, content_hash, text, published_date, "
                    "published_at_source, published_at FROM articles"):
                article = StoredArticle(text, day, source, (published or "")[:10] or None)
                stored[uri] = by_key[digest] = article
                if url:
                    by_key[url] = article
        by_bytes = {digest: stored.get(paths[index].resolve().as_uri())
                    for digest, index in first_of.items()}
        for path, page in zip(paths, pages, strict=True):
            body = page.html if isinstance(page.html, bytes) else page.html.encode("utf-8")
            found = (stored.get(path.resolve().as_uri())
                     or by_bytes.get(hashlib.sha256(body).hexdigest())
                     or _duplicate_of(body, by_key))
            run.outputs.append(found)
    return run


def _duplicate_of(body: bytes, by_key: dict[str, StoredArticle]) -> StoredArticle | None:
    """The stored article a page was a duplicate of: the loader keeps one article per
    canonical URL and per content hash, and records no row for the page that repeated it."""
    try:
        raw = read_html(Path("page.html"), body)
        article = clean_article(next(r for r in raw if isinstance(r, RawArticle)))
    except (ItemError, StopIteration):
        return None
    return by_key.get(article.raw.url or "") or by_key.get(article.content_hash)


def ingest_texts(run: Run) -> Run:
    return Run(run.name, [o.text if o else None for o in run.outputs], run.seconds)


def ingest_dates(run: Run) -> Run:
    return Run(run.name, [DateGuess(o.published_date, o.source, o.utc_day) if o and
                          o.published_date else DateGuess(None, None if o else "rejected")
                          for o in run.outputs], run.seconds)


def trafilatura_default(html: str | bytes) -> str | None:
    return trafilatura.extract(html)


def trafilatura_eval_settings(html: str | bytes) -> str | None:
    """The settings trafilatura's own evaluation scores with."""
    return trafilatura.extract(html, include_comments=False, include_tables=True)


def htmldate_extensive(html: str | bytes) -> str | None:
    return htmldate.find_date(html, extensive_search=True)


# --- metrics --------------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str | None, size: int = 4) -> Counter[tuple[str, ...]]:
    """Overlapping ``size``-grams of ``\\w+`` tokens; a shorter non-empty text is one shingle."""
    words = tokens(text)
    if not words:
        return Counter()
    return Counter(tuple(words[i:i + size]) for i in range(max(1, len(words) - size + 1)))


def shingle_counts(gold: str, predicted: str | None) -> tuple[float, float, float]:
    """Per-page TP, FP, FN over shingles, normalised to sum to 1 so every page weighs the same."""
    truth, guess = shingles(gold), shingles(predicted)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _page_precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _page_recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def zyte_metrics(counts: Sequence[tuple[float, float, float]], exact: Sequence[bool]) -> dict:
    """Macro precision and recall, F1 of the two averages, exact-match accuracy.

    As in the benchmark's evaluate.py, precision is averaged over the pages with some output
    (TP + FP > 0): a page where the extractor returns nothing is left out of precision and
    scores recall 0. Recall is averaged over pages whose gold text has shingles.
    """
    precisions = [_page_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_page_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": _harmonic(precision, recall),
        "accuracy": statistics.fmean(exact) if exact else 0.0,
    }


def bootstrap_std(metric: Callable[[Sequence[int]], dict], n_pages: int) -> dict:
    """Std of each figure of ``metric`` over resamples of page indices (seeded, repeatable)."""
    rng = random.Random(0)
    samples: dict[str, list[float]] = {}
    for _ in range(BOOTSTRAP_SAMPLES):
        indices = [rng.randrange(n_pages) for _ in range(n_pages)]
        for name, value in metric(indices).items():
            samples.setdefault(name, []).append(value)
    return {name: statistics.stdev(values) for name, values in samples.items()}


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def snippet_counts(item: dict, output: str | None) -> tuple[int, int, int, int]:
    """TP, FP, FN, TN of one page: "with" snippets found, "without" snippets found, etc."""
    text = normalise_space(output) if isinstance(output, str) else None
    found = sum(normalise_space(s) in text for s in item["with"]) if text is not None else 0
    leaked = sum(normalise_space(s) in text for s in item["without"]) if text is not None else 0
    return found, leaked, len(item["with"]) - found, len(item["without"]) - leaked


def confusion_metrics(tp: int, fp: int, fn: int, tn: int) -> dict:
    """Micro-averaged precision, recall, accuracy and F1 from summed counts."""
    total = tp + fp + fn + tn
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "accuracy": (tp + tn) / total if total else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
    }


def date_counts(gold: Any, predicted: str | None) -> tuple[int, int, int, int]:
    """htmldate's scoring: TP exact date, FP another date, FN no date; TN is always 0 here.

    Five mediacloud entries have ``NaN`` (a float, not null) as their gold date; as in
    htmldate's own evaluation they can never match, so they are a miss for every extractor.
    """
    if predicted is None:
        return 0, 0, 1, 0
    return (1, 0, 0, 0) if predicted == gold else (0, 1, 0, 0)


def _harmonic(a: float, b: float) -> float:
    return 2 * a * b / (a + b) if a + b else 0.0


def _sum_counts(rows: Sequence[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(sum(column) for column in zip(*rows, strict=True)) if rows else (0, 0, 0, 0)


# --- corpora --------------------------------------------------------------------------------


def zyte_pages(corpora: Path, limit: int | None) -> list[Page]:
    """article-extraction-benchmark: html/<id>.html.gz read as UTF-8 text, as its runners do."""
    root = corpora / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:limit]
    return [Page(key, read_gz(root / "html" / f"{key}.html.gz").decode("utf-8"),
                 truth[key]["articleBody"]) for key in keys]


def evaluate_zyte(corpora: Path, limit: int | None, through_ingest: bool = False) -> dict:
    pages = zyte_pages(corpora, limit)
    project = (ingest_texts(ingest_pages(pages)) if through_ingest
               else run_extractor("project", project_text, pages))
    runs = [project,
            run_extractor("trafilatura.extract()", trafilatura_default, pages)]
    return {"pages": len(pages), "runs": {run.name: _zyte_figures(pages, run) for run in runs}}


def _zyte_figures(pages: Sequence[Page], run: Run) -> dict:
    counts = [shingle_counts(p.gold, out) for p, out in zip(pages, run.outputs, strict=True)]
    exact = [tokens(p.gold) == tokens(out) for p, out in zip(pages, run.outputs, strict=True)]

    def metric(indices: Sequence[int]) -> dict:
        return zyte_metrics([counts[i] for i in indices], [exact[i] for i in indices])

    return {
        **metric(range(len(pages))),
        "std": bootstrap_std(metric, len(pages)) if len(pages) > 1 else {},
        **_run_summary(run),
        "per_page": {p.key: {"precision": _page_precision(*c) if c[0] + c[1] else None,
                             "recall": _page_recall(*c), "exact": e}
                     for p, c, e in zip(pages, counts, exact, strict=True)},
    }


def trafilatura_eval_pages(corpora: Path, limit: int | None) -> list[Page]:
    """trafilatura's evaluation set: pages from cache/ first, then eval/; raw bytes, as there."""
    root = corpora / "trafilatura-eval"
    evaldata = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, item in list(evaldata.items())[:limit]:
        path = _first_existing(root / sub / f"{item['file']}.gz" for sub in ("cache", "eval"))
        pages.append(Page(url, read_gz(path), item))
    return pages


def evaluate_trafilatura(corpora: Path, limit: int | None, through_ingest: bool = False
                         ) -> dict:
    pages = trafilatura_eval_pages(corpora, limit)
    project = (ingest_texts(ingest_pages(pages)) if through_ingest
               else run_extractor("project", project_text, pages))
    runs = [project,
            run_extractor("trafilatura.extract(eval settings)", trafilatura_eval_settings, pages)]
    result: dict[str, Any] = {"pages": len(pages), "runs": {}}
    for run in runs:
        rows = [snippet_counts(p.gold, out) for p, out in zip(pages, run.outputs, strict=True)]
        result["runs"][run.name] = {
            **confusion_metrics(*_sum_counts(rows)),
            **_run_summary(run),
            "per_page": {p.key: row for p, row in zip(pages, rows, strict=True)},
        }
    return result


def htmldate_pages(corpora: Path, limit: int | None) -> list[Page]:
    """htmldate's benchmark (mediacloud then default set), decoded the way its harness does.

    A file is looked up in test_set/, cache/, eval/, then in the map of pages shared with
    trafilatura-eval, whose targets are written relative to the parent of the corpora folder
    ("corpora/trafilatura-eval/..."): they are resolved against ``corpora`` minus that prefix.
    """
    root = corpora / "htmldate-eval"
    shared = json.loads((root / "shared_with_trafilatura-eval.json").read_text(encoding="utf-8"))
    entries: dict[str, dict] = {}
    for name in ("eval_mediacloud_2020.json", "eval_default.json"):
        entries.update(json.loads((root / name).read_text(encoding="utf-8")))
    pages = []
    for url, item in list(entries.items())[:limit]:
        subdirs = ("test_set", "cache", "eval")
        candidates = [root / sub / f"{item['file']}.gz" for sub in subdirs]
        candidates += [corpora.joinpath(*Path(shared[f"{sub}/{item['file']}"]).parts[1:])
                       for sub in subdirs if f"{sub}/{item['file']}" in shared]
        pages.append(Page(url, decode_file(read_gz(_first_existing(candidates))), item["date"]))
    return pages


def evaluate_htmldate(corpora: Path, limit: int | None, through_ingest: bool = False) -> dict:
    pages = htmldate_pages(corpora, limit)
    project = (ingest_dates(ingest_pages(pages)) if through_ingest
               else run_extractor("project", project_date, pages))
    runs = [project,
            run_extractor("htmldate.find_date(extensive)", htmldate_extensive, pages),
            # timed only, so the project's speed is also compared with bare trafilatura here
            run_extractor("trafilatura.extract()", trafilatura_default, pages)]
    project, baseline, timed_only = runs
    guesses = [g or DateGuess(None, "crashed") for g in project.outputs]
    return {
        "pages": len(pages),
        "gold_not_a_date": sum(not isinstance(p.gold, str) for p in pages),
        "runs": {project.name: _date_figures(pages, project, [g.day for g in guesses]),
                 baseline.name: _date_figures(pages, baseline, baseline.outputs),
                 "project published_at (UTC date)": _date_figures(
                     pages, project, [g.utc_day for g in guesses]),
                 timed_only.name: _run_summary(timed_only)},
        "by_project_source": _accuracy_by_source(pages, guesses, baseline.outputs),
    }


def _date_figures(pages: Sequence[Page], run: Run, days: Sequence[str | None]) -> dict:
    rows = [date_counts(p.gold, day) for p, day in zip(pages, days, strict=True)]
    return {
        **confusion_metrics(*_sum_counts(rows)),
        "off_by_one_day": sum(_one_day_apart(p.gold, d) for p, d in zip(pages, days, strict=True)),
        **_run_summary(run),
        "no_output": sum(day is None for day in days),  # no date, whatever the reason
        "per_page": {p.key: day for p, day in zip(pages, days, strict=True)},
    }


def _accuracy_by_source(pages: Sequence[Page], guesses: Sequence[DateGuess],
                        baseline: Sequence[str | None]) -> dict:
    """Project and htmldate accuracy on the pages grouped by where the project took its date."""
    groups: dict[str, list[int]] = {}
    for i, guess in enumerate(guesses):
        groups.setdefault(guess.source or "none", []).append(i)

    def accuracy(days: Sequence[str | None], indices: list[int]) -> float:
        return sum(days[i] == pages[i].gold for i in indices) / len(indices)

    project = [g.day for g in guesses]
    return {source: {"pages": len(indices), "project": accuracy(project, indices),
                     "htmldate": accuracy(baseline, indices)}
            for source, indices in sorted(groups.items())}


def _one_day_apart(gold: Any, predicted: str | None) -> bool:
    if predicted is None or not isinstance(gold, str):
        return False
    return abs((date.fromisoformat(predicted) - date.fromisoformat(gold)).days) == 1


def _first_existing(paths: Iterable[Path]) -> Path:
    paths = list(paths)
    for path in paths:
        if path.is_file():
            return path
    raise SystemExit(f"page not found; looked at: {', '.join(map(str, paths))}")


def _run_summary(run: Run) -> dict:
    return {"pages_per_second": run.pages_per_second(), "seconds": run.seconds,
            "no_output": sum(out is None for out in run.outputs), "crashes": run.crashes}


# --- report ---------------------------------------------------------------------------------

CORPORA = {
    "zyte": evaluate_zyte,
    "trafilatura": evaluate_trafilatura,
    "htmldate": evaluate_htmldate,
}

PUBLISHED = {
    ("zyte", "f1"): "0.955 bare trafilatura 2.3.1; best 0.970",
    ("trafilatura", "f1"): "0.924 (trafilatura 2.2.0)",
    ("htmldate", "accuracy"): "0.903 (extensive)",
}

TITLES = {
    "zyte": "Zyte article-extraction-benchmark",
    "trafilatura": "trafilatura eval set",
    "htmldate": "htmldate benchmark",
}

FIGURES = {
    "zyte": ("precision", "recall", "f1", "accuracy"),
    "trafilatura": ("precision", "recall", "accuracy", "f1"),
    "htmldate": ("accuracy", "precision", "recall", "f1"),
}


def markdown_table(results: dict) -> str:
    lines = ["| corpus (pages) | figure | project | baseline | baseline is | published |",
             "|---|---|---|---|---|---|"]
    for corpus, result in results.items():
        project, baseline, *others = result["runs"].items()
        title = f"{TITLES[corpus]} ({result['pages']})"
        for figure in FIGURES[corpus]:
            lines.append(f"| {title} | {figure} | {_figure(project[1], figure)} | "
                         f"{_figure(baseline[1], figure)} | `{baseline[0]}` | "
                         f"{PUBLISHED.get((corpus, figure), '')} |")
        for name, figures in (baseline, *others):
            lines.append(f"| {title} | pages/s | {project[1]['pages_per_second']:.1f} | "
                         f"{figures['pages_per_second']:.1f} | `{name}` | |")
    return "\n".join(lines)


def _figure(figures: dict, name: str) -> str:
    std = figures.get("std", {}).get(name)
    return f"{figures[name]:.3f} ± {std:.3f}" if std is not None else f"{figures[name]:.3f}"


def notes(results: dict) -> str:
    lines = []
    for corpus, result in results.items():
        for name, figures in result["runs"].items():
            extra = (f", {figures['off_by_one_day']} dates one day off"
                     if "off_by_one_day" in figures else "")
            if "accuracy" in figures:
                extra += f", accuracy {figures['accuracy']:.3f}"
            lines.append(f"- {TITLES[corpus]}, `{name}`: no output on {figures['no_output']} "
                         f"page(s), {figures['crashes']} crash(es), "
                         f"{figures['seconds']:.1f} s of extraction{extra}")
        if result.get("gold_not_a_date"):
            lines.append(f"- {TITLES[corpus]}: {result['gold_not_a_date']} gold date(s) are NaN "
                         "and count as a miss for every extractor, as in htmldate's evaluation")
        for source, row in result.get("by_project_source", {}).items():
            lines.append(f"  - pages where the project's date came from `{source}` "
                         f"({row['pages']}): project {row['project']:.3f}, "
                         f"htmldate {row['htmldate']:.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, required=True,
                        help="the corpora folder (the one holding SOURCES.md)")
    parser.add_argument("--only", choices=sorted(CORPORA), help="run a single corpus")
    parser.add_argument("--limit", type=int, help="first N pages of each corpus (quick runs)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here")
    parser.add_argument("--through-ingest", action="store_true",
                        help="score what `newsflow ingest` stores (articles.text, "
                             "published_date) instead of extract_page's output")
    args = parser.parse_args(argv)
    if not (args.corpora / "SOURCES.md").is_file():
        parser.error(f"{args.corpora} has no SOURCES.md; point --corpora at the corpora folder")
    # Both libraries log a warning for each page they discard; the table says how many.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)

    started = time.perf_counter()
    results = {}
    for corpus, evaluate in CORPORA.items():
        if args.only in (None, corpus):
            print(f"running {TITLES[corpus]} ...", file=sys.stderr, flush=True)
            results[corpus] = evaluate(args.corpora, args.limit, args.through_ingest)
    elapsed = time.perf_counter() - started

    print(markdown_table(results))
    print()
    print(notes(results))
    print(f"\ntrafilatura {trafilatura.__version__}, htmldate {htmldate.__version__}; "
          f"total run time {elapsed:.0f} s")
    if args.json:
        versions = {"trafilatura": trafilatura.__version__, "htmldate": htmldate.__version__}
        args.json.write_text(json.dumps({"versions": versions, "run_seconds": elapsed,
                                         "limit": args.limit, "corpora": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
