"""Page bytes to text: HTTP charset, then UTF-8, then <meta charset>, then detection."""

import pytest

from pipeline.charsets import declared_charset, decode_html
from pipeline.extract import extract_page

FRENCH = "<article><p>" + (
    "Le ministre des Affaires étrangères a rencontré à Genève son homologue pour évoquer la "
    "trêve et l'échange de prisonniers. ") * 6 + "</p></article>"
PHRASE = "Affaires étrangères a rencontré à Genève"


def _html(head: str, body: str = FRENCH) -> str:
    return f"<html><head>{head}<title>Genève</title></head><body>{body}</body></html>"


@pytest.mark.parametrize(("head", "encoding"), [
    ('<meta charset="windows-1252">', "cp1252"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">', "latin-1"),
    ("", "cp1252"),
    ("", "utf-8"),
], ids=["meta-charset", "meta-http-equiv", "undeclared-cp1252", "undeclared-utf8"])
def test_page_bytes_are_decoded_by_meta_charset_then_detection(head, encoding):
    assert PHRASE in extract_page(_html(head).encode(encoding)).text


def test_the_http_charset_wins_over_the_meta_tag():
    data = _html('<meta charset="utf-8">').encode("cp1252")
    assert PHRASE in decode_html(data, http_charset="windows-1252")
    assert PHRASE not in decode_html(data)  # the page's own (wrong) declaration is not enough


def test_a_meta_charset_names_a_non_latin_code_page():
    russian = "<p>" + "Министр иностранных дел встретился с коллегой в Женеве. " * 6 + "</p>"
    data = f'<html><head><meta charset="windows-1251"></head><body>{russian}</body></html>'
    data = data.encode("cp1251")
    assert "Министр иностранных дел" in decode_html(data)


def test_valid_utf8_is_utf8_whatever_the_meta_tag_says():
    data = _html('<meta charset="iso-8859-1">').encode("utf-8")
    assert PHRASE in decode_html(data)


@pytest.mark.parametrize(("head", "expected"), [
    ('<meta charset="UTF-8">', "utf-8"),
    ("<meta charset=shift_jis>", "shift_jis"),
    ('<meta http-equiv="content-type" content="text/html;charset=ISO-8859-1">', "cp1252"),
    ('<meta charset="no-such-charset">', None),
    ("", None),
], ids=["quoted", "unquoted", "http-equiv-latin1-read-as-1252", "unknown-label", "none"])
def test_declared_charset(head, expected):
    assert declared_charset(_html(head).encode("ascii", "replace")) == expected


def test_an_unknown_http_charset_falls_back_to_the_page():
    data = _html('<meta charset="windows-1252">').encode("cp1252")
    assert PHRASE in decode_html(data, http_charset="x-unknown")
