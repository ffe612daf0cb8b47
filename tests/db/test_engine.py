"""Database URLs checked before anything connects (connecting creates a SQLite file)."""

import pytest

from pipeline.db.engine import check_url, make_engine
from pipeline.errors import RunError


@pytest.mark.parametrize(("url", "reason"), [
    ("sqlite:///%00.db", "NUL"),
    ("postgresql://postgres@127.0.0.1:5432/%00x", "NUL"),
    ("postgresql://postgres@127.0.0.1:5432/", "name the database"),
    ("sqlite://x.db", "three slashes"),
    ("sqlite://", "names no database file"),
    ("sqlite:////etc/passwd", "is not a SQLite database"),
    ("sqlite:///{tmp}", "is a directory"),
    ("sqlite:///{tmp}/no/such/dir/x.db", "does not exist"),
], ids=["sqlite-nul", "postgres-nul", "postgres-no-name", "sqlite-host", "sqlite-nothing",
        "not-sqlite", "directory", "no-directory"])
def test_urls_that_cannot_work_are_refused_by_reason(url, reason, tmp_path):
    with pytest.raises(RunError, match=reason):
        check_url(url.replace("{tmp}", str(tmp_path)))


def test_a_reader_never_creates_the_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'nothere.db'}"
    with pytest.raises(RunError, match="no database at"):
        make_engine(url, must_exist=True)
    assert not (tmp_path / "nothere.db").exists()
    (tmp_path / "empty.db").touch()  # an empty file is a new database to SQLite
    assert check_url(f"sqlite:///{tmp_path / 'empty.db'}", must_exist=True).database
