"""``newsflow report``: one self-contained HTML file with charts of what the database holds.

Each chart is drawn by matplotlib (Agg) as SVG and set inline, with a one-line reading
computed from the same rows and the SQL that produced them, as run. The file references
nothing outside itself: no scripts, fonts, style sheets or images from anywhere, so it opens
offline and can be mailed around. Event counts are of event clusters (real-world events), so
a story and its near-duplicate copies count once.
"""

from __future__ import annotations

import html
import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, text

from pipeline import __version__
from pipeline.analyst.selection import Source, Window, resolve_source
from pipeline.db import schema
from pipeline.db.schema import UTCDateTime

QUAD_COLORS = {1: "#4c9be8", 2: "#1f5fa8", 3: "#f0a04b", 4: "#c2352b"}
TOP_DYADS = 15
TOP_ENTITIES = 8
ENTITY_TYPES = 4
TOP_OUTLETS = 12


@dataclass(frozen=True, slots=True)
class ReportRequest:
    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None


@dataclass(slots=True)
class Chart:
    key: str
    title: str
    reading: str
    sql: str
    svg: str


@dataclass(slots=True)
class Report:
    title: str
    scope: str
    summary: list[tuple[str, int]]
    charts: list[Chart] = field(default_factory=list)
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))


# ------------------------------------------------------------------------------ queries

@dataclass(frozen=True, slots=True)
class _Filters:
    """The report's window and source as SQL text and bound parameters."""

    window: Window
    source: Source | None

    def params(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if self.window.since:
            values["since"] = self.window.since
        if self.window.until:
            values["until"] = self.window.until
        if self.source:
            values["source"] = self.source.name
        return values

    def on_rows(self, ingested: str, *, outlet: str, source_name: str) -> str:
        """``AND …`` clauses on rows with an ingested_at, an outlet and a source column."""
        clauses = []
        if self.window.since:
            clauses.append(f"{ingested} >= :since")
        if self.window.until:
            clauses.append(f"{ingested} < :until")
        if self.source:
            clauses.append(f"({source_name} = :source OR {outlet} = :source)")
        return "".join(f"\n  AND {clause}" for clause in clauses)

    def on_days(self, day: str) -> str:
        clauses = []
        if self.window.since:
            clauses.append(f"{day} >= :since_day")
        if self.window.until:
            clauses.append(f"{day} < :until_day")
        if self.source and self.source.source_id is not None:
            clauses.append("source = :source")
        return "".join(f"\n  AND {clause}" for clause in clauses)

    def day_params(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if self.window.since:
            values["since_day"] = self.window.since.date()
        if self.window.until:
            until = self.window.until
            values["until_day"] = until.date() if until.time() == datetime.min.time() \
                else date.fromordinal(until.date().toordinal() + 1)
        if self.source and self.source.source_id is not None:
            values["source"] = self.source.name
        return values


def _run(connection: Connection, sql: str, params: dict[str, Any]) -> list[Any]:
    statement = text(sql)
    for name in params:
        if name in ("since", "until"):
            statement = statement.bindparams(bindparam(name, type_=UTCDateTime()))
    return list(connection.execute(statement, params))


def _shown(sql: str, params: dict[str, Any]) -> str:
    """The SQL as run, with the values of its parameters in a comment line."""
    if not params:
        return sql.strip()
    values = ", ".join(f":{name} = {value.isoformat() if hasattr(value, 'isoformat') else value!r}"
                       for name, value in params.items())
    return f"-- {values}\n{sql.strip()}"


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# ------------------------------------------------------------------------------- charts

def _svg(figure: Any, key: str) -> str:
    """The figure as inline SVG: no XML prologue, DOCTYPE, metadata or namespace URIs (an
    HTML parser puts <svg> in the SVG namespace by itself), ids unique to the chart."""
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"newsflow-{key}"}):
        figure.savefig(buffer, format="svg", bbox_inches="tight",
                       metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", svg)
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                 rf'<svg\1 class="chart" role="img" aria-label="{key}"', svg, count=1)
    # Ids are unique within one figure only (figure_1, patch_1, ...); several figures share a
    # page, so each id and each reference to one gets the chart's key in front.
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{key}-\1"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', rf'url(#{key}-\1)', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{key}-\1"', svg)
    return svg.strip()


def _figure(width: float = 8.0, height: float = 3.6) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(width, height))
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _counts_axis(axes: Any, axis: str = "y") -> None:
    """Counts are whole numbers: no 0.5-article ticks."""
    from matplotlib.ticker import MaxNLocator

    (axes.yaxis if axis == "y" else axes.xaxis).set_major_locator(MaxNLocator(integer=True))


