"""newsflow export on SQLite and PostgreSQL: GDELT 2.0 files that load as GDELT's, our own
columns as CSV, Parquet and JSON Lines, windows on ingested_at, cursors, sources."""

import csv
import gzip
import io
import json
from datetime import UTC, date, datetime, timedelta

import pyarrow.parquet as pq
import pytest
from sqlalchemy import bindparam, text

from pipeline.analyst.export import ExportRequest, export
from pipeline.analyst.gdelt import EVENT_COLUMNS, MENTION_COLUMNS, fraction_date
from pipeline.db.schema import UTCDateTime
from pipeline.errors import RunError
from pipeline.load import load_articles
from pipeline.reprocess import (
    Selection,
    match_analysis,
    pending_batches,
    prepare_batch,
    replace_batch,
    settle,
)
from pipeline.runs import finish_run, start_run


def _scalar(engine, sql, **params):
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()


def _gdelt(path):
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def _export(engine, tmp_path, kind, format_, name=None, **options):
    out = tmp_path / (name or f"{kind}.{format_}")
    result = export(engine, ExportRequest(kind, format_, str(out), **options))
    return result, out


def test_gdelt_events_have_61_valid_fields_one_row_per_cluster(seeds_db, tmp_path):
    engine = seeds_db.engine
    result, out = _export(engine, tmp_path, "events", "gdelt")
    rows = _gdelt(out)
    assert result.rows == len(rows) == _scalar(engine, "SELECT COUNT(*) FROM event_clusters")
    codes = {code for (code,) in _rows(engine, "SELECT code FROM cameo_codes")}
    countries = {code for (code,) in _rows(engine, "SELECT cameo_code FROM countries")}
    for row in rows:
        fields = dict(zip(EVENT_COLUMNS, row, strict=True))
        assert len(row) == 61
        day = datetime.strptime(fields["SQLDATE"], "%Y%m%d").date()
        assert fields["MonthYear"] == f"{day:%Y%m}" and fields["Year"] == f"{day:%Y}"
        assert fields["FractionDate"] == fraction_date(day)
        assert fields["EventCode"] in codes
        assert fields["EventBaseCode"] in codes and fields["EventRootCode"] in codes
        assert fields["EventCode"].startswith(fields["EventBaseCode"])
        assert fields["QuadClass"] in {"1", "2", "3", "4"}
        assert -10 <= float(fields["GoldsteinScale"]) <= 10
        assert fields["SOURCEURL"]
        assert datetime.strptime(fields["DATEADDED"], "%Y%m%d%H%M%S")
        assert int(fields["NumMentions"]) >= int(fields["NumArticles"]) >= 1
        assert fields["Actor1Code"], "every event has a doer"
        for n in (1, 2):
            country = fields[f"Actor{n}CountryCode"]
            assert country == "" or country in countries or country in {"WST", "EUR"}
        assert all(value == "" for value in row[35:59]), "no geography yet"
    ids = [int(row[0]) for row in rows]
    assert ids == sorted(set(ids))
    kosovo = [row for row in rows if row[5].startswith("KSV")]
    assert kosovo and all(row[7] == "KSV" for row in kosovo), "CAMEO codes, not ISO XKX"


def _rows(engine, sql):
    with engine.connect() as connection:
        return connection.execute(text(sql)).all()


