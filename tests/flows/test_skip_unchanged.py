"""No work done twice: files loaded before and unchanged are skipped unread, stored content
skips the NLP, ``--force`` reads everything with the same result, and the summary says why."""

import os
import shutil
import subprocess

import pytest
from sqlalchemy import func, select, text, update

from flows.ingest import ingest_flow
from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.settings import Settings
from tests.conftest import CASES, SEEDS
from tests.flows.helpers import NEWSFLOW, cli_env

pytestmark = pytest.mark.usefixtures("prefect_server")

TABLES = (schema.Article, schema.Entity, schema.EntityAlias, schema.Mention, schema.Event,
          schema.ArticleUrl, schema.IngestError)


def _counts(engine):
    with engine.connect() as connection:
        return [connection.execute(select(func.count()).select_from(t)).scalar_one()
                for t in TABLES]


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("001_seoul_washington_joint_drills.txt",
                 "006_india_france_rafale_marine_deal.html", "009_wire.jsonl"):
        shutil.copy2(SEEDS / name, folder / name)
    return folder


def test_unchanged_files_are_skipped_unread_and_force_reads_them_again(inbox, sqlite_url):
    settings = Settings(database_url=sqlite_url, batch_size=2)
    first = ingest_flow([str(inbox)], settings=settings)
    assert (first.files, first.new, first.failed) == (3, 6, 0)
    engine = make_engine(sqlite_url)
    before = _counts(engine)

    again = ingest_flow([str(inbox)], settings=settings)
    assert (again.unchanged_files, again.same_digest_files, again.read, again.new) == (3, 0, 0, 0)
    assert "entities+events" not in again.stage_seconds
    assert _counts(engine) == before

    forced = ingest_flow([str(inbox)], settings=settings, force=True)
    assert (forced.unchanged_files, forced.read, forced.new) == (0, 6, 0)
    assert (forced.duplicate, forced.known_content) == (6, 6)  # read, but no NLP
    assert "entities+events" not in forced.stage_seconds
    assert _counts(engine) == before


def test_a_touched_file_is_skipped_by_its_digest_and_a_changed_one_read(inbox, sqlite_url):
    settings = Settings(database_url=sqlite_url)
    ingest_flow([str(inbox)], settings=settings)
    txt = inbox / "001_seoul_washington_joint_drills.txt"
    stat = txt.stat()
    os.utime(txt, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    touched = ingest_flow([str(inbox)], settings=settings)
    assert (touched.unchanged_files, touched.same_digest_files, touched.read) == (2, 1, 0)
    # the new modification time is remembered: the next run needs no digest
    assert ingest_flow([str(inbox)], settings=settings).unchanged_files == 3

    txt.write_text(txt.read_text(encoding="utf-8") + "\nOfficials in Seoul said the drills "
                   "would end on Thursday.\n", encoding="utf-8")
    changed = ingest_flow([str(inbox)], settings=settings)
    assert (changed.unchanged_files, changed.read, changed.new) == (2, 1, 1)


def test_a_file_with_a_failed_item_is_read_again(tmp_path, sqlite_url):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy2(SEEDS / "001_seoul_washington_joint_drills.txt", folder / "good.txt")
    bad = sorted((CASES / "bad").iterdir())[0]
    shutil.copy2(bad, folder / bad.name)
    settings = Settings(database_url=sqlite_url)
    first = ingest_flow([str(folder)], settings=settings)
    assert first.failed >= 1
    second = ingest_flow([str(folder)], settings=settings)
    assert second.unchanged_files == 1  # the good file
    assert second.failed == first.failed  # the bad one is tried again
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        attempts = connection.execute(select(func.max(schema.IngestError.attempts))).scalar_one()
    assert attempts == 2


def test_stored_content_skips_the_nlp_wherever_it_is_read_from(inbox, tmp_path, sqlite_url):
    settings = Settings(database_url=sqlite_url)
    ingest_flow([str(inbox)], settings=settings)
    copy = tmp_path / "copy"
    shutil.copytree(inbox, copy)  # other paths: not known as files, known by content
    summary = ingest_flow([str(copy)], settings=settings)
    assert (summary.read, summary.new, summary.known_content) == (6, 0, 6)
    assert "entities+events" not in summary.stage_seconds


def test_the_summary_says_what_was_skipped_and_points_to_reprocess(inbox, tmp_path):
    database = tmp_path / "cli.db"
    args = [str(NEWSFLOW), "ingest", str(inbox), "--db", f"sqlite:///{database}",
            "--no-progress"]
    first = subprocess.run(args, capture_output=True, text=True, env=cli_env(), timeout=600,
                           check=False)
    assert first.returncode == 0, first.stderr
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(update(schema.Article).values(pipeline_version="0.0.1+old"))
    again = subprocess.run(args, capture_output=True, text=True, env=cli_env(), timeout=600,
                           check=False)
    assert again.returncode == 0, again.stderr
    output = " ".join(again.stdout.split())
    assert "3 files unchanged (3 same size and modification time" in output
    assert "3 of the skipped files have rows from an older pipeline_version" in output
    assert "newsflow reprocess" in output
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM input_files")).scalar_one() == 3