def _room(axes: Any, bars: int, *, slots: int = 8, axis: str = "x") -> None:
    """Keep a few bars from stretching across the whole chart."""
    if bars < slots:
        pad = (slots - bars) / 2
        (axes.set_xlim if axis == "x" else axes.set_ylim)(-0.5 - pad, bars - 0.5 + pad)


def _empty(axes: Any, message: str) -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes,
              color="#666666")
    axes.set_xticks([])
    axes.set_yticks([])


def _quad_names(connection: Connection) -> dict[int, str]:
    quads = schema.QuadClass.__table__
    return dict(connection.execute(select(quads.c.code, quads.c.name)).all())


def events_per_week(connection: Connection, filters: _Filters) -> Chart:
    sql = f"""
SELECT event_week, quad_class, COUNT(DISTINCT cluster_id) AS events
FROM events_view
WHERE cluster_id IS NOT NULL{filters.on_rows('ingested_at', outlet='outlet', source_name='source')}
GROUP BY event_week, quad_class
ORDER BY event_week, quad_class"""
    params = filters.params()
    rows = _run(connection, sql, params)
    names = _quad_names(connection)
    weeks = sorted({_day(row.event_week) for row in rows})
    counts: dict[int, dict[date, int]] = defaultdict(dict)
    for row in rows:
        counts[row.quad_class][_day(row.event_week)] = row.events
    figure, axes = _figure()
    if not rows:
        _empty(axes, "no events in this selection")
        reading = "No asserted, non-negated events in this selection."
    else:
        # A calendar axis: weeks without events stay visible as gaps.
        bottom = [0] * len(weeks)
        for quad in sorted(names):
            heights = [counts[quad].get(week, 0) for week in weeks]
            axes.bar(weeks, heights, bottom=bottom, color=QUAD_COLORS.get(quad),
                     label=f"{quad} {names[quad]}", width=6, align="edge")
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axes.tick_params(axis="x", labelsize=8)
        figure.autofmt_xdate()
        _counts_axis(axes)
        axes.set_ylabel("events (clusters)")
        axes.legend(fontsize=8, frameon=False, ncols=2)
        totals = {quad: sum(counts[quad].values()) for quad in counts}
        total = sum(totals.values())
        top_quad = max(totals, key=lambda quad: totals[quad])
        busiest = max(weeks, key=lambda week: sum(counts[q].get(week, 0) for q in counts))
        reading = (f"{total} events over {len(weeks)} weeks; {names[top_quad].lower()} is the "
                   f"largest class ({totals[top_quad]} of {total}); the busiest week starts "
                   f"{busiest:%Y-%m-%d} ({sum(counts[q].get(busiest, 0) for q in counts)}).")
    return Chart("events-per-week", "Events per week by QuadClass", reading,
                 _shown(sql, params), _svg(figure, "events-per-week"))


def top_dyads(connection: Connection, filters: _Filters) -> Chart:
    where = filters.on_rows("ingested_at", outlet="outlet", source_name="source")
    sql = f"""
SELECT actor1_country, actor2_country, COUNT(*) AS events, AVG(goldstein) AS mean_goldstein
FROM (SELECT DISTINCT cluster_id, actor1_country, actor2_country, goldstein
      FROM events_view
      WHERE cluster_id IS NOT NULL
        AND actor1_country IS NOT NULL AND actor2_country IS NOT NULL
        AND actor1_country <> actor2_country{where}) d
GROUP BY actor1_country, actor2_country
ORDER BY events DESC, actor1_country, actor2_country
LIMIT {TOP_DYADS}"""
    params = filters.params()
    rows = _run(connection, sql, params)
    figure, axes = _figure(height=max(2.4, 0.32 * len(rows) + 1))
    if not rows:
        _empty(axes, "no events between two countries in this selection")
        reading = "No events between two different countries in this selection."
    else:
        import matplotlib as mpl

        rows = list(reversed(rows))
        norm = mpl.colors.Normalize(vmin=-10, vmax=10)
        colors = mpl.colormaps["RdYlBu"](norm([row.mean_goldstein for row in rows]))
        labels = [f"{row.actor1_country} → {row.actor2_country}" for row in rows]
        axes.barh(labels, [row.events for row in rows], color=colors, edgecolor="#555555",
                  linewidth=0.4)
        for position, row in enumerate(rows):
            axes.text(row.events, position, f"  {row.mean_goldstein:+.1f}", va="center",
                      fontsize=8)
        _counts_axis(axes, "x")
        axes.set_xlabel("events (clusters); label: mean Goldstein, −10 conflict … +10 "
                        "cooperation")
        axes.tick_params(axis="y", labelsize=8)
        figure.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap="RdYlBu"), ax=axes,
                        label="mean Goldstein", fraction=0.04)
        top = rows[-1]
        worst = min(rows, key=lambda row: row.mean_goldstein)
        reading = (f"{top.actor1_country} → {top.actor2_country} is the most active pair "
                   f"({top.events} events, mean Goldstein {top.mean_goldstein:+.1f}); the most "
                   f"conflictual of the top {len(rows)} is {worst.actor1_country} → "
                   f"{worst.actor2_country} ({worst.mean_goldstein:+.1f}).")
    return Chart("top-dyads", "Top country pairs, with mean Goldstein", reading,
                 _shown(sql, params), _svg(figure, "top-dyads"))