def test_gdelt_mentions_have_16_fields_and_join_the_events(seeds_db, tmp_path):
    engine = seeds_db.engine
    _, events_out = _export(engine, tmp_path, "events", "gdelt")
    result, out = _export(engine, tmp_path, "event-mentions", "gdelt")
    events = {row[0]: row for row in _gdelt(events_out)}
    mentions = _gdelt(out)
    assert result.rows == len(mentions) == _scalar(
        engine, "SELECT COUNT(*) FROM events WHERE cluster_id IS NOT NULL")
    per_event: dict[str, int] = {}
    for row in mentions:
        fields = dict(zip(MENTION_COLUMNS, row, strict=True))
        assert fields["GLOBALEVENTID"] in events
        per_event[fields["GLOBALEVENTID"]] = per_event.get(fields["GLOBALEVENTID"], 0) + 1
        assert fields["EventTimeDate"] == events[fields["GLOBALEVENTID"]][59]
        assert fields["EventTimeDate"] <= fields["MentionTimeDate"]
        web = fields["MentionIdentifier"].startswith("https://")
        assert fields["MentionType"] == ("1" if web else "2")
        if web:
            assert fields["MentionSourceName"].endswith(".example")
        assert int(fields["SentenceID"]) >= 1
        assert 0 <= int(fields["Confidence"]) <= 100 and int(fields["MentionDocLen"]) > 0
        assert fields["InRawText"] == "1"
        for offset in ("Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset"):
            assert fields[offset] == "" or int(fields[offset]) >= 0
    assert per_event == {event_id: int(row[31]) for event_id, row in events.items()}, \
        "NumMentions is the number of mention rows"
    offsets = [row for row in mentions if row[9]]
    assert len(offsets) > len(mentions) / 2, "most triggers are found in their sentence"


@pytest.mark.parametrize("kind", ["events", "event-mentions", "articles", "entities",
                                  "mentions"])
def test_csv_parquet_and_jsonl_carry_the_same_rows(seeds_db, tmp_path, kind):
    engine = seeds_db.engine
    csv_result, csv_out = _export(engine, tmp_path, kind, "csv")
    parquet_result, parquet_out = _export(engine, tmp_path, kind, "parquet")
    jsonl_result, jsonl_out = _export(engine, tmp_path, kind, "jsonl")
    with csv_out.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    table = pq.read_table(parquet_out)
    lines = [json.loads(line) for line in jsonl_out.read_text(encoding="utf-8").splitlines()]
    expected = _scalar(engine, {
        "events": "SELECT COUNT(*) FROM event_clusters",
        "event-mentions": "SELECT COUNT(*) FROM events",
        "articles": "SELECT COUNT(*) FROM articles",
        "entities": "SELECT COUNT(DISTINCT entity_id) FROM mentions",
        "mentions": "SELECT COUNT(*) FROM mentions"}[kind])
    assert csv_result.rows == parquet_result.rows == jsonl_result.rows == expected
    assert len(records) == table.num_rows == len(lines) == expected
    assert list(records[0]) == table.column_names == list(lines[0])
    first = table.column_names[0]
    assert [int(r[first]) for r in records] == table.column(first).to_pylist() == [
        line[first] for line in lines]


def test_parquet_types_are_dates_utc_timestamps_and_booleans(seeds_db, tmp_path):
    _, out = _export(seeds_db.engine, tmp_path, "event-mentions", "parquet")
    schema = pq.read_schema(out)
    assert str(schema.field("event_date").type) == "date32[day]"
    assert str(schema.field("ingested_at").type) == "timestamp[us, tz=UTC]"
    assert str(schema.field("negated").type) == "bool"
    assert str(schema.field("goldstein").type) == "double"
    table = pq.read_table(out)
    assert isinstance(table.column("event_date").to_pylist()[0], date)
    assert sum(table.column("negated").to_pylist()) == _scalar(
        seeds_db.engine, "SELECT COUNT(*) FROM events WHERE negated")


def test_source_keeps_a_cluster_when_any_of_its_articles_is_from_it(seeds_db, tmp_path):
    engine = seeds_db.engine
    result, out = _export(engine, tmp_path, "events", "gdelt", source="wire")
    exported = {int(row[0]) for row in _gdelt(out)}
    expected = {cluster for (cluster,) in _rows(engine, """
        SELECT DISTINCT e.cluster_id FROM events e JOIN articles a ON a.id = e.article_id
        JOIN sources s ON s.id = a.source_id
        WHERE s.name = 'wire' AND e.cluster_id IS NOT NULL""")}
    assert exported == expected and 0 < result.rows < _scalar(
        engine, "SELECT COUNT(*) FROM event_clusters")
    _, mentions_out = _export(engine, tmp_path, "event-mentions", "gdelt", source="wire")
    assert {int(row[0]) for row in _gdelt(mentions_out)} == exported
    # An outlet name works as well as a named source.
    _, outlet_out = _export(engine, tmp_path, "articles", "jsonl", source="The Global Wire")
    outlets = [json.loads(line)["outlet"] for line in outlet_out.read_text().splitlines()]
    assert outlets == ["The Global Wire"]


