"""newsflow report: one self-contained HTML file with inline SVG charts, each with its reading
and SQL, on SQLite and PostgreSQL; under CI, drawn in a real headless Chromium."""

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import text

from pipeline.analyst.report import ReportRequest, build_report, render_html, write_report

MIN_CHARTS = 6


class _References(HTMLParser):
    """Every tag, and every attribute value or style text that could load something (a
    fragment or an inline data: URI loads nothing)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.loads: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "data", "action", "poster") \
                    and value and not value.startswith(("#", "data:")):
                self.loads.append(f"{tag} {name}={value}")
            if name == "style" and value and "url(" in value:
                self.loads.append(f"{tag} style={value}")

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style and ("url(" in data or "@import" in data):
            self.loads.append(f"style: {data[:80]}")


@pytest.fixture(scope="module")
def report(seeds_db):
    """The report of the whole seeds database (drawing it takes a few seconds)."""
    return build_report(seeds_db.engine, ReportRequest())


def test_the_report_has_its_charts_readings_and_sql_and_loads_nothing(seeds_db, report,
                                                                      tmp_path):
    out = tmp_path / "report.html"
    write_report(seeds_db.engine, ReportRequest(), out)
    page = out.read_text(encoding="utf-8")
    assert len(report.charts) >= MIN_CHARTS
    assert {chart.key for chart in report.charts} >= {
        "events-per-week", "top-dyads", "top-entities", "source-health", "languages",
        "near-duplicates"}
    parser = _References()
    parser.feed(page)
    assert parser.loads == []
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(parser.tags)
    assert "http://" not in page and "https://" not in page
    assert page.count("<svg") == len(report.charts)
    for chart in report.charts:
        assert chart.reading and not chart.reading.startswith("No ")
        # matplotlib draws the figure and axes backgrounds as patches 1 and 2; bars are more.
        assert chart.svg.count(f'id="{chart.key}-patch_') >= 3, chart.key
        assert "SELECT" in chart.sql
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids must stay unique across the inline SVGs"


def test_each_charts_sql_runs_as_shown(seeds_db, report):
    with seeds_db.engine.connect() as connection:
        for chart in report.charts:
            assert connection.execute(text(chart.sql)).first() is not None, chart.key


def _count(engine, sql):
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar_one()


def test_readings_state_the_numbers_in_the_database(seeds_db, report):
    readings = {chart.key: chart.reading for chart in report.charts}
    clusters = _count(seeds_db.engine, "SELECT COUNT(*) FROM event_clusters")
    assert readings["events-per-week"].startswith(f"{clusters} events over ")
    copies = _count(seeds_db.engine,
                    "SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL")
    articles = _count(seeds_db.engine, "SELECT COUNT(*) FROM articles")
    assert readings["near-duplicates"].startswith(f"{copies} of {articles} articles")
    assert f"{articles} articles loaded and 2 items quarantined" in readings["source-health"]
    assert dict(report.summary)["real-world events (clusters)"] == clusters


def test_source_and_window_narrow_the_report(seeds_db):
    engine = seeds_db.engine
    wire = build_report(engine, ReportRequest(source="wire"))
    expected = _count(engine, """
        SELECT COUNT(DISTINCT e.cluster_id) FROM events e JOIN articles a ON a.id = e.article_id
        WHERE a.source_id = (SELECT id FROM sources WHERE name = 'wire')""")
    assert dict(wire.summary)["real-world events (clusters)"] == expected
    assert wire.charts[0].reading.startswith(f"{expected} events over ")
    assert ":source = 'wire'" in wire.charts[0].sql
    empty = build_report(engine, ReportRequest(until=wire.generated_at.replace(year=2000)))
    assert dict(empty.summary)["articles"] == 0
    assert all(chart.reading.startswith("No") or "0 articles" in chart.reading
               or "Nothing" in chart.reading for chart in empty.charts)
    assert "<svg" in render_html(empty)


# ------------------------------------------------------------------ in a real browser

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND"]
MEASURE = """<script>
window.addEventListener("load", () => {
  const sizes = [...document.querySelectorAll("svg.chart")].map(svg => {
    const box = svg.getBoundingClientRect();
    const marks = svg.querySelectorAll("path, rect, use, text").length;
    return `${Math.round(box.width)}x${Math.round(box.height)}:${marks}`;
  });
  document.body.setAttribute("data-charts", sizes.join(" "));
});
</script>"""


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def chromium() -> str:
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but chromium is not installed (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does it)")
    return binary


def _browse(binary: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_chromium_draws_every_chart(seeds_db, report, tmp_path, chromium):
    if seeds_db.backend != "sqlite":
        pytest.skip("the page is the same from either database; drawn once")
    out = tmp_path / "report.html"
    out.write_text(render_html(report), encoding="utf-8")
    # The report has no script; a copy gets one that measures each chart once it is laid out.
    measured = tmp_path / "measured.html"
    measured.write_text(out.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
                        encoding="utf-8")
    dom = _browse(chromium, tmp_path, "--virtual-time-budget=5000", "--dump-dom",
                  measured.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'data-charts="([^"]*)"', dom.stdout)
    assert found, dom.stdout[:500]
    charts = found.group(1).split()
    assert len(charts) == len(report.charts) >= MIN_CHARTS
    for chart in charts:
        size, marks = chart.split(":")
        width, height = map(int, size.split("x"))
        assert width >= 400 and height >= 150 and int(marks) > 10, chart
    # And the page itself, as a user opens it: a screenshot with the charts' colours on it.
    shot = tmp_path / "report.png"
    result = _browse(chromium, tmp_path, "--window-size=1100,2600", f"--screenshot={shot}",
                     out.as_uri())
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "a blank or single-colour page"
    quad_blue = sum(count for count, rgb in colours if rgb == (0x4c, 0x9b, 0xe8))
    assert quad_blue > 200, "the verbal cooperation bars are drawn"
