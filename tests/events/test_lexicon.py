"""The event lexicon: the two data files load, agree with each other and with their sources."""

import pytest

from pipeline.events.lexicon import CameoCode, EventLexicon, Trigger

PLOVER_TYPES = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}


@pytest.fixture(scope="module")
def lexicon():
    return EventLexicon.load()


def _codes(triggers):
    return [t.cameo for t in triggers]


def test_the_tables_load(lexicon):
    assert len(lexicon.codes) == 311  # every code of GDELT's CAMEO.eventcodes.txt
    assert 1000 < len(lexicon) == len(lexicon.triggers) < 10_000
    assert isinstance(lexicon.code("010"), CameoCode)


@pytest.mark.parametrize(("code", "root", "quad_class"), [
    pytest.param("01", "01", 1, id="root-01"),
    pytest.param("010", "01", 1, id="010-make-statement"),
    pytest.param("0211", "02", 1, id="0211-appeal-economic"),
    pytest.param("057", "05", 1, id="057-sign-agreement"),
    pytest.param("064", "06", 2, id="064-share-intelligence"),
    pytest.param("0871", "08", 2, id="0871-ceasefire"),
    pytest.param("112", "11", 3, id="112-accuse"),
    pytest.param("173", "17", 4, id="173-arrest"),
    pytest.param("2042", "20", 4, id="2042-nuclear"),
])
def test_root_and_quad_class(lexicon, code, root, quad_class):
    entry = lexicon.code(code)
    assert (entry.code, entry.root, entry.quad_class) == (code, root, quad_class)


def test_quad_class_follows_gdelt_for_every_code(lexicon):
    def quad(root):
        number = int(root)
        return 1 if number <= 5 else 2 if number <= 9 else 3 if number <= 14 else 4

    for entry in lexicon.codes:
        assert entry.root == entry.code[:2]
        assert entry.quad_class == quad(entry.root), entry


def test_codes_are_strings_with_their_leading_zeros(lexicon):
    codes = {entry.code for entry in lexicon.codes}
    assert {"010", "0211", "0871", "173", "2042"} <= codes
    assert all(c.isdigit() and 2 <= len(c) <= 4 for c in codes)
    assert "211" not in codes  # 0211 keeps its zero
    assert lexicon.code("10").name == "DEMAND"  # a root, not "010"
    with pytest.raises(KeyError, match="leading zeros"):
        lexicon.code("11.2")
    with pytest.raises(KeyError, match="'211'"):
        lexicon.code("211")


@pytest.mark.parametrize(("code", "goldstein"), [
    pytest.param("010", 0.0, id="010"),
    pytest.param("016", -2.0, id="016-deny"),
    pytest.param("042", 1.9, id="042-visit"),
    pytest.param("057", 8.0, id="057-sign"),
    pytest.param("163", -8.0, id="163-sanctions"),
    pytest.param("173", -5.0, id="173-arrest"),
    pytest.param("190", -10.0, id="190-force"),
])
def test_goldstein_values_are_gdelts(lexicon, code, goldstein):
    assert lexicon.code(code).goldstein == goldstein  # CAMEO.goldsteinscale.txt


def test_arrest_is_material_conflict_and_coerce(lexicon):
    arrest = lexicon.code("173")
    assert arrest.quad_class == 4
    assert arrest.goldstein == -5.0
    assert (arrest.plover_type, arrest.plover_mode) == ("COERCE", "arrest")


