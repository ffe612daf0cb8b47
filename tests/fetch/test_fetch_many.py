from pipeline.fetch import (
    FetchError,
    FetchRequest,
    FetchResult,
    HTTPStatusError,
    UnsupportedScheme,
)


def test_one_failing_url_does_not_stop_the_others(httpserver, make_fetcher):
    for path in ("/a", "/c", "/d"):
        httpserver.expect_request(path).respond_with_data(path, content_type="text/plain")
    httpserver.expect_request("/b").respond_with_data("missing", status=404)
    urls = [httpserver.url_for(path) for path in ("/a", "/b", "/c", "/d")]
    requests = [FetchRequest(url) for url in urls] + [FetchRequest("ftp://example.com/x")]

    outcomes = list(make_fetcher(max_concurrency=3).fetch_many(requests))

    by_url = {outcome.url: outcome for outcome in outcomes}
    assert len(outcomes) == 5
    assert set(by_url) == {*urls, "ftp://example.com/x"}
    assert [by_url[url].body for url in urls if isinstance(by_url[url], FetchResult)] == [
        b"/a", b"/c", b"/d"]
    assert isinstance(by_url[urls[1]], HTTPStatusError)
    assert isinstance(by_url["ftp://example.com/x"], UnsupportedScheme)
    assert all(isinstance(outcome, FetchResult | FetchError) for outcome in outcomes)


def test_validators_are_passed_through(httpserver, make_fetcher):
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304)

    [outcome] = make_fetcher().fetch_many([FetchRequest(httpserver.url_for("/feed"), etag='"v1"')])

    assert isinstance(outcome, FetchResult) and outcome.not_modified


def test_no_requests_no_outcomes(make_fetcher):
    assert list(make_fetcher().fetch_many([])) == []


def test_requests_are_read_lazily(httpserver, make_fetcher):
    httpserver.expect_request("/p").respond_with_data("ok", content_type="text/plain")
    produced = []

    def requests():
        for n in range(100):
            produced.append(n)
            yield FetchRequest(httpserver.url_for(f"/p?n={n}"))

    outcomes = make_fetcher(max_concurrency=2).fetch_many(requests())
    next(outcomes)
    outcomes.close()

    assert len(produced) < 10
