import pytest

from pipeline.errors import RunError
from pipeline.readers import discover_files, read_file
from pipeline.records import ItemFailure
from tests.conftest import SEEDS


def test_directories_are_walked_recursively_and_unsupported_files_listed(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("x")
    (tmp_path / "top.jsonl").write_text("{}")
    (tmp_path / "notes.md").write_text("#")
    (tmp_path / ".hidden.txt").write_text("x")
    found = discover_files([tmp_path])
    assert [p.name for p in found.files] == ["deep.txt", "top.jsonl"]
    assert [p.name for p in found.skipped] == ["notes.md"]


def test_the_same_file_named_twice_is_read_once():
    found = discover_files([SEEDS, SEEDS / "009_wire.jsonl"])
    assert len(found.files) == len(set(found.files))


def test_missing_path_is_a_run_error(tmp_path):
    with pytest.raises(RunError, match="does not exist"):
        discover_files([tmp_path / "nope"])


def test_explicit_unsupported_file_becomes_an_item_failure(tmp_path):
    path = tmp_path / "article.pdf"
    path.write_bytes(b"%PDF-1.4")
    found = discover_files([path])
    [failure] = list(read_file(found.files[0], max_bytes=1000))
    assert isinstance(failure, ItemFailure)
    assert failure.error_type == "UnsupportedFormat"
    assert ".jsonl" in failure.message
