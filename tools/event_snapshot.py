"""Snapshot the event coder's output, and compare two snapshots.

A snapshot holds every event the coder finds in the seed articles (``seeds/``) and in each
sentence of the PLOVER development set, one JSON line per article or sentence. Comparing the
snapshot taken before a change with the one taken after shows what the change did. Sentences
of the development set's check half are compared as counts only, never printed: that half is
measured, not read (see ``pipeline/evaluation/plover.py``).

Usage (from the repository root)::

    .venv/bin/python tools/event_snapshot.py write /tmp/before.jsonl
    ... change the coder ...
    .venv/bin/python tools/event_snapshot.py write /tmp/after.jsonl
    .venv/bin/python tools/event_snapshot.py diff /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEV_SET = REPO.parent / "shared" / "corpora" / "plover-dev" / "plv-train.jsonl"


def _event_line(event: object) -> str:
    from pipeline.records import CodedEvent

    assert isinstance(event, CodedEvent)
    target = event.actor2.code if event.actor2 else "-"
    flags = ("neg " if event.negated else "") + event.modality
    return (f"{event.sentence_index}: {event.actor1.code} {event.cameo_code} {target} "
            f"[{flags}] via {event.trigger!r}")


def write(path: Path, seeds: Path, dev_set: Path) -> None:
    from pipeline.analysis import Analyzer
    from pipeline.evaluation.plover import half, load_rows
    from pipeline.readers import read_file
    from pipeline.records import RawArticle
    from pipeline.settings import Settings

    analyzer = Analyzer(Settings())
    lines = []
    for file in sorted(seeds.iterdir()):
        if file.suffix not in (".txt", ".html", ".jsonl") or file.name == "README.md":
            continue
        raws = [r for r in read_file(file, max_bytes=50_000_000) if isinstance(r, RawArticle)]
        for analysed in analyzer.analyse_raw(raws):
            key = analysed.article.raw.source_uri.rsplit("/", 1)[-1]
            lines.append({"key": f"seeds/{key}", "half": "seeds",
                          "events": [_event_line(e) for e in analysed.events]})
    if dev_set.exists():
        rows = load_rows(dev_set)
        texts = {row.sentence_id: row.text for row in rows}
        raws = [RawArticle(source_uri=f"plover:{sid}", format="plover", text=text)
                for sid, text in texts.items()]
        for start in range(0, len(raws), 256):
            for analysed in analyzer.analyse_raw(raws[start:start + 256]):
                sid = analysed.article.raw.source_uri.removeprefix("plover:")
                lines.append({"key": f"plover/{sid}", "half": half(sid),
                              "events": [_event_line(e) for e in analysed.events]})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    print(f"{path}: {len(lines)} articles/sentences, "
          f"{sum(len(line['events']) for line in lines)} events")


def diff(before: Path, after: Path) -> int:
    def load(path: Path) -> dict[str, dict]:
        return {d["key"]: d for d in map(json.loads, path.read_text().splitlines())}

    old, new = load(before), load(after)
    changed: Counter[str] = Counter()
    gained: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for key in sorted(old.keys() | new.keys()):
        a = Counter(old.get(key, {}).get("events", []))
        b = Counter(new.get(key, {}).get("events", []))
        if a == b:
            continue
        group = (old.get(key) or new[key])["half"]
        changed[group] += 1
        gained[group] += sum((b - a).values())
        lost[group] += sum((a - b).values())
        if group == "check":
            continue  # measured, never read
        print(f"== {key}")
        for line in sorted((a - b).elements()):
            print(f"  - {line}")
        for line in sorted((b - a).elements()):
            print(f"  + {line}")
    for group in ("seeds", "tuning", "check"):
        print(f"{group}: {changed[group]} changed, {gained[group]} events gained, "
              f"{lost[group]} lost")
    return 1 if changed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="code the seeds and the dev set, write a snapshot")
    w.add_argument("out", type=Path)
    w.add_argument("--seeds", type=Path, default=REPO / "seeds")
    w.add_argument("--dev-set", type=Path, default=DEV_SET)
    d = sub.add_parser("diff", help="compare two snapshots (check half: counts only)")
    d.add_argument("before", type=Path)
    d.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        write(args.out, args.seeds, args.dev_set)
        return 0
    return diff(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