def test_an_unknown_source_is_a_clear_error_naming_the_known_ones(seeds_db, tmp_path):
    with pytest.raises(RunError, match=r"no source or outlet named 'nope' \(named sources: "
                                       r"wire; outlets: .*The Global Wire"):
        _export(seeds_db.engine, tmp_path, "events", "csv", source="nope")


def test_formats_and_kinds_that_do_not_go_together_are_refused(seeds_db, tmp_path):
    with pytest.raises(RunError, match="GDELT has no articles file"):
        _export(seeds_db.engine, tmp_path, "articles", "gdelt")
    with pytest.raises(RunError, match="Parquet cannot be written to standard output"):
        export(seeds_db.engine, ExportRequest("events", "parquet", "-"))
    with pytest.raises(RunError, match="no directory"):
        _export(seeds_db.engine, tmp_path, "events", "csv", name="missing/dir/out.csv")


def test_text_exports_stream_to_stdout_and_gzip(seeds_db, tmp_path):
    stream = io.StringIO()
    result = export(seeds_db.engine, ExportRequest("articles", "jsonl", "-"), stdout=stream)
    assert result.bytes is None and len(stream.getvalue().splitlines()) == result.rows > 0
    result, out = _export(seeds_db.engine, tmp_path, "mentions", "csv", name="m.csv.gz")
    with gzip.open(out, "rt", encoding="utf-8") as handle:
        assert len(handle.read().splitlines()) == result.rows + 1


def test_a_failed_export_leaves_no_file_behind(seeds_db, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "file").write_text("x")
    with pytest.raises(OSError):
        _export(seeds_db.engine, tmp_path, "events", "csv", name="taken")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def _set_ingested(engine, when, where):
    statement = text(f"UPDATE articles SET ingested_at = :when WHERE {where}").bindparams(
        bindparam("when", type_=UTCDateTime()))
    with engine.begin() as connection:
        connection.execute(statement, {"when": when})


def test_since_and_until_split_by_ingested_at_without_gap_or_overlap(fresh_db, tmp_path):
    engine = fresh_db.engine
    early, late = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 3, 1, 12, tzinfo=UTC)
    _set_ingested(engine, early, "source_id IS NULL")
    _set_ingested(engine, late, "source_id IS NOT NULL")
    cut = datetime(2024, 3, 1, 12, tzinfo=UTC)
    before, _ = _export(engine, tmp_path, "event-mentions", "csv", name="b.csv", until=cut)
    after, _ = _export(engine, tmp_path, "event-mentions", "csv", name="a.csv", since=cut)
    everything = _scalar(engine, "SELECT COUNT(*) FROM events")
    assert before.rows + after.rows == everything and before.rows and after.rows
    wire_rows = _scalar(engine, "SELECT COUNT(*) FROM events e JOIN articles a "
                        "ON a.id = e.article_id WHERE a.source_id IS NOT NULL")
    assert after.rows == wire_rows
    # A cluster is exported once, in the window of its first report.
    _, f_out = _export(engine, tmp_path, "events", "gdelt", name="f", until=cut)
    _, s_out = _export(engine, tmp_path, "events", "gdelt", name="s", since=cut)
    ids = [row[0] for row in _gdelt(f_out) + _gdelt(s_out)]
    assert len(ids) == len(set(ids)) == _scalar(engine, "SELECT COUNT(*) FROM event_clusters")
    assert all(row[59] == "20240101000000" for row in _gdelt(f_out))
    assert all(row[59] == "20240301120000" for row in _gdelt(s_out))


