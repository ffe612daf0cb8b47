import os

import pytest

from pipeline.settings import load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    for key in ("NEWSFLOW_DATABASE_URL", "NEWSFLOW_BATCH_SIZE", "NEWSFLOW_CONFIG",
                "NEWSFLOW_SPACY_MODEL", "NEWSFLOW_NLP_PROCESSES"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)


def test_defaults():
    settings = load_settings()
    assert settings.database_url == "sqlite:///newsflow.db"
    assert settings.batch_size == 200
    assert settings.spacy_model is None
    assert settings.nlp_processes == len(os.sched_getaffinity(0))  # every core it may use


def test_file_then_environment_then_explicit(monkeypatch, tmp_path):
    (tmp_path / "newsflow.toml").write_text(
        'database_url = "sqlite:///from-file.db"\nbatch_size = 7\nspacy_model = "file_model"\n')
    assert load_settings().database_url == "sqlite:///from-file.db"
    monkeypatch.setenv("NEWSFLOW_DATABASE_URL", "sqlite:///from-env.db")
    settings = load_settings()
    assert (settings.database_url, settings.batch_size) == ("sqlite:///from-env.db", 7)
    settings = load_settings(database_url="sqlite:///from-flag.db", batch_size=None)
    assert (settings.database_url, settings.batch_size) == ("sqlite:///from-flag.db", 7)


def test_config_file_named_by_environment(monkeypatch, tmp_path):
    path = tmp_path / "elsewhere.toml"
    path.write_text("nlp_processes = 2\n")
    monkeypatch.setenv("NEWSFLOW_CONFIG", str(path))
    assert load_settings().nlp_processes == 2


def test_invalid_values_are_refused(monkeypatch):
    monkeypatch.setenv("NEWSFLOW_BATCH_SIZE", "0")
    with pytest.raises(ValueError, match="batch_size"):
        load_settings()
