"""Options that bound or shape a run: --since, --max-pages, --sources."""

from __future__ import annotations

import re
from pathlib import Path

from crawl_support import SITE, article_paths, copy_site, fetched, run_crawl

from atnews_scraper.config import Config
from atnews_scraper.replay import ReplayServer

ARTICLES = article_paths(SITE)
LASTMODS = dict(
    re.findall(
        r"<loc>https://www\.afghanistantimes\.af(/[^<]*)</loc><lastmod>(\d{4}-\d\d-\d\d)",
        (SITE / "wp-sitemap-posts-post-1.xml").read_text(),
    )
)


def test_since_fetches_only_articles_changed_on_or_after_the_day(config: Config) -> None:
    with ReplayServer(SITE) as server:
        result = run_crawl(config, server.url, "--since", "2024-01-01")
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    wanted = {path for path, day in LASTMODS.items() if day >= "2024-01-01"}
    assert len(wanted) == 10
    assert {p for p in counts if p in ARTICLES} == wanted
    assert "/" not in counts  # listings carry no dates
    assert result.summary["skipped"]["since"] == 30  # sitemap entries (the feed's are all newer)


def test_max_pages_bounds_the_run(config: Config) -> None:
    with ReplayServer(SITE) as server:
        result = run_crawl(config, server.url, "--max-pages", "10")
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    assert sum(counts.values()) == 11  # robots.txt, then 10
    assert result.summary["stopped_at_max_pages"] is True
    assert result.summary["article_pages"] == 8  # after the sitemap index and post sitemap


def test_feeds_only(config: Config) -> None:
    with ReplayServer(SITE) as server:
        result = run_crawl(config, server.url, "--sources", "feeds")
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    assert {p for p in counts if p not in ARTICLES} == {"/robots.txt", "/feed/"}
    assert len({p for p in counts if p in ARTICLES}) == 10
    assert all(n == 1 for n in counts.values())


def test_listings_alone_find_every_article(config: Config) -> None:
    with ReplayServer(SITE) as server:
        result = run_crawl(config, server.url, "--sources", "listings")
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    assert {p: n for p, n in counts.items() if p in ARTICLES} == dict.fromkeys(ARTICLES, 1)
    assert {"/page/2/", "/page/3/", "/page/4/"} <= set(counts)
    # No sitemap was read, so the categories were visited too; they stopped at page 1, whose
    # articles had all been requested already.
    assert {"/category/opinions/", "/category/latest/"} <= set(counts)
    assert "/category/latest/page/2/" not in counts
    assert not any("sitemap" in p or "feed" in p for p in counts)


def test_without_robots_sitemap_lines_the_usual_places_are_tried_in_turn(
    config: Config, tmp_path: Path
) -> None:
    site = copy_site(tmp_path / "site")
    robots = site / "robots.txt"
    robots.write_text("".join(line for line in robots.read_text().splitlines(True)
                              if not line.startswith("Sitemap:")))  # fmt: skip
    with ReplayServer(site) as server:
        result = run_crawl(config, server.url)
        paths = [str(r["path"]) for r in server.requests]
    assert result.code == 0, result.stderr
    assert paths[:3] == ["/robots.txt", "/sitemap_index.xml", "/wp-sitemap.xml"]
    assert result.summary["discovery"]["sitemaps/missing"] == 1
    assert result.summary["article_pages"] == 40
