from datetime import UTC

from werkzeug import Request, Response

from pipeline.fetch import FetchResult


def test_plain_200_fetch_returns_body_headers_and_sends_our_user_agent(httpserver, make_fetcher):
    seen: dict[str, str | None] = {}

    def page(request: Request) -> Response:
        seen["user-agent"] = request.headers.get("User-Agent")
        seen["accept-encoding"] = request.headers.get("Accept-Encoding")
        seen["if-none-match"] = request.headers.get("If-None-Match")
        return Response("<h1>Héllo</h1>".encode("latin-1"),
                        content_type="text/html; charset=ISO-8859-1",
                        headers={"X-Custom": "yes", "ETag": '"v1"'})

    httpserver.expect_request("/news/1").respond_with_handler(page)
    url = httpserver.url_for("/news/1")

    result = make_fetcher().fetch(url)

    assert isinstance(result, FetchResult)
    assert result.status == 200
    assert not result.not_modified
    assert result.body == "<h1>Héllo</h1>".encode("latin-1")
    assert (result.url, result.final_url, result.redirects) == (url, url, [])
    assert result.headers["x-custom"] == "yes"
    assert all(name == name.lower() for name in result.headers)
    assert (result.content_type, result.charset, result.etag) == ("text/html", "iso-8859-1", '"v1"')
    assert result.fetched_at.tzinfo == UTC
    assert seen == {
        "user-agent": "newsflow/0.1 (+https://github.com/newsflow)",
        "accept-encoding": "gzip, deflate",
        "if-none-match": None,
    }


def test_custom_user_agent_is_sent(httpserver, make_fetcher):
    httpserver.expect_request("/", headers={"User-Agent": "test-bot/2"}).respond_with_data(
        "ok", content_type="text/plain")
    assert make_fetcher(user_agent="test-bot/2").fetch(httpserver.url_for("/")).body == b"ok"


def test_fetcher_is_a_context_manager(httpserver, make_fetcher):
    httpserver.expect_request("/").respond_with_data("ok", content_type="text/plain")
    with make_fetcher() as fetcher:
        assert fetcher.fetch(httpserver.url_for("/")).status == 200
