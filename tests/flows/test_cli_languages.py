"""The CLI counts articles in languages the NLP stage does not read: in the ingest summary,
and in ``newsflow stats`` with mentions per language."""

import json

from tests.flows.test_cli import run
from tests.test_languages import ENGLISH, GERMAN


def test_ingest_summary_and_stats_count_articles_by_language(tmp_path):
    wire = tmp_path / "wire.jsonl"
    wire.write_text("".join(json.dumps({"url": f"https://wire.example/{i}", "text": text}) + "\n"
                            for i, text in enumerate([ENGLISH, GERMAN])), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'cli.db'}"

    ingest = run("ingest", str(wire), "--db", db, "--no-progress", cwd=tmp_path)

    assert ingest.returncode == 0, ingest.stderr
    assert "not analysed (language)" in ingest.stdout and "de 1" in ingest.stdout
    stats = run("stats", "--db", db, cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    assert "not read by the NLP stage (languages: en): de 1" in stats.stdout
    assert "de 1 (0)" in stats.stdout  # one German article, no mentions
