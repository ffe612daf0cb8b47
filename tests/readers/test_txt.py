from datetime import UTC, datetime

import pytest

from pipeline.readers import read_file
from pipeline.readers.txt import parse_txt_article
from pipeline.records import ItemFailure, RawArticle
from tests.conftest import CASES, SEED_ARTICLE, SEEDS


def _read_one(path):
    items = list(read_file(path, max_bytes=10_000_000))
    assert len(items) == 1
    return items[0]


def test_seed_article_layout():
    article = _read_one(SEED_ARTICLE)
    assert isinstance(article, RawArticle)
    assert article.title == ("Chinese Foreign Minister Wang Yi travels to Russia for "
                             "discussions on security matters.")
    assert article.published_at == datetime(2024, 9, 20, tzinfo=UTC)
    assert article.published_at_source == "dateline"
    assert article.image == "HN9XqUMiCP8pEQf.png"
    assert article.text.startswith("China's top diplomat, Wang Yi, is currently in Russia")
    assert article.text.endswith("remain under close observation.")
    assert article.source_uri == SEED_ARTICLE.resolve().as_uri()


def test_seed_without_image_line():
    article = _read_one(SEEDS / "003_armenia_azerbaijan_brussels_talks.txt")
    assert article.image is None
    assert article.published_at == datetime(2023, 11, 22, tzinfo=UTC)
    assert article.title and not article.title.endswith(".png")


def test_file_without_dateline_keeps_title_and_no_date():
    article = _read_one(CASES / "txt" / "no_dateline.txt")
    assert article.published_at is None
    assert article.title == "Ghana and Togo sign a maritime boundary accord"
    assert article.text.startswith("The governments of Ghana and Togo")


def test_crlf_file_and_weekday_first_dateline():
    article = _read_one(CASES / "txt" / "crlf_dateline.txt")
    assert article.published_at == datetime(2024, 1, 9, tzinfo=UTC)
    assert article.title == "Chile recalls ambassador from Venezuela"
    assert "\r" not in article.text


def test_a_single_paragraph_is_body_not_title():
    article = parse_txt_article("Leaders met in Paris.", source_uri="file:///x.txt")
    assert article.title is None
    assert article.text == "Leaders met in Paris."


@pytest.mark.parametrize(("name", "error_type", "reason"), [
    ("empty.txt", "EmptyInput", "file is empty"),
    ("binary.txt", "BinaryInput", "binary"),
    ("invalid_utf8.txt", "InvalidEncoding", "not valid UTF-8: byte 0xfc"),
], ids=["empty", "binary", "invalid-utf8"])
def test_bad_text_files_fail_with_a_reason(name, error_type, reason):
    failure = _read_one(CASES / "bad" / name)
    assert isinstance(failure, ItemFailure)
    assert failure.stage == "read"
    assert failure.error_type == error_type
    assert reason in failure.message


def test_oversized_file_is_refused_before_reading():
    items = list(read_file(SEED_ARTICLE, max_bytes=100))
    assert isinstance(items[0], ItemFailure)
    assert items[0].error_type == "FileTooLarge"
