"""The crawl summary and progress line, from Scrapy stats."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pymongo.database import Database

from atnews_scraper.crawl.lock import CrawlLock
from atnews_scraper.crawl.progress import progress_line
from atnews_scraper.crawl.summary import (
    RunFacts,
    build_summary,
    store_summary,
    summary_json,
    summary_text,
)
from atnews_scraper.errors import LockHeld

STARTED = dt.datetime(2026, 1, 2, 3, 0, 0, tzinfo=dt.UTC)
FACTS = RunFacts(
    run_id="20260102T030000Z-1",
    started_at=STARTED,
    finished_at=STARTED + dt.timedelta(seconds=12.5),
    site_url="http://127.0.0.1:8080/",
    mode="incremental",
    refresh=False,
    since=None,
    max_pages=None,
    sources=("feeds", "sitemaps"),
    unreachable=None,
    budget_hit=False,
    peak_memory_mb=101.26,
)
STATS = {
    "finish_reason": "finished",
    "downloader/request_count": 50,
    "downloader/response_count": 48,
    "atnews/pages/articles": 10,
    "atnews/articles/new": 8,
    "atnews/articles/updated": 1,
    "atnews/articles/rejected": 1,
    "atnews/errors/http_404": 2,
    "atnews/errors/timeout": 3,
    "atnews/skipped/known": 30,
    "atnews/listings/empty": 1,
    "atnews/fields_empty/byline": 4,
    "retry/count": 6,
}


def test_summary_from_stats() -> None:
    summary = build_summary(FACTS, STATS)
    assert summary["status"] == "ok"
    assert summary["exit_code"] == 0
    assert summary["duration_s"] == 12.5
    assert summary["articles"] == {
        "new": 8,
        "updated": 1,
        "unchanged": 0,
        "rejected": 1,
        "duplicate": 0,
        "journalled": 0,
        "not_modified": 0,
    }
    assert summary["errors"] == {"http_404": 2, "timeout": 3}
    assert summary["errors_total"] == 5
    assert summary["skipped"] == {"known": 30}
    assert summary["discovery"] == {"listings/empty": 1}
    assert summary["requests_per_new_article"] == 6.25
    assert summary["empty_field_share"] == {
        "title": 0.0,
        "body": 0.0,
        "published_at": 0.0,
        "byline": 0.4,
        "categories": 0.0,
    }
    assert summary["peak_memory_mb"] == 101.3
    assert summary_text(summary).splitlines() == [
        "crawl ok in 12.5s (incremental, http://127.0.0.1:8080/): 50 requests, 48 pages fetched, "
        "10 article pages",
        "articles: 8 new, 1 updated, 0 unchanged, 1 rejected, 0 duplicate",
        "errors: http_404 2, timeout 3",
        "skipped: known 30",
        "requests per new article: 6.25",
        "articles with an empty field: byline 40%",
    ]
    assert json.loads(summary_json(summary))["started_at"] == "2026-01-02T03:00:00+00:00"


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"atnews/errors/timeout": 6}, "partial", 1),  # 6 of 50 requests: over 10%
        ({"atnews/errors/http_404": 40}, "ok", 0),  # gone pages are not failures
        ({"finish_reason": "shutdown"}, "interrupted", 1),
    ],
)
def test_status_and_exit_code(changes: dict[str, object], status: str, code: int) -> None:
    summary = build_summary(FACTS, {**STATS, **changes})
    assert (summary["status"], summary["exit_code"]) == (status, code)


def test_unreachable_site_exits_3() -> None:
    facts = FACTS.__class__(**{**FACTS.__dict__, "unreachable": "http://x/robots.txt: refused"})
    summary = build_summary(facts, {"finish_reason": "finished"})
    assert (summary["status"], summary["exit_code"]) == ("unreachable", 3)


def test_summary_is_stored_in_crawl_runs(database: Database) -> None:
    store_summary(database, build_summary(FACTS, STATS))
    stored = database["crawl_runs"].find_one({"_id": "20260102T030000Z-1"})
    assert stored is not None
    assert (stored["started_at"], stored["articles"]["new"]) == (STARTED, 8)


def test_progress_line() -> None:
    stats = {**STATS, "scheduler/enqueued": 70, "scheduler/dequeued": 52}
    assert progress_line(stats) == (
        "pages 48 | articles new 8 updated 1 unchanged 0 rejected 1 | errors 5 | queued 18"
    )


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    path = tmp_path / "run" / "crawl-atnews.lock"
    with CrawlLock(path), pytest.raises(LockHeld, match="another crawl is already running"):
        CrawlLock(path).__enter__()
    with CrawlLock(path):
        assert path.read_text().strip().isdigit()
