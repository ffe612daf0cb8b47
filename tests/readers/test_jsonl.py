from datetime import UTC, datetime

from pipeline.readers import read_file
from pipeline.records import ItemFailure, RawArticle
from tests.conftest import CASES, SEEDS


def test_wire_file_text_and_html_records():
    items = list(read_file(SEEDS / "009_wire.jsonl", max_bytes=10_000_000))
    assert len(items) == 4
    assert all(isinstance(item, RawArticle) for item in items)
    assert [item.source_uri.rsplit("#", 1)[1] for item in items] == [
        "line=1", "line=2", "line=3", "line=4"]
    first = items[0]
    assert first.published_at == datetime(2023, 9, 12, 13, 45, tzinfo=UTC)
    assert first.published_at_source == "jsonl"
    assert first.source_name and first.url and first.url.startswith("https://")
    from_html = items[2]
    assert from_html.text and "<" not in from_html.text
    assert "Kurti" in from_html.text


def test_bad_lines_are_quarantined_and_good_lines_read():
    items = list(read_file(CASES / "bad" / "malformed.jsonl", max_bytes=10_000_000))
    articles = [i for i in items if isinstance(i, RawArticle)]
    failures = {i.source_uri.rsplit("#", 1)[1]: i for i in items if isinstance(i, ItemFailure)}
    assert [a.title for a in articles] == ["Kenya and Ethiopia agree on border trade"]
    assert set(failures) == {"line=2", "line=3", "line=4", "line=5"}
    assert failures["line=2"].error_type == "MalformedJSON"
    assert failures["line=2"].message.startswith("line 2: malformed JSON")
    assert "neither 'text' nor 'html'" in failures["line=3"].message
    assert "published_at" in failures["line=4"].message
    assert "expected a JSON object" in failures["line=5"].message


def test_a_record_without_a_date_takes_the_one_in_its_url():
    from pipeline.readers.jsonl import parse_jsonl_record

    record = parse_jsonl_record('{"url": "https://wire.example/2024/09/20/quake", "text": '
                                '"Quake hits coastal town; no deaths reported."}',
                                source_uri="file:///w.jsonl#line=1")
    assert (record.published_date.isoformat(), record.published_at_source) == (
        "2024-09-20", "url")
    dated = parse_jsonl_record('{"url": "https://wire.example/2024/09/20/quake", "text": "x", '
                               '"published_at": "2024-09-21T08:00:00Z"}', source_uri="u")
    assert dated.published_at_source == "jsonl"