@pytest.mark.parametrize(("code", "plover_type", "plover_mode"), [
    pytest.param("112", "ACCUSE", "disapprove", id="112-accuse"),
    pytest.param("1121", "ACCUSE", "allege", id="1121-accuse-crime"),
    pytest.param("042", "CONSULT", "visit", id="042-make-visit"),
    pytest.param("043", "CONSULT", "visit", id="043-host-visit"),
    pytest.param("040", "CONSULT", None, id="040-consult"),
    pytest.param("163", "COERCE", "restrict", id="163-table-says-coerce"),
    pytest.param("0871", "RETREAT", "ceasefire", id="0871-ceasefire"),
    pytest.param("08", "CONCEDE", None, id="08-listed-twice"),
    pytest.param("085", "RETREAT", None, id="085-obsolete-mode-ease"),
    pytest.param("1712", "ASSAULT", "seize", id="1712-destroy-property"),
    pytest.param("195", "ASSAULT", "heavy-weapons", id="195-aerial"),
    pytest.param("0256", "REQUEST", "yield", id="0256-appeal-like-1056"),
    pytest.param("026", "REQUEST", "meet", id="026-appeal-like-106"),
])
def test_plover_type_and_mode_from_the_table(lexicon, code, plover_type, plover_mode):
    entry = lexicon.code(code)
    assert (entry.plover_type, entry.plover_mode) == (plover_type, plover_mode)


def test_every_code_has_a_plover_2_type_but_public_statements(lexicon):
    for entry in lexicon.codes:
        if entry.root == "01":
            # PLOVER drops CAMEO 01 (manual, Table 7.1); the table has no rows for it
            assert entry.plover_type is None, entry
        else:
            assert entry.plover_type in PLOVER_TYPES, entry
    used = {entry.plover_type for entry in lexicon.codes} - {None}
    assert used <= PLOVER_TYPES
    assert len(used) == 16


def test_every_trigger_has_a_known_code_and_a_clean_key(lexicon):
    codes = {entry.code for entry in lexicon.codes}
    keys = set()
    for trigger in lexicon.triggers:
        assert trigger.cameo in codes, trigger
        assert trigger.pos in ("VERB", "NOUN"), trigger
        assert trigger.lemma == trigger.lemma.lower().strip() and trigger.lemma, trigger
        key = (trigger.lemma, trigger.pos, trigger.particle, trigger.pattern)
        assert key not in keys, trigger
        keys.add(key)


@pytest.mark.parametrize(("lemma", "pos", "code"), [
    pytest.param("accuse", "VERB", "112", id="accuse"),
    pytest.param("visit", "VERB", "042", id="visit-verb"),
    pytest.param("visit", "NOUN", "042", id="visit-noun"),
    pytest.param("host", "VERB", "043", id="host"),
    pytest.param("arrest", "VERB", "173", id="arrest-verb"),
    pytest.param("arrest", "NOUN", "173", id="arrest-noun"),
    pytest.param("sanction", "VERB", "163", id="sanction-verb"),
    pytest.param("sanction", "NOUN", "163", id="sanctions-noun"),
    pytest.param("deny", "VERB", "016", id="deny"),
    pytest.param("threaten", "VERB", "130", id="threaten"),
    pytest.param("attack", "VERB", "190", id="attack"),
    pytest.param("condemn", "VERB", "111", id="condemn"),
    pytest.param("criticise", "VERB", "111", id="criticise"),
    pytest.param("urge", "VERB", "020", id="urge"),
    pytest.param("talk", "NOUN", "040", id="talks"),
    pytest.param("ceasefire", "NOUN", "0871", id="ceasefire"),
    pytest.param("airstrike", "NOUN", "195", id="airstrike"),
])
def test_bare_triggers(lexicon, lemma, pos, code):
    bare = [t for t in lexicon.triggers_for(lemma, pos) if not t.particle and not t.pattern]
    assert _codes(bare) == [code]


def test_meet_is_a_consultation(lexicon):
    found = lexicon.triggers_for("meet", "VERB")
    assert any(t.cameo.startswith("04") for t in found if not t.pattern)
    assert {("with", "040")} <= {(t.particle, t.cameo) for t in found}


