"""The coder's word lists: every list the code names is in the data, and nothing else is."""

from __future__ import annotations

import shutil
from importlib import resources

import pytest

from pipeline.events.wordlists import TABLES_FILE, WORDS_FILE, WordLists

DATA = resources.files("pipeline.events") / "data"


@pytest.fixture
def data_copy(tmp_path):
    for name in (WORDS_FILE, TABLES_FILE):
        shutil.copy(str(DATA / name), tmp_path / name)
    return tmp_path


def test_packaged_lists_load():
    words = WordLists.load()
    assert "hold" in words.light_verbs
    assert words.intent_by_root["04"] == "036"
    assert words.group_sizes["both"] == 2


def test_a_missing_list_is_an_error(data_copy):
    path = data_copy / WORDS_FILE
    kept = [line for line in path.read_text().splitlines()
            if not line.startswith("light_verbs\t")]
    path.write_text("\n".join(kept) + "\n")
    with pytest.raises(ValueError, match="light_verbs"):
        WordLists.load(data_copy)


def test_an_unknown_list_is_an_error(data_copy):
    with (data_copy / WORDS_FILE).open("a") as handle:
        handle.write("ligth_verbs\thold\n")
    with pytest.raises(ValueError, match="ligth_verbs"):
        WordLists.load(data_copy)


def test_a_malformed_line_names_its_place(data_copy):
    with (data_copy / TABLES_FILE).open("a") as handle:
        handle.write("joint_roots\n")
    with pytest.raises(ValueError, match=r"code_tables\.tsv:\d+"):
        WordLists.load(data_copy)
