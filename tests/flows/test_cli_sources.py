"""``newsflow sources`` and ``newsflow backfill`` as a user types them."""

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from flows.cli import app
from pipeline.db import schema
from pipeline.db.engine import make_engine
from pipeline.db.migrate import ensure_schema
from tests.conftest import SEEDS

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_add_list_remove(sqlite_url, tmp_path):
    added = invoke("sources", "add", "wire", "--feed", "https://example.com/rss.xml",
                   "--db", sqlite_url)
    assert added.exit_code == 0
    assert "every 15m" in added.output
    assert invoke("sources", "add", "local", "--path", str(SEEDS), "--schedule", "0 5 * * *",
                  "--db", sqlite_url).exit_code == 0
    listing = invoke("sources", "list", "--db", sqlite_url)
    assert "wire" in listing.output and "0 5 * * *" in listing.output
    assert invoke("sources", "remove", "wire", "--db", sqlite_url).exit_code == 0
    with make_engine(sqlite_url).connect() as connection:
        names = connection.execute(select(schema.Source.name)).scalars().all()
    assert names == ["local"]


@pytest.mark.parametrize(("args", "message"), [
    (["sources", "add", "x"], "exactly one of --feed"),
    (["sources", "add", "x", "--feed", "https://e.com/a", "--path", "."], "exactly one of"),
    (["sources", "add", "x", "--feed", "https://e.com/a", "--schedule", "often"],
     "not a schedule"),
    (["sources", "remove", "nothing"], "no source named 'nothing'"),
    (["backfill", "nothing", "--start", "2024-01-01", "--end", "2024-01-02"],
     "no source named 'nothing'"),
], ids=["no-kind", "two-kinds", "bad-schedule", "remove-unknown", "backfill-unknown"])
def test_mistakes_are_one_line_errors(sqlite_url, args, message):
    ensure_schema(make_engine(sqlite_url))
    result = runner.invoke(app, [*args, "--db", sqlite_url])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


@pytest.mark.usefixtures("prefect_server")
def test_backfill_of_a_directory_prints_its_ledger_and_a_rerun_does_nothing(sqlite_url,
                                                                            tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("001_seoul_washington_joint_drills.txt", "002_scholz_hosts_lula_berlin.txt"):
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    invoke("sources", "add", "local", "--path", str(folder), "--db", sqlite_url)
    args = ["backfill", "local", "--start", "2023-01-01", "--end", "2023-12-31", "--window",
            "26w", "--db", sqlite_url]

    first = invoke(*args)
    again = invoke(*args)

    assert first.exit_code == 0, first.output
    assert "2 windows, 2 done, 0 failed, 0 done before" in first.output
    assert "2 windows, 0 done, 0 failed, 2 done before" in again.output
    with make_engine(sqlite_url).connect() as connection:
        loaded = connection.execute(select(schema.Article.source_uri,
                                           schema.Article.source_id)).all()
    assert sorted(uri.rsplit("/", 1)[1] for uri, _ in loaded) == [
        "001_seoul_washington_joint_drills.txt", "002_scholz_hosts_lula_berlin.txt"]
    assert {source_id for _, source_id in loaded} == {1}