def top_entities(connection: Connection, filters: _Filters) -> Chart:
    where = filters.on_rows("a.ingested_at", outlet="COALESCE(a.site_name, a.source_name)",
                            source_name="s.name")
    sql = f"""
SELECT e.type, e.name, COUNT(*) AS mentions, COUNT(DISTINCT m.article_id) AS articles
FROM mentions m
JOIN entities e ON e.id = m.entity_id
JOIN articles a ON a.id = m.article_id
LEFT JOIN sources s ON s.id = a.source_id
WHERE 1 = 1{where}
GROUP BY e.type, e.name
ORDER BY mentions DESC, e.name"""
    params = filters.params()
    rows = _run(connection, sql, params)
    by_type: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        by_type[row.type].append(row)
    types = sorted(by_type, key=lambda t: -sum(r.mentions for r in by_type[t]))[:ENTITY_TYPES]
    import matplotlib.pyplot as plt

    if not types:
        figure, axes = _figure()
        _empty(axes, "no entity mentions in this selection")
        reading = "No entity mentions in this selection."
    else:
        columns = 2 if len(types) > 1 else 1
        rows_ = (len(types) + 1) // 2
        figure, grid = plt.subplots(rows_, columns, figsize=(9, 2.9 * rows_), squeeze=False)
        for axes, type_ in zip(grid.flat, types, strict=False):
            top = list(reversed(by_type[type_][:TOP_ENTITIES]))
            axes.barh([row.name[:28] for row in top], [row.mentions for row in top],
                      color="#5b8c5a")
            axes.set_title(type_, fontsize=10)
            axes.tick_params(labelsize=8)
            axes.spines[["top", "right"]].set_visible(False)
            _counts_axis(axes, "x")
        for axes in list(grid.flat)[len(types):]:
            axes.set_visible(False)
        figure.supxlabel("mentions", fontsize=8)
        figure.tight_layout()
        leader = by_type[types[0]][0]
        reading = (f"{len(rows)} entities mentioned; {types[0]} mentions lead, and "
                   f"{leader.name} is the most mentioned ({leader.mentions} mentions in "
                   f"{leader.articles} articles).")
    return Chart("top-entities", "Top entities by type", reading, _shown(sql, params),
                 _svg(figure, "top-entities"))


def source_health(connection: Connection, filters: _Filters) -> Chart:
    sql = f"""
SELECT COALESCE(source, '(ad hoc runs)') AS source, day,
       SUM(articles) AS articles, SUM(errors) AS errors
FROM source_health_daily
WHERE 1 = 1{filters.on_days('day')}
GROUP BY COALESCE(source, '(ad hoc runs)'), day
ORDER BY day, source"""
    params = filters.day_params()
    rows = _run(connection, sql, params)
    figure, axes = _figure()
    if not rows:
        _empty(axes, "nothing loaded in this selection")
        reading = "Nothing was loaded or quarantined in this selection."
    else:
        sources = sorted({row.source for row in rows})
        days = sorted({_day(row.day) for row in rows})
        series = {(row.source, _day(row.day)): row for row in rows}
        width = 0.8 / max(1, len(sources))
        colors = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]
        for n, name in enumerate(sources):
            offsets = [i + n * width - 0.4 + width / 2 for i in range(len(days))]
            articles = [series[(name, d)].articles if (name, d) in series else 0 for d in days]
            errors = [series[(name, d)].errors if (name, d) in series else 0 for d in days]
            color = colors[n % len(colors)]
            axes.bar(offsets, articles, width=width, color=color, label=f"{name}: articles")
            axes.bar(offsets, errors, width=width * 0.5, color="#222222", alpha=0.55,
                     label=f"{name}: errors" if n == 0 else None)
        step = max(1, len(days) // 12)
        axes.set_xticks(list(range(len(days)))[::step], [f"{d:%Y-%m-%d}" for d in days][::step],
                        rotation=45, ha="right", fontsize=8)
        axes.set_ylabel("items per UTC day")
        _room(axes, len(days))
        _counts_axis(axes)
        axes.legend(fontsize=8, frameon=False)
        articles = sum(row.articles for row in rows)
        errors = sum(row.errors for row in rows)
        rate = errors / (articles + errors) if articles + errors else 0.0
        reading = (f"{articles} articles loaded and {errors} items quarantined "
                   f"({rate:.0%} of items) from {len(sources)} source(s) over {len(days)} "
                   "day(s); dark bars are errors.")
        if filters.source and filters.source.source_id is None:
            reading += f" (Health is kept per named source; {filters.source.name!r} is an " \
                       "outlet, so this chart shows every source.)"
    return Chart("source-health", "Articles and errors per source over time", reading,
                 _shown(sql, params), _svg(figure, "source-health"))


def _articles_where(filters: _Filters) -> str:
    return filters.on_rows("a.ingested_at", outlet="COALESCE(a.site_name, a.source_name)",
                           source_name="s.name")


def languages(connection: Connection, filters: _Filters) -> Chart:
    sql = f"""
SELECT COALESCE(a.language, '?') AS language, COUNT(*) AS articles
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id
WHERE 1 = 1{_articles_where(filters)}
GROUP BY COALESCE(a.language, '?')
ORDER BY articles DESC, language"""
    params = filters.params()
    rows = _run(connection, sql, params)
    figure, axes = _figure(height=2.8)
    if not rows:
        _empty(axes, "no articles in this selection")
        reading = "No articles in this selection."
    else:
        axes.bar([row.language for row in rows], [row.articles for row in rows],
                 color="#8172b3", width=0.6)
        axes.set_ylabel("articles")
        _room(axes, len(rows))
        _counts_axis(axes)
        total = sum(row.articles for row in rows)
        reading = (f"{len(rows)} language(s); {rows[0].language} makes up "
                   f"{rows[0].articles} of {total} articles ({rows[0].articles / total:.0%}).")
    return Chart("languages", "Languages", reading, _shown(sql, params),
                 _svg(figure, "languages"))


def near_duplicates(connection: Connection, filters: _Filters) -> Chart:
    sql = f"""
SELECT COALESCE(a.site_name, a.source_name, '(no outlet)') AS outlet,
       COUNT(*) AS articles,
       SUM(CASE WHEN a.duplicate_of IS NULL THEN 0 ELSE 1 END) AS near_duplicates
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id
WHERE 1 = 1{_articles_where(filters)}
GROUP BY COALESCE(a.site_name, a.source_name, '(no outlet)')
ORDER BY articles DESC, outlet"""
    params = filters.params()
    rows = _run(connection, sql, params)
    figure, axes = _figure(height=max(2.4, 0.3 * min(len(rows), TOP_OUTLETS) + 1))
    if not rows:
        _empty(axes, "no articles in this selection")
        reading = "No articles in this selection."
    else:
        shown = list(reversed(rows[:TOP_OUTLETS]))
        originals = [row.articles - row.near_duplicates for row in shown]
        labels = [row.outlet[:30] for row in shown]
        axes.barh(labels, originals, color="#4c72b0", label="original")
        axes.barh(labels, [row.near_duplicates for row in shown], left=originals,
                  color="#dd8452", label="near-duplicate copy")
        axes.set_xlabel("articles")
        axes.tick_params(axis="y", labelsize=8)
        _counts_axis(axes, "x")
        axes.legend(fontsize=8, frameon=False)
        total = sum(row.articles for row in rows)
        copies = sum(row.near_duplicates for row in rows)
        reading = (f"{copies} of {total} articles ({copies / total:.0%}) are near-duplicate "
                   "copies of an earlier article; they are loaded, and their events join the "
                   "original's clusters.")
    return Chart("near-duplicates", "Share of near-duplicates", reading, _shown(sql, params),
                 _svg(figure, "near-duplicates"))


def modality(connection: Connection, filters: _Filters) -> Chart:
    sql = f"""
SELECT modality, negated, COUNT(*) AS events
FROM events_view
WHERE 1 = 1{filters.on_rows('ingested_at', outlet='outlet', source_name='source')}
GROUP BY modality, negated
ORDER BY modality, negated"""
    params = filters.params()
    rows = _run(connection, sql, params)
    figure, axes = _figure(height=2.6)
    if not rows:
        _empty(axes, "no events in this selection")
        reading = "No events in this selection."
    else:
        labels = [f"{row.modality}{', negated' if row.negated else ''}" for row in rows]
        colors = ["#55a868" if row.modality == "asserted" and not row.negated else "#aaaaaa"
                  for row in rows]
        axes.barh(labels, [row.events for row in rows], color=colors)
        axes.set_xlabel("events rows (sentences)")
        total = sum(row.events for row in rows)
        counted = sum(row.events for row in rows if row.modality == "asserted"
                      and not row.negated)
        reading = (f"{counted} of {total} coded sentences ({counted / total:.0%}) state an "
                   "event that happened (asserted, not negated); the rest are plans, "
                   "possibilities or denials and are left out of event counts.")
    return Chart("modality", "Asserted, future, hypothetical and negated events", reading,
                 _shown(sql, params), _svg(figure, "modality"))


CHARTS: tuple[Callable[[Connection, _Filters], Chart], ...] = (
    events_per_week, top_dyads, top_entities, source_health, languages, near_duplicates,
    modality)


def _summary(connection: Connection, filters: _Filters) -> list[tuple[str, int]]:
    where = _articles_where(filters)
    sql = f"""
SELECT COUNT(DISTINCT a.id) AS articles,
       COUNT(DISTINCT v.event_id) AS events,
       COUNT(DISTINCT v.cluster_id) AS clusters
FROM articles a
LEFT JOIN sources s ON s.id = a.source_id
LEFT JOIN events_view v ON v.article_id = a.id
WHERE 1 = 1{where}"""
    row = _run(connection, sql, filters.params())[0]
    return [("articles", row.articles), ("events (sentences)", row.events),
            ("real-world events (clusters)", row.clusters)]


def build_report(engine: Engine, request: ReportRequest) -> Report:
    with engine.connect() as connection:
        source = resolve_source(connection, request.source) if request.source else None
        filters = _Filters(Window(request.since, request.until), source)
        scope = filters.window.describe() + (f"; source {source.name}" if source else "")
        report = Report("newsflow report", scope, _summary(connection, filters))
        report.charts = [chart(connection, filters) for chart in CHARTS]
    return report


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #222; background: #fafafa; }
main { max-width: 980px; margin: 0 auto; padding: 1.5rem; }
h1 { margin-bottom: 0.2rem; }
.scope { color: #555; margin-top: 0; }
table.summary { border-collapse: collapse; margin: 1rem 0; }
table.summary td { padding: 0.2rem 0.8rem; border-bottom: 1px solid #ddd; }
table.summary td.n { text-align: right; font-variant-numeric: tabular-nums; }
section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 1rem;
          margin: 1rem 0; }
section h2 { margin: 0 0 0.3rem; font-size: 1.15rem; }
p.reading { margin: 0 0 0.6rem; }
svg.chart { width: 100%; height: auto; display: block; }
details pre { background: #f4f4f4; padding: 0.6rem; overflow-x: auto; font-size: 0.8rem; }
footer { color: #777; font-size: 0.85rem; margin-top: 2rem; }
"""


def render_html(report: Report) -> str:
    sections = []
    for chart in report.charts:
        sections.append(
            f'<section id="{chart.key}">\n<h2>{html.escape(chart.title)}</h2>\n'
            f'<p class="reading">{html.escape(chart.reading)}</p>\n'
            f'<figure>{chart.svg}</figure>\n'
            f"<details><summary>SQL</summary><pre>{html.escape(chart.sql)}</pre></details>\n"
            "</section>")
    rows = "".join(f'<tr><td>{html.escape(name)}</td><td class="n">{value:,}</td></tr>'
                   for name, value in report.summary)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(report.title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n<h1>{html.escape(report.title)}</h1>\n"
        f'<p class="scope">{html.escape(report.scope)}</p>\n'
        f'<table class="summary">{rows}</table>\n'
        + "\n".join(sections) +
        f"\n<footer>Generated {report.generated_at:%Y-%m-%d %H:%M} UTC by newsflow "
        f"{html.escape(__version__)} (newsflow report). Event counts are event clusters: "
        "asserted, non-negated events, each real-world event once however many articles "
        "report it.</footer>\n</main>\n</body>\n</html>\n")


def write_report(engine: Engine, request: ReportRequest, out: Path) -> Report:
    report = build_report(engine, request)
    out.write_text(render_html(report), encoding="utf-8")
    return report
