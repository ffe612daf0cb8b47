"""Files streamed through the worker pool, untracked (what `newsflow ingest` does without a
Prefect server): the same tables as the in-process flow under Prefect, a progress count that
moves article by article, and the files recorded for the next run."""

import os
import pty
import re
import shutil
import subprocess

import pytest

from flows.ingest import POOL_MIN_ITEMS, ingest_flow
from pipeline.nlp_pool import CHUNK
from pipeline.settings import Settings
from tests.conftest import SEEDS
from tests.flows.helpers import NEWSFLOW, cli_env
from tools.compare_outputs import compare

FILES = sorted(p for p in SEEDS.iterdir() if p.suffix == ".txt")


@pytest.fixture
def inbox(tmp_path):
    """POOL_MIN_ITEMS + 2 one-article files: the seed texts, each also with a line more."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for number in range(POOL_MIN_ITEMS + 2):
        seed = FILES[number % len(FILES)]
        text = seed.read_text(encoding="utf-8")
        if number >= len(FILES):
            text += f"\nOfficials said talks would resume in round {number}.\n"
        (folder / f"{number:02d}_{seed.name}").write_text(text, encoding="utf-8")
    shutil.copy2(SEEDS / "009_wire.jsonl", folder / "wire.jsonl")
    return folder


@pytest.mark.usefixtures("prefect_server")
def test_streamed_run_stores_what_the_flow_stores_and_moves_per_article(inbox, tmp_path,
                                                                         capsys):
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    streamed = f"sqlite:///{tmp_path / 'streamed.db'}"
    expected = ingest_flow([str(inbox)], settings=Settings(database_url=reference,
                                                           nlp_processes=1))
    seen: list[tuple[int, int]] = []
    summary = ingest_flow.fn([str(inbox)], settings=Settings(database_url=streamed,
                                                             nlp_processes=2),
                             progress=lambda _summary, done, total: seen.append((done, total)))
    counts = ("read", "new", "duplicate", "failed", "mentions", "events")
    assert [getattr(summary, c) for c in counts] == [getattr(expected, c) for c in counts]
    assert summary.new == len(FILES) + (POOL_MIN_ITEMS + 2 - len(FILES)) + 4
    assert compare(reference, streamed) == 0, capsys.readouterr().out

    total = POOL_MIN_ITEMS + 3
    assert all(t == total for _done, t in seen)
    done = [d for d, _t in seen]
    assert done == sorted(done) and done[-1] == total
    assert len(set(done)) >= total // CHUNK  # it moved chunk by chunk, not once per batch

    again = ingest_flow.fn([str(inbox)], settings=Settings(database_url=streamed,
                                                           nlp_processes=2))
    assert (again.unchanged_files, again.read) == (total, 0)


def test_the_progress_bar_moves_per_article_with_rate_and_eta(inbox, tmp_path):
    """On a terminal: the count moves while the run goes (not once at the end), with a rate
    and an ETA, and no Prefect banner in between."""
    primary, replica = pty.openpty()
    env = cli_env(COLUMNS="200", TERM="xterm")
    process = subprocess.Popen([str(NEWSFLOW), "ingest", str(inbox), "--db",
                                f"sqlite:///{tmp_path / 'bar.db'}"], stdout=subprocess.PIPE,
                               stderr=replica, env=env)
    os.close(replica)
    screen = b""
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # the other side closed
            break
        if not data:
            break
        screen += data
    process.wait(timeout=600)
    os.close(primary)
    text = screen.decode("utf-8", "replace")
    assert process.returncode == 0, text
    counts = {int(n) for n in re.findall(r"(\d+)/19\b", text)}
    assert 19 in counts and any(0 < n < 19 for n in counts), text[-2000:]  # moved on the way
    assert "/s" in text and "ETA" in text
    assert "prefect" not in text.lower()
