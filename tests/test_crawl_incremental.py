"""Incremental crawls: nothing new costs at most 5 requests; new and changed articles only."""

from __future__ import annotations

from pathlib import Path

import pytest
from crawl_support import SITE, article_paths, fetched, run_crawl
from pymongo.database import Database

from atnews_scraper.config import Config
from atnews_scraper.replay import ReplayServer
from tooling.sitegen import default_site, write_site

ARTICLES = article_paths(SITE)


@pytest.mark.slow
def test_second_crawl_with_nothing_new_makes_at_most_5_requests(
    config: Config, database: Database
) -> None:
    with ReplayServer(SITE) as server:
        assert run_crawl(config, server.url).code == 0
        server.reset_log()
        result = run_crawl(config, server.url)
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    assert sum(counts.values()) <= 5
    assert not set(counts) & ARTICLES
    summary = result.summary
    assert (summary["mode"], summary["article_pages"], summary["errors"]) == ("incremental", 0, {})
    assert database["articles"].count_documents({}) == 40


@pytest.mark.slow
def test_new_and_changed_articles_are_the_only_article_pages_fetched(
    config: Config, database: Database, tmp_path: Path
) -> None:
    with ReplayServer(SITE) as server:
        assert run_crawl(config, server.url).code == 0
    site = default_site()
    changed_slug = site.newest_first[20].slug
    later = site.with_new_articles(3).with_changed_article(changed_slug)
    snapshot = write_site(later, tmp_path / "site")
    new_paths = {a.path for a in later.articles} - {a.path for a in site.articles}
    assert len(new_paths) == 3
    with ReplayServer(snapshot) as server:
        result = run_crawl(config, server.url)
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    article_pages = {path: n for path, n in counts.items() if path in article_paths(snapshot)}
    assert article_pages == dict.fromkeys(new_paths | {f"/{changed_slug}/"}, 1)
    assert sum(counts.values()) - 4 <= 5
    assert (result.summary["articles"]["new"], result.summary["articles"]["updated"]) == (3, 1)
    assert database["articles"].count_documents({}) == 43
    changed = database["articles"].find_one(
        {"url": f"https://www.afghanistantimes.af/{changed_slug}/"}
    )
    assert changed is not None and changed["revision"] == 2


@pytest.mark.slow
def test_refresh_fetches_every_stored_article_again(config: Config, database: Database) -> None:
    with ReplayServer(SITE) as server:
        assert run_crawl(config, server.url).code == 0
        server.reset_log()
        result = run_crawl(config, server.url, "--refresh")
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    assert {p: n for p, n in counts.items() if p in ARTICLES} == dict.fromkeys(ARTICLES, 1)
    assert result.summary["articles"]["unchanged"] == 40
    assert database["articles"].count_documents({"revision": 1}) == 40