@pytest.mark.parametrize(("lemma", "pos", "particle", "pattern", "code"), [
    pytest.param("hold", "VERB", None, "talk", "040", id="hold-talks"),
    pytest.param("impose", "VERB", None, "sanction", "163", id="impose-sanctions"),
    pytest.param("lift", "VERB", None, "sanction", "085", id="lift-sanctions"),
    pytest.param("issue", "VERB", None, "warrant", "173", id="issue-warrant"),
    pytest.param("sign", "VERB", None, "agreement", "057", id="sign-agreement"),
    pytest.param("pay", "VERB", None, "visit", "042", id="pay-visit"),
    pytest.param("decline", "VERB", None, "comment", "011", id="decline-comment"),
    pytest.param("express", "VERB", None, "concern", "012", id="express-concern"),
    pytest.param("carry", "VERB", "out", "attack", "190", id="carry-out-attack"),
    pytest.param("call", "VERB", "on", None, "020", id="call-on"),
    pytest.param("warrant", "NOUN", None, "arrest", "173", id="arrest-warrant"),
    pytest.param("strike", "NOUN", None, "air", "195", id="air-strike"),
    pytest.param("strike", "NOUN", None, "hunger", "142", id="hunger-strike"),
    pytest.param("exercise", "NOUN", None, "military", "150", id="military-exercise"),
])
def test_patterns_and_particles(lexicon, lemma, pos, particle, pattern, code):
    found = {(t.particle, t.pattern): t.cameo for t in lexicon.triggers_for(lemma, pos)}
    assert found[(particle, pattern)] == code


def test_most_specific_first(lexicon):
    for lemma, pos in [("impose", "VERB"), ("call", "VERB"), ("strike", "NOUN"),
                       ("meet", "VERB")]:
        found = lexicon.triggers_for(lemma, pos)
        ranks = [(t.pattern is None, t.particle is None) for t in found]
        assert ranks == sorted(ranks), (lemma, ranks)
        assert found[-1].pattern is None and found[-1].particle is None


def test_lookup_ignores_case_and_misses_quietly(lexicon):
    assert lexicon.triggers_for("Accuse", "verb") == lexicon.triggers_for("accuse", "VERB")
    assert lexicon.triggers_for("accuse", "NOUN") == []
    assert lexicon.triggers_for("zzz", "VERB") == []


def _write(directory, codes, triggers):
    (directory / "cameo_codes.tsv").write_text(
        "# comment\ncode\tname\troot\tquad_class\tgoldstein\tplover_type\tplover_mode\n"
        + codes, encoding="utf-8")
    (directory / "triggers.tsv").write_text(
        "lemma\tpos\tparticle\tcameo\tpattern\tnote\n" + triggers, encoding="utf-8")


def test_load_from_a_directory(tmp_path):
    _write(tmp_path, "042\tMake a visit\t04\t1\t1.9\tCONSULT\tvisit\n"
                     "010\tMake statement\t01\t1\t0.0\t\t\n",
           "visit\tVERB\t\t042\t\t\nvisit\tVERB\tto\t042\t\t\nsay\tVERB\t\t010\t\t\n")
    lexicon = EventLexicon.load(tmp_path)
    assert len(lexicon) == 3
    assert lexicon.code("010") == CameoCode("010", "Make statement", "01", 1, 0.0, None, None)
    assert lexicon.triggers_for("visit", "VERB") == [
        Trigger("visit", "VERB", "to", None, "042"), Trigger("visit", "VERB", None, None, "042")]


@pytest.mark.parametrize(("codes", "triggers", "message"), [
    pytest.param("042\tMake a visit\t04\t1\t1.9\tCONSULT\n", "", "expected 7 fields",
                 id="short-row"),
    pytest.param("042\tMake a visit\t04\t1\thigh\tCONSULT\tvisit\n", "", "could not convert",
                 id="bad-number"),
    pytest.param("042\tMake a visit\t04\t1\t1.9\tCONSULT\tvisit\n",
                 "visit\tVERB\t\t043\t\t\n", "not in the code table: 043", id="unknown-code"),
])
def test_bad_files_are_refused(tmp_path, codes, triggers, message):
    _write(tmp_path, codes, triggers)
    with pytest.raises(ValueError, match=message):
        EventLexicon.load(tmp_path)


def test_a_recoded_trigger_keeps_its_word_and_drops_its_pattern():
    trigger = Trigger("impose", "VERB", None, "sanction", "163")
    recoded = trigger.recode("1312")
    assert (recoded.lemma, recoded.pos, recoded.cameo) == ("impose", "VERB", "1312")
    assert recoded.pattern is None and recoded.particle is None
    assert trigger.cameo == "163"  # triggers are values: the lexicon's own is unchanged
