"""Publication dates from a page's structured metadata: JSON-LD first, then meta tags.

Structured metadata carries the publisher's own timestamp with its time zone, which heuristic
date finders (htmldate) reduce to a day or guess from copyright lines; so it is read first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import lxml.html

from pipeline.dates import parse_iso_datetime

_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished",
    "publish-date", "pubdate", "publishdate", "dc.date.issued", "dcterms.created",
    "parsely-pub-date", "sailthru.date", "date",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified",
                  "dcterms.modified", "last-modified")
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting",
                  "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle",
                  "reviewnewsarticle", "liveblogposting", "report", "scholarlyarticle"}
_PAGE_TYPES = {"webpage", "itempage"}


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True, slots=True)
class PageDates:
    published_at: datetime | None = None
    modified_at: datetime | None = None
    source: str | None = None
    """``json-ld`` or ``meta``: where ``published_at`` came from."""


def _json_ld_objects(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_iso_datetime(value, keep_offset=True)
    except ValueError:
        return None


def _meta_values(tree: lxml.html.HtmlElement, names: tuple[str, ...]) -> Iterator[str]:
    for element in tree.xpath("//meta[@content]"):
        key = (element.get("property") or element.get("name") or element.get("itemprop")
               or "").strip().lower()
        if key in names:
            yield element.get("content")


def page_dates(html: str | bytes) -> PageDates:
    """Published and modified times declared in the page, each ``None`` when absent."""
    if isinstance(html, str):
        html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses it in decoded text
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return PageDates()
    objects = list(_json_ld_objects(tree))
    for types in (_ARTICLE_TYPES, _PAGE_TYPES):  # the article's own date before the page's
        for item in objects:
            if _types(item) & types:
                published = _parse(item.get("datePublished"))
                if published is not None:
                    return PageDates(published, _parse(item.get("dateModified")), "json-ld")
    published = next(filter(None, map(_parse, _meta_values(tree, _PUBLISHED_META))), None)
    modified = next(filter(None, map(_parse, _meta_values(tree, _MODIFIED_META))), None)
    if published is None:
        for element in tree.xpath("//time[@datetime][@itemprop='datePublished' or @pubdate]"):
            published = _parse(element.get("datetime"))
            if published is not None:
                break
    return PageDates(published, modified, "meta" if published else None)


_BYLINE_PREFIX = re.compile(r"^\s*(?:(?:written|posted|reported|words)\s+)?by[:\s]+", re.I)
_NOISE = re.compile(
    r"\b(?:e-?mail|follow|contact)\s+(?:the\s+)?(?:author|me|us|reporter)\b.*$"
    r"|\S+@\S+|@\w+|\bupdated\b.*$|\bpublished\b.*$|https?://\S+", re.I)
_ROLE_WORDS = frozenset({
    "reporter", "correspondent", "editor", "writer", "staff", "senior", "contributor",
    "contributing", "columnist", "analyst", "producer", "chief", "bureau", "journalist",
    "photographer", "desk", "team", "newsroom", "agency", "diplomatic", "political", "economics",
    "affairs", "associate", "deputy", "managing", "international", "national", "foreign",
    "security", "defence", "defense", "white", "house",
})


def _is_role(part: str) -> bool:
    words = re.findall(r"[A-Za-z]+", part.lower())
    return bool(words) and sum(w in _ROLE_WORDS for w in words) >= max(1, len(words) // 2)


def clean_author(value: str | None) -> str | None:
    """An author line without the byline furniture: ``By Jane Doe, Senior Reporter | Email
    the author`` → ``Jane Doe``. Several authors are joined with ``; ``."""
    if not value:
        return None
    names = []
    for part in re.split(r"\s*(?:[|;,]|\band\b|&)\s*", value):
        part = _NOISE.sub("", _BYLINE_PREFIX.sub("", part)).strip(" .:-–—")
        if part and not _is_role(part) and any(ch.isalpha() for ch in part):
            names.append(" ".join(part.split()))
    return "; ".join(dict.fromkeys(names)) or None
