"""Refuse hostile XML before anything lenient parses it.

Feeds and sitemaps come from the open web. A document type declaration (DTD) can declare
entities that expand exponentially (billion laughs) or that pull in local files and URLs (XXE),
so documents with a DTD, entity declarations or external references are refused outright, with
defusedxml doing the parsing. feedparser accepts almost anything and has its own parser, so it
must only ever see content that passed :func:`check_xml_safe`.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import (
    DefusedXmlException,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import fromstring

from pipeline.errors import ItemError

_PEEK_BYTES = 65_536
_SPACE = re.compile(rb"\s*")
_DOCTYPE_OR_TAG = re.compile(rb"<!DOCTYPE\s+([^\s>\[]+)|<([A-Za-z_][^\s/>]*)", re.IGNORECASE)
_ENCODING = re.compile(r"""\A(\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["']))([A-Za-z][\w.:-]*)\2""")
_MAX_QUOTED = 200


def check_xml_safe(content: bytes, *, what: str) -> None:
    """Refuse ``content`` unless it is well-formed XML without entity declarations or external
    references. A bare DOCTYPE naming an external DTD is accepted (old RSS 0.91 feeds carry
    Netscape's): the DTD is never loaded, and nothing in it can be expanded.

    ``what`` names the document (``feed``, ``sitemap``): it is the :class:`ItemError` stage and
    starts the reason. Raises ``ItemError`` with ``error_type`` ``UnsafeXML`` (DTD, entity
    declarations, external entities) or ``MalformedXML`` (the parser's message).
    """
    parse_xml_safe(content, what=what)


def parse_xml_safe(content: bytes, *, what: str) -> Element:
    """Like :func:`check_xml_safe`, and return the parsed root element (one parse, not two).

    Documents in multi-byte encodings that expat cannot read (GB2312, Shift_JIS, Big5) are
    decoded with Python's codec for the declared encoding and parsed as UTF-8.
    """
    try:
        return _fromstring(content)
    except DefusedXmlException as exc:
        raise _unsafe_error(exc, what) from exc
    except (ParseError, LookupError) as exc:  # LookupError: an encoding Python does not know
        raise _malformed(what, str(exc)) from exc
    except ValueError as exc:
        # pyexpat's "multi-byte encodings are not supported"; feeds in such encodings are real.
        transcoded = _transcode_to_utf8(content, what)
        if transcoded is None:
            raise _malformed(what, str(exc)) from exc
        return parse_xml_safe(transcoded, what=what)


def peek_root_name(content: bytes) -> str | None:
    """The document's root element name as its start announces it, without parsing.

    Reads UTF-8 and UTF-16; skips a byte order mark, whitespace, processing instructions
    (``<?xml ...?>``) and comments, then returns the ``<!DOCTYPE name`` or the first tag's name
    as written (with any prefix, e.g. ``rdf:RDF``). ``None`` when the content does not start
    like markup. Used to tell an HTML page or a JSON document from XML before any parser sees
    it.
    """
    head = content[:_PEEK_BYTES].removeprefix(b"\xef\xbb\xbf")
    for start, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
                         (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be")):
        if head.startswith(start):
            head = head.decode(codec, "replace").encode("utf-8", "replace")
            break
    position = 0
    while True:
        position = _SPACE.match(head, position).end()
        for start, end in ((b"<?", b"?>"), (b"<!--", b"-->")):
            if head.startswith(start, position):
                closing = head.find(end, position + len(start))
                if closing < 0:
                    return None
                position = closing + len(end)
                break
        else:
            match = _DOCTYPE_OR_TAG.match(head, position)
            if match is None:
                return None
            return (match[1] or match[2]).decode("utf-8", "replace")


def _fromstring(content: bytes) -> Element:
    return fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)


def _unsafe_error(exc: DefusedXmlException, what: str) -> ItemError:
    if isinstance(exc, EntitiesForbidden) and (exc.sysid or exc.pubid):
        target = _quote(exc.sysid or exc.pubid)
        reason = (f"{what} declares an external XML entity pointing at {target} "
                  "(possible XXE attack); refused")
    elif isinstance(exc, EntitiesForbidden):
        reason = f"{what} declares XML entities (possible entity-expansion attack); refused"
    elif isinstance(exc, ExternalReferenceForbidden):
        reason = (f"{what} references an external resource {_quote(exc.sysid or exc.pubid)} "
                  "(possible XXE attack); refused")
    else:
        reason = f"{what} uses an XML feature that is not accepted ({exc}); refused"
    return ItemError(what, reason, error_type="UnsafeXML")


def _malformed(what: str, message: str) -> ItemError:
    return ItemError(what, f"{what} is not well-formed XML: {message}", error_type="MalformedXML")


def _transcode_to_utf8(content: bytes, what: str) -> bytes | None:
    """The document re-encoded as UTF-8 with its encoding declaration rewritten to match;
    ``None`` when it declares no encoding, an unknown one, or already UTF-8."""
    # The declaration is ASCII in every encoding expat refuses, so Latin-1 reads it exactly.
    declared = _ENCODING.match(content[:_PEEK_BYTES].decode("latin-1"))
    if declared is None:
        return None
    encoding = declared[3]
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        return None
    try:
        text = content.decode(encoding)
    except LookupError:
        return None
    except UnicodeDecodeError as exc:
        raise _malformed(what, f"not valid {encoding}: {exc.reason} at byte {exc.start}") from exc
    return (declared[1] + "utf-8" + text[declared.end(3):]).encode("utf-8")


def _quote(value: str | None) -> str:
    if not value:
        return "(unnamed)"
    if len(value) > _MAX_QUOTED:
        value = value[:_MAX_QUOTED] + "…"
    return repr(value)
