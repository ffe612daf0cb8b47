import pytest

from pipeline.urls import BadURL, check_url, normalize_url, resolve_url


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTPS://WWW.Example.com:443/News/Story.html?utm_source=x&id=5&fbclid=abc#comments",
     "https://www.example.com/News/Story.html?id=5"),
    ("http://example.com/a/?b=2&a=1", "http://example.com/a/?a=1&b=2"),
    ("ftp://example.com/file", None),
    ("not a url", None),
], ids=["tracking-and-fragment", "query-order", "ftp", "garbage"])
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


@pytest.mark.parametrize(("url", "error_type", "reason"), [
    ("http://[::1", "InvalidURL", "cannot be parsed: Invalid IPv6 URL"),
    ("http://example.com:99999/", "InvalidURL", "Port out of range"),
    ("https://example.org/a\x00b", "InvalidURL", "control characters"),
    ("https://example.org/\ud800", "InvalidURL", "invalid Unicode"),
    ("http://exa mple.com/", "InvalidURL", "contains spaces"),
    ("http:///no-host", "InvalidURL", "has no host"),
    ("javascript:alert(1)", "UnsupportedScheme", "not an http(s) URL"),
    ("https://example.org/" + "a" * 9000, "InvalidURL", "characters long"),
    ("", "InvalidURL", "empty"),
], ids=["ipv6-bracket", "port", "nul", "surrogate", "space-in-host", "no-host", "javascript",
        "too-long", "empty"])
def test_check_url_names_what_is_wrong(url, error_type, reason):
    with pytest.raises(BadURL) as caught:
        check_url(url)
    assert caught.value.error_type == error_type and reason in caught.value.reason
    assert normalize_url(url) is None  # never raises, whatever the input


def test_check_url_keeps_a_good_url_and_resolve_url_joins_relative_links():
    assert check_url("  https://example.org/a b?x=1  ") == "https://example.org/a b?x=1"
    assert resolve_url("https://example.org/news/", "../world/1") == "https://example.org/world/1"
    with pytest.raises(BadURL, match="Invalid IPv6 URL"):
        resolve_url("https://example.org/", "http://[::1")