def test_since_last_resumes_from_the_targets_cursor(fresh_db, tmp_path, analysed):
    engine = fresh_db.engine
    first, out = _export(engine, tmp_path, "articles", "jsonl", since="last")
    assert first.rows == _scalar(engine, "SELECT COUNT(*) FROM articles")
    again, _ = _export(engine, tmp_path, "articles", "jsonl", since="last")
    assert again.rows == 0 and again.window.since == first.window.until
    assert _scalar(engine, "SELECT rows FROM export_cursors WHERE target = :t",
                   t=first.target) == 0
    # Another target has its own cursor.
    other, _ = _export(engine, tmp_path, "articles", "jsonl", since="last", target="nightly")
    assert other.rows == first.rows
    # A newly loaded article is the only row of the next export.
    _set_ingested(engine, datetime(2020, 1, 1, tzinfo=UTC), "1 = 1")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM articles WHERE id = (SELECT MAX(id) FROM "
                                "articles WHERE duplicate_of IS NOT NULL)"))
    reloaded = load_articles(engine, analysed.wire[-1:], run_id=None,
                             pipeline_version=analysed.version)
    assert reloaded.new == 1
    new, out = _export(engine, tmp_path, "articles", "jsonl", since="last")
    assert new.rows == 1
    assert json.loads(out.read_text())["outlet"] == "Copy Desk"


def test_a_run_still_loading_holds_the_window_end_back(fresh_db, tmp_path, analysed):
    engine = fresh_db.engine
    now = datetime.now(UTC)
    running = start_run(engine, flow_name="ingest", parameters={},
                        pipeline_version=analysed.version)
    started = _scalar(engine, "SELECT started_at FROM pipeline_runs WHERE id = :i", i=running)
    result, _ = _export(engine, tmp_path, "articles", "csv")
    assert result.held_by == running
    assert result.window.until <= now + timedelta(seconds=5)
    assert result.window.until.replace(tzinfo=None) == (
        started if isinstance(started, datetime) else datetime.fromisoformat(started)
    ).replace(tzinfo=None)
    finish_run(engine, running, status="completed", counts={})
    done, _ = _export(engine, tmp_path, "articles", "csv", name="after.csv")
    assert done.held_by is None and done.window.until > result.window.until
    # A run marked running for longer than the lease is taken for dead.
    stale = start_run(engine, flow_name="ingest", parameters={},
                      pipeline_version=analysed.version)
    with engine.begin() as connection:
        connection.execute(text("UPDATE pipeline_runs SET started_at = :t WHERE id = :i")
                           .bindparams(bindparam("t", type_=UTCDateTime())),
                           {"t": datetime(2020, 1, 1, tzinfo=UTC), "i": stale})
    ignored, _ = _export(engine, tmp_path, "articles", "csv", name="stale.csv")
    assert ignored.held_by is None


def test_event_ids_stay_stable_across_reprocess(fresh_db, tmp_path, analyzer):
    engine = fresh_db.engine
    _, before = _export(engine, tmp_path, "events", "gdelt", name="before")
    _, before_mentions = _export(engine, tmp_path, "event-mentions", "gdelt", name="bm")
    countries = "SELECT actor1_code, actor1_country, actor2_country FROM events ORDER BY " \
                "article_id, sentence_index, actor1_code, actor2_code"
    countries_before = _rows(engine, countries)
    reprocessed = 0
    for ids in pending_batches(engine, Selection(everything=True), analyzer.version, 50):
        prepared = prepare_batch(engine, ids)
        analysed = analyzer.analyse([c.article for c in prepared.candidates])
        result = replace_batch(engine, match_analysis(prepared.candidates, analysed),
                               pipeline_version=analyzer.version)
        settle(engine, result, prepared.failed + analysed.failed, run_id=None)
        reprocessed += result.reprocessed
    assert reprocessed == _scalar(engine, "SELECT COUNT(*) FROM articles")
    _, after = _export(engine, tmp_path, "events", "gdelt", name="after")
    _, after_mentions = _export(engine, tmp_path, "event-mentions", "gdelt", name="am")
    assert _gdelt(after) == _gdelt(before)
    assert _rows(engine, countries) == countries_before, "reprocess keeps the actor countries"
    assert any(row[1] for row in countries_before)
    assert sorted(_gdelt(after_mentions)) == sorted(_gdelt(before_mentions))
