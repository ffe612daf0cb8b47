import pytest

from pipeline.fetch import RobotsDisallowed
from tests.fetch.conftest import paths_seen

ROBOTS_PRIVATE = "User-agent: *\nDisallow: /private\n"
ROBOTS_US_ONLY = "User-agent: newsflow\nDisallow: /\n\nUser-agent: *\nAllow: /\n"


def _serve_pages(httpserver, *paths):
    for path in paths:
        httpserver.expect_request(path).respond_with_data("<p>page</p>", content_type="text/html")


@pytest.mark.parametrize(("robots", "path"), [
    pytest.param(ROBOTS_PRIVATE, "/private/report", id="path-prefix-for-everyone"),
    pytest.param(ROBOTS_US_ONLY, "/news/1", id="our-user-agent-group"),
])
def test_disallowed_url_is_refused_without_requesting_it(httpserver, make_fetcher, robots, path):
    httpserver.expect_request("/robots.txt").respond_with_data(robots, content_type="text/plain")
    _serve_pages(httpserver, path)
    url = httpserver.url_for(path)

    with pytest.raises(RobotsDisallowed) as caught:
        make_fetcher(obey_robots=True).fetch(url)

    assert caught.value.url == url
    assert caught.value.transient is False
    assert paths_seen(httpserver) == ["/robots.txt"]


def test_allowed_url_is_fetched_and_robots_txt_is_read_once(httpserver, make_fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data(
        ROBOTS_PRIVATE, content_type="text/plain")
    _serve_pages(httpserver, "/public/1", "/public/2")
    fetcher = make_fetcher(obey_robots=True)

    assert fetcher.fetch(httpserver.url_for("/public/1")).status == 200
    assert fetcher.fetch(httpserver.url_for("/public/2")).status == 200

    assert paths_seen(httpserver) == ["/robots.txt", "/public/1", "/public/2"]


@pytest.mark.parametrize("status", [
    pytest.param(404, id="404"), pytest.param(410, id="410"), pytest.param(403, id="403"),
])
def test_missing_robots_txt_allows_everything(httpserver, make_fetcher, status):
    httpserver.expect_request("/robots.txt").respond_with_data("none", status=status)
    _serve_pages(httpserver, "/private/report")

    result = make_fetcher(obey_robots=True).fetch(httpserver.url_for("/private/report"))

    assert result.status == 200
    assert paths_seen(httpserver) == ["/robots.txt", "/private/report"]


@pytest.mark.parametrize("status", [
    pytest.param(500, id="500"), pytest.param(503, id="503"), pytest.param(429, id="429"),
])
def test_robots_txt_server_error_disallows_everything(httpserver, make_fetcher, status):
    httpserver.expect_request("/robots.txt").respond_with_data("oops", status=status)
    _serve_pages(httpserver, "/news/1")

    with pytest.raises(RobotsDisallowed, match="unavailable"):
        make_fetcher(obey_robots=True, retries=1).fetch(httpserver.url_for("/news/1"))

    # robots.txt was retried like any transient failure; the page was never asked for.
    assert paths_seen(httpserver) == ["/robots.txt", "/robots.txt"]


def test_unreachable_robots_txt_disallows_everything(make_fetcher, closed_port):
    with pytest.raises(RobotsDisallowed, match="unavailable"):
        make_fetcher(obey_robots=True, retries=0).fetch(f"http://127.0.0.1:{closed_port}/news")


@pytest.mark.parametrize(("crawl_delay", "expected"), [
    pytest.param(5, 5.0, id="honoured"),
    pytest.param(120, 30.0, id="capped-by-max_crawl_delay_seconds"),
])
def test_crawl_delay_raises_the_per_host_delay(
        httpserver, make_fetcher, sleeps, crawl_delay, expected):
    httpserver.expect_request("/robots.txt").respond_with_data(
        f"User-agent: *\nCrawl-delay: {crawl_delay}\n", content_type="text/plain")
    _serve_pages(httpserver, "/a", "/b")
    fetcher = make_fetcher(obey_robots=True, per_host_delay_seconds=0.5)

    fetcher.fetch(httpserver.url_for("/a"))
    fetcher.fetch(httpserver.url_for("/b"))

    # One wait before /a (after robots.txt) and one before /b, each the crawl delay minus the
    # few milliseconds the previous request took.
    assert len(sleeps) == 2
    assert all(expected - 0.5 < wait <= expected for wait in sleeps)


def test_check_robots_false_skips_robots_txt(httpserver, make_fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /\n", content_type="text/plain")
    _serve_pages(httpserver, "/sitemap.xml")

    result = make_fetcher(obey_robots=True).fetch(
        httpserver.url_for("/sitemap.xml"), check_robots=False)

    assert result.status == 200
    assert paths_seen(httpserver) == ["/sitemap.xml"]


def test_robots_txt_redirected_to_a_blocked_address_counts_as_unavailable(
        httpserver, make_fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "", status=301, headers={"Location": "http://169.254.169.254/robots.txt"})
    _serve_pages(httpserver, "/news/1")

    with pytest.raises(RobotsDisallowed, match=r"169\.254\.169\.254"):
        make_fetcher(obey_robots=True).fetch(httpserver.url_for("/news/1"))

    assert paths_seen(httpserver) == ["/robots.txt"]


def test_each_fetcher_keeps_its_own_robots_rules(httpserver, make_fetcher):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    _serve_pages(httpserver, "/news/1")

    for _ in range(2):
        make_fetcher(obey_robots=True).fetch(httpserver.url_for("/news/1"))

    assert paths_seen(httpserver) == ["/robots.txt", "/news/1"] * 2
