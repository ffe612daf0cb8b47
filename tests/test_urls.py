import pytest

from pipeline.urls import normalize_url


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTPS://WWW.Example.com:443/News/Story.html?utm_source=x&id=5&fbclid=abc#comments",
     "https://www.example.com/News/Story.html?id=5"),
    ("http://example.com/a/?b=2&a=1", "http://example.com/a/?a=1&b=2"),
    ("ftp://example.com/file", None),
    ("not a url", None),
], ids=["tracking-and-fragment", "query-order", "ftp", "garbage"])
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected
