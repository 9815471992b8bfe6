"""`atnews browse`: the analysis index served by Datasette, read-only, on 127.0.0.1.

Datasette serves a snapshot of the index (copied with SQLite's backup API, so a sync running
meanwhile never changes what it reads) as an immutable database named ``atnews``. This module is
also the Datasette plugin that adds the home page (search box, articles per month as an SVG bar
chart drawn here), the article page (``/-/article/<id>``) and links from titles to it. Everything
is rendered by Jinja with autoescaping, and only http(s) URLs become links, so a title or body
holding ``<script>`` or a ``javascript:`` URL is shown as text.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

DATABASE = "atnews"
TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 960, 260, 40


def snapshot(index: Path, target: Path) -> Path:
    """A consistent copy of the index at ``target`` (what Datasette serves)."""
    source = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


def metadata() -> dict[str, Any]:
    facets = [{"array": "categories"}, {"array": "tags"}, {"array": "authors"}, "year_month"]
    return {
        "title": "atnews: Afghanistan Times archive",
        "description": "Search and browse the articles atnews has stored (a read-only copy).",
        "databases": {
            DATABASE: {
                "tables": {
                    "article_list": {
                        "title": "Articles",
                        "fts_table": "articles_fts",
                        "fts_pk": "id",
                        "searchmode": "escaped",
                        "sort_desc": "published",
                        "facets": facets,
                        "size": 50,
                    },
                    "articles": {"hidden": True},
                    "article_texts": {"hidden": True},
                    "article_fts_source": {"hidden": True},
                    "applied_batches": {"hidden": True},
                    "article_revisions": {"hidden": True},
                    "index_meta": {"hidden": True},
                    **{
                        f"article_{name}": {"hidden": True}
                        for name in ("categories", "tags", "authors", "aliases")
                    },
                }
            }
        },
    }


def web_url(value: Any) -> str | None:
    """The value when it is an http(s) URL, else None (never a javascript: or data: link)."""
    if not isinstance(value, str):
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return None
    return value.strip() if scheme in ("http", "https") else None


def month_chart(rows: list[tuple[str, int]]) -> Markup:
    """Articles per month as an inline SVG bar chart (labels escaped)."""
    if not rows:
        return Markup("<p>No dated articles yet.</p>")
    most = max(count for _, count in rows) or 1
    inner = CHART_HEIGHT - 2 * CHART_MARGIN
    width = (CHART_WIDTH - 2 * CHART_MARGIN) / len(rows)
    parts = [
        f'<svg class="month-chart" role="img" aria-label="Articles per month" '
        f'viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" width="100%">'
    ]
    for n, (month, count) in enumerate(rows):
        height = inner * count / most
        x = CHART_MARGIN + n * width
        y = CHART_MARGIN + inner - height
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width - 1, 0.5):.1f}" '
            f'height="{height:.1f}" fill="#3b6ea5"><title>{escape(month)}: {count}</title></rect>'
        )
    step = max(1, len(rows) // 12)
    for n in range(0, len(rows), step):
        x = CHART_MARGIN + n * width
        parts.append(
            f'<text x="{x:.1f}" y="{CHART_HEIGHT - 12}" font-size="11">{escape(rows[n][0])}</text>'
        )
    parts.append(
        f'<text x="4" y="{CHART_MARGIN - 8}" font-size="11">{most} articles (busiest month)</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> Any:
    if template != "index.html":
        return None

    async def variables() -> dict[str, Any]:
        database = datasette.get_database(DATABASE)
        months = await database.execute(
            "SELECT year_month, count(*) FROM articles WHERE year_month IS NOT NULL "
            "GROUP BY year_month ORDER BY year_month"
        )
        totals = await database.execute(
            "SELECT count(*), sum(year_month IS NULL), min(published), max(published) FROM articles"
        )
        total, undated, first, last = totals.first()
        return {
            "atnews_database": DATABASE,
            "atnews_chart": month_chart([(row[0], row[1]) for row in months.rows]),
            "atnews_total": total,
            "atnews_undated": undated or 0,
            "atnews_first": first,
            "atnews_last": last,
        }

    return variables


@hookimpl
def render_cell(value: Any, column: str, table: str | None, row: Any) -> Any:
    """In the article list: titles open the article page; URLs are links only when http(s)."""
    if table != "article_list":
        return None
    if column == "title":
        return Markup(f'<a href="/-/article/{int(row["id"])}">{escape(value or "(no title)")}</a>')
    if column == "url":
        url = web_url(value)
        return (
            Markup(f'<a href="{escape(url)}" rel="noreferrer">{escape(url)}</a>') if url else None
        )
    return None


async def article_page(datasette: Any, request: Any) -> Response:
    database = datasette.get_database(DATABASE)
    article_id = int(request.url_vars["id"])
    found = await database.execute(
        "SELECT t.document, a.published FROM articles a JOIN article_texts t ON t.id = a.id "
        "WHERE a.id = ?",
        [article_id],
    )
    row = found.first()
    if row is None:
        return Response.html("<h1>No such article</h1>", status=404)
    record = json.loads(row["document"])

    async def link(item: Any) -> dict[str, Any] | None:
        if not isinstance(item, dict) or not item.get("url"):
            return None
        match = await database.execute(
            "SELECT id FROM articles WHERE url = ? LIMIT 1", [item["url"]]
        )
        local = match.first()
        return {
            "title": item.get("title") or item["url"],
            "local": f"/-/article/{local[0]}" if local else None,
            "original": web_url(item["url"]),
        }

    check_also = await link(record.get("check_also"))
    related = [found for item in record.get("related") or [] if (found := await link(item))]
    body = record.get("body") or ""
    context = {
        "record": record,
        "published": row["published"],
        "paragraphs": [p.strip() for p in body.split("\n\n") if p.strip()],
        "original": web_url(record.get("url")),
        "check_also": check_also,
        "related": related,
        "byline_parts": [
            part
            for part in (
                "By " + ", ".join(record["authors"])
                if record.get("authors")
                else record.get("byline"),
                record.get("dateline"),
            )
            if part
        ],
        "atnews_database": DATABASE,
    }
    html = await datasette.render_template("article.html", context, request=request)
    return Response.html(html)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/article/(?P<id>\d+)$", article_page)]
