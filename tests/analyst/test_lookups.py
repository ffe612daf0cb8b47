"""Lookup tables: filled from the package's data by the migration, kept in step by
sync_lookups, and the ISO actor countries every event gets."""

import csv

from sqlalchemy import func, select, text

from pipeline.analyst.lookups import cameo_code_rows, country_rows, sync_lookups
from pipeline.db import schema
from pipeline.db.migrate import downgrade, upgrade
from tests.analyst.conftest import build
from tests.conftest import ROOT


def _rows(engine, sql):
    with engine.connect() as connection:
        return connection.execute(text(sql)).all()


def test_lookup_tables_hold_the_data_files(seeds_db):
    engine = seeds_db.engine
    cameo = {row.code: row for row in _rows(engine, "SELECT * FROM cameo_codes")}
    assert len(cameo) == len(cameo_code_rows()) == 311
    assert (cameo["0251"].base_code, cameo["0251"].root_code, cameo["0251"].level) == (
        "025", "02", 3)
    assert (cameo["042"].name, cameo["042"].quad_class, cameo["042"].plover_type,
            cameo["042"].plover_mode) == ("Make a visit", 1, "CONSULT", "visit")
    assert cameo["010"].plover_type is None and cameo["195"].goldstein == -10.0
    assert [r.type for r in _rows(engine, "SELECT type FROM plover_types ORDER BY position")][
        ::5] == ["AGREE", "AID", "THREATEN", "ASSAULT"]
    assert _rows(engine, "SELECT code, name FROM quad_classes ORDER BY code") == [
        (1, "Verbal Cooperation"), (2, "Material Cooperation"), (3, "Verbal Conflict"),
        (4, "Material Conflict")]
    with (ROOT / "pipeline" / "data" / "countries.tsv").open(encoding="utf-8") as handle:
        iso = {row["alpha3"] for row in csv.DictReader(handle, delimiter="\t")}
    countries = {row.alpha3: row for row in _rows(engine, "SELECT * FROM countries")}
    assert set(countries) == iso
    assert (countries["XKX"].alpha2, countries["XKX"].cameo_code, countries["XKX"].fips) == (
        "XK", "KSV", "KV")
    assert (countries["DEU"].alpha2, countries["DEU"].cameo_code, countries["DEU"].fips) == (
        "DE", "DEU", "GM")
    assert countries["TLS"].cameo_code == "TMP"


def test_no_cameo_code_is_another_countrys_iso_code():
    rows = country_rows()
    alpha3 = {row["alpha3"] for row in rows}
    assert [row for row in rows if row["cameo_code"] != row["alpha3"]
            and row["cameo_code"] in alpha3] == []


def test_sync_brings_edited_tables_back_in_step(seeds_db):
    # All in one transaction, rolled back: the shared database is left as it was.
    with seeds_db.engine.connect() as connection:
        connection.execute(text("UPDATE cameo_codes SET name = 'edited' WHERE code = '042'"))
        connection.execute(text("DELETE FROM countries WHERE alpha3 = 'FRA'"))
        connection.execute(text("INSERT INTO plover_types (type, position, description) "
                                "VALUES ('STALE', 99, 'not in the data')"))
        assert sync_lookups(connection) == {"quad_classes": 0, "plover_types": 1,
                                            "cameo_codes": 1, "countries": 1}
        assert sync_lookups(connection) == dict.fromkeys(
            ("quad_classes", "plover_types", "cameo_codes", "countries"), 0)
        assert connection.execute(text("SELECT name FROM cameo_codes WHERE code = '042'")
                                  ).all() == [("Make a visit",)]
        assert connection.execute(text("SELECT name FROM countries WHERE alpha3 = 'FRA'")
                                  ).all() == [("France",)]
        connection.rollback()


def test_the_loader_gives_every_event_its_actors_iso_countries(seeds_db):
    rows = _rows(seeds_db.engine, "SELECT actor1_code, actor1_country, actor2_code, "
                 "actor2_country FROM events")
    assert rows
    # A code's first three letters name a country by its CAMEO code (KSV, TMP) or its ISO
    # code; anything else (IGO, regions, bare roles, UNK for an actor placed nowhere) has none.
    iso = {}
    for cameo, alpha3 in _rows(seeds_db.engine, "SELECT cameo_code, alpha3 FROM countries"):
        iso[alpha3] = alpha3
        if cameo:
            iso[cameo] = alpha3
    assert (iso["KSV"], iso["TMP"], iso["USA"]) == ("XKX", "TLS", "USA")
    assert not {"IGO", "WST", "UNK", "GOV", "COP", "MIL", "REB"} & iso.keys()
    for code1, country1, code2, country2 in rows:
        for code, country in ((code1, country1), (code2, country2)):
            assert country == iso.get((code or "")[:3]), code
    assert {c for r in rows for c in (r[1], r[3])} - {None}, "no event has a country"
    kosovo = _rows(seeds_db.engine, "SELECT DISTINCT actor1_country FROM events "
                   "WHERE actor1_code LIKE 'KSV%'")
    assert kosovo == [("XKX",)]


def test_the_migration_fills_the_countries_of_stored_events(engine, analysed):
    build(engine.url.render_as_string(hide_password=False), analysed)
    events = schema.Event.__table__
    with engine.connect() as connection:
        loaded = connection.execute(select(events.c.id, events.c.actor1_country,
                                           events.c.actor2_country).order_by(events.c.id)).all()
    # Back to before the columns existed (0008 adds them), then forward: the migration's
    # UPDATE fills them.
    downgrade(engine, "0007")
    upgrade(engine)
    with engine.connect() as connection:
        migrated = connection.execute(select(events.c.id, events.c.actor1_country,
                                             events.c.actor2_country).order_by(events.c.id)
                                      ).all()
        filled = connection.execute(select(func.count()).where(
            events.c.actor1_country.is_not(None))).scalar_one()
    assert migrated == loaded
    assert filled > len(loaded) // 2
