import pytest
from werkzeug import Request, Response

ETAG = '"v1"'
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"


def _feed(request: Request) -> Response:
    validators = {"etag": ETAG, "Last-Modified": LAST_MODIFIED}
    if (request.headers.get("If-None-Match") == ETAG
            or request.headers.get("If-Modified-Since") == LAST_MODIFIED):
        return Response(status=304, headers=validators)
    return Response("<rss/>", content_type="application/rss+xml", headers=validators)


@pytest.mark.parametrize("validator", [
    pytest.param("etag", id="if-none-match"),
    pytest.param("last_modified", id="if-modified-since"),
])
def test_unchanged_page_comes_back_as_304_result(httpserver, make_fetcher, validator):
    httpserver.expect_request("/feed").respond_with_handler(_feed)
    fetcher = make_fetcher()
    url = httpserver.url_for("/feed")

    first = fetcher.fetch(url)
    again = fetcher.fetch(url, **{validator: getattr(first, validator)})

    assert (first.status, first.body, first.etag, first.last_modified) == (
        200, b"<rss/>", ETAG, LAST_MODIFIED)
    assert again.not_modified
    assert (again.status, again.body) == (304, b"")
    assert again.etag == ETAG


def test_no_validators_means_an_unconditional_get(httpserver, make_fetcher):
    httpserver.expect_request("/feed").respond_with_handler(_feed)
    fetcher = make_fetcher()

    fetcher.fetch(httpserver.url_for("/feed"))
    again = fetcher.fetch(httpserver.url_for("/feed"))

    assert (again.status, again.body) == (200, b"<rss/>")
