"""Faults on the way: the crawl goes on, counts each, never leaves the site, retries next run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from crawl_support import SITE, article_paths, copy_site, fetched, run_crawl
from pymongo.database import Database

from atnews_scraper.config import Config
from atnews_scraper.replay import ReplayServer

MAIN = "https://www.afghanistantimes.af"
EMPTY_LISTING = (
    "<html><head><title>Editorial</title></head><body><div class='page-head'>"
    "<h1 class='page-title'>Editorial</h1></div><div class='post-listing archive-box'>"
    "<p>Nothing found</p></div></body></html>"
)


def faulty_site(root: Path) -> tuple[Path, list[str]]:
    """fixtures/site plus trouble: an HTML 'sitemap', off-site, gone and removed articles, a
    redirect off the site and an empty listing page. Returns it and six article paths."""
    site = copy_site(root)
    manifest_path = site / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    entries = manifest["entries"]
    (site / "robots.txt").write_text(
        (site / "robots.txt").read_text() + f"Sitemap: {MAIN}/broken-sitemap.xml\n"
    )
    (site / "broken-sitemap.html").write_text("<!DOCTYPE html><html><body>Oops</body></html>")
    entries["/broken-sitemap.xml"] = {
        "status": 200,
        "file": "broken-sitemap.html",
        "content_type": "text/html; charset=UTF-8",
    }
    (site / "removed.html").write_text("<html><body>Removed</body></html>")
    entries["/removed-article/"] = {
        "status": 410,
        "file": "removed.html",
        "content_type": "text/html; charset=UTF-8",
    }
    entries["/moved-away/"] = {"status": 301, "location": "https://example.com/moved/"}
    editorial = entries["/category/editorial/"]
    (site / editorial["file"]).write_text(EMPTY_LISTING)
    extra = "".join(
        f"<url><loc>{loc}</loc></url>"
        for loc in (
            "https://example.com/elsewhere/",
            f"{MAIN}/gone-article/",
            f"{MAIN}/removed-article/",
            f"{MAIN}/moved-away/",
        )
    )
    sitemap = site / entries["/wp-sitemap-posts-post-1.xml"]["file"]
    sitemap.write_text(sitemap.read_text().replace("</urlset>", extra + "</urlset>"))
    manifest_path.write_text(json.dumps(manifest))
    return site, sorted(article_paths(SITE))[:6]


@pytest.mark.slow
def test_faults_are_counted_and_the_crawl_goes_on(
    config: Config, database: Database, tmp_path: Path
) -> None:
    site, (a, b, c, d, e, f) = faulty_site(tmp_path / "site")
    faults = [
        "503,retry-after=1,times=1@/feed/",
        f"429,retry-after=1,times=1@{a}",
        f"500@{b}",
        f"slow=3@{c}",
        f"truncate@{d}",
        f"loop@{e}",
        f"drop@{f}",
    ]
    with ReplayServer(site, faults=faults) as server:
        result = run_crawl(config, server.url, "--full", "--timeout", "1")
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    summary = result.summary
    assert summary["errors"] == {
        "bad_sitemap": 1,
        "connection": 1,
        "http_404": 1,
        "http_410": 1,
        "http_5xx": 1,
        "redirect_loop": 1,
        "timeout": 1,
        "truncated": 1,
    }
    assert summary["skipped"]["offsite"] == 2
    assert summary["retry_after_honoured"] == 2
    assert summary["article_pages"] == 35
    assert counts[a] == 2 and counts["/feed/"] == 2
    assert counts[b] == 4  # the first try and three retries
    assert "/elsewhere/" not in counts and "/moved/" not in counts
    assert counts["/category/editorial/"] == 1 and "/category/editorial/page/2/" not in counts
    assert summary["discovery"]["listings/empty"] == 1
    failed = {d["url"]: d["error"] for d in database["crawl_state"].find({"type": "failed"})}
    assert failed == {
        f"{MAIN}{b}": "http_5xx",
        f"{MAIN}{c}": "timeout",
        f"{MAIN}{d}": "truncated",
        f"{MAIN}{e}": "redirect_loop",
        f"{MAIN}{f}": "connection",
    }

    with ReplayServer(site) as server:
        again = run_crawl(config, server.url)
        counts = fetched(server.requests)
    assert again.code == 0, again.stderr
    assert again.summary["retried_from_last_run"] == 5
    assert all(counts[path] == 1 for path in (b, c, d, e, f))
    assert list(database["crawl_state"].find({"type": "failed"})) == []


@pytest.mark.slow
def test_failures_over_the_threshold_exit_1(config: Config) -> None:
    with ReplayServer(SITE, faults=["500@/*-*/"]) as server:
        result = run_crawl(config, server.url)
    assert result.code == 1
    assert result.summary["status"] == "partial"
    assert result.summary["errors"] == {"http_5xx": 40}
    assert result.stderr.strip().splitlines()[-1] == (
        f"atnews crawl: 40 failures in {result.summary['requests']} requests "
        "(over the allowed 10%); failed URLs are retried on the next run"
    )
