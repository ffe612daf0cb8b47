import pytest

from pipeline.errors import ItemError
from pipeline.sources.xmlsafety import check_xml_safe, parse_xml_safe, peek_root_name
from tests.conftest import CASES

SOURCES = CASES / "sources"


def _refusal(content: bytes, what: str = "feed") -> ItemError:
    with pytest.raises(ItemError) as caught:
        check_xml_safe(content, what=what)
    return caught.value


@pytest.mark.parametrize(("name", "reason"), [
    ("billion_laughs.xml",
     "feed declares XML entities (possible entity-expansion attack); refused"),
    ("xxe.xml", "feed declares an external XML entity pointing at 'file:///etc/passwd' "
                "(possible XXE attack); refused"),
    ("xxe_parameter_entity.xml", "feed declares an external XML entity pointing at "
                                 "'http://attacker.example/evil.dtd' (possible XXE attack); "
                                 "refused"),
], ids=["billion-laughs", "xxe-file", "xxe-parameter-entity"])
def test_hostile_documents_are_refused_with_the_danger_named(name, reason):
    error = _refusal((SOURCES / name).read_bytes())
    assert error.error_type == "UnsafeXML"
    assert error.stage == "feed"
    assert error.reason == reason


def test_a_bare_doctype_naming_an_external_dtd_is_accepted_and_not_loaded():
    root = parse_xml_safe((SOURCES / "doctype_rss091.xml").read_bytes(), what="feed")
    assert root.tag == "rss"


def test_xxe_never_reads_the_file_it_points_at(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN-7f3c91-do-not-leak\n")
    content = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
               "<urlset><url><loc>&s;</loc></url></urlset>").encode()
    error = _refusal(content, what="sitemap")
    assert error.error_type == "UnsafeXML"
    assert error.stage == "sitemap"
    assert error.reason.startswith("sitemap declares an external XML entity")
    assert "TOKEN-7f3c91" not in f"{error} {error.reason} {error!r} {error.__cause__!r}"


@pytest.mark.parametrize(("content", "message"), [
    ((SOURCES / "truncated.xml").read_bytes(), "no element found: line 11, column 0"),
    (b"", "no element found: line 1, column 0"),
    (b"<rss><channel></rss>", "mismatched tag: line 1, column 16"),
    (b"<?xml version='1.0' encoding='no-such-encoding'?><rss/>",
     "unknown encoding: no-such-encoding"),
], ids=["truncated", "empty", "mismatched-tag", "unknown-encoding"])
def test_malformed_xml_carries_the_parser_message(content, message):
    error = _refusal(content)
    assert error.error_type == "MalformedXML"
    assert error.reason.startswith("feed is not well-formed XML: ")
    assert message in error.reason


@pytest.mark.parametrize("name", ["rss2.xml", "rss091.xml", "rdf.xml", "atom.xml",
                                  "sitemap_urlset.xml", "sitemap_index.xml"],
                         ids=["rss2", "rss091-latin1", "rdf", "atom", "urlset", "index"])
def test_ordinary_documents_pass(name):
    assert check_xml_safe((SOURCES / name).read_bytes(), what="feed") is None


@pytest.mark.parametrize("encoding", ["gb2312", "shift_jis", "big5"])
def test_multibyte_encodings_expat_lacks_are_transcoded(encoding):
    title = "新闻" if encoding == "gb2312" else ("ニュース" if encoding == "shift_jis" else "新聞")
    content = (f'<?xml version="1.0" encoding="{encoding}"?>'
               f"<rss><channel><title>{title}</title></channel></rss>").encode(encoding)
    root = parse_xml_safe(content, what="feed")
    assert root.findtext("channel/title") == title


def test_bytes_invalid_in_the_declared_encoding_are_malformed():
    content = b'<?xml version="1.0" encoding="gb2312"?><rss><title>\xff\xff</title></rss>'
    error = _refusal(content)
    assert error.error_type == "MalformedXML"
    assert "not valid gb2312" in error.reason


@pytest.mark.parametrize(("content", "name"), [
    (b'<?xml version="1.0"?>\n<!-- generated -->\n<rss version="2.0"/>', "rss"),
    (b"\xef\xbb\xbf<rdf:RDF xmlns:rdf='x'/>", "rdf:RDF"),
    (b"<!DOCTYPE html>\n<html><body/></html>", "html"),
    (b"  \n<feed xmlns='http://www.w3.org/2005/Atom'>", "feed"),
    ('<?xml version="1.0" encoding="utf-16"?><urlset/>'.encode("utf-16"), "urlset"),
    ('<?xml version="1.0" encoding="utf-16le"?><feed/>'.encode("utf-16-le"), "feed"),
    (b'{"items": []}', None),
    (b"", None),
    (b"<!-- never closed", None),
], ids=["declaration-comment", "bom-prefixed", "html-doctype", "leading-space", "utf16-bom",
        "utf16le-no-bom", "json", "empty", "open-comment"])
def test_peek_root_name(content, name):
    assert peek_root_name(content) == name
