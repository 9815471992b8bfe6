"""Politeness: a 429 / 503 pauses the whole host, and robots.txt Crawl-delay spaces the requests.

The end-to-end tests read the exact request times from the replay server's log.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from crawl_support import SITE, article_paths, copy_site, fetched, run_crawl
from pymongo.database import Database

from atnews_scraper.config import Config
from atnews_scraper.crawl.pacing import Backoff, HostPause, SiteDelay, site_delay
from atnews_scraper.crawl.runner import NOT_POLITE
from atnews_scraper.replay import ReplayServer

MAIN = "https://www.afghanistantimes.af"
ARTICLES = article_paths(SITE)
# Requests logged this soon after a 429 (at most the crawl's other open requests) were sent
# before the crawler read it: the server logs the burst of a --no-polite crawl up to ~30 ms late.
IN_FLIGHT_S = 0.2
TOLERANCE_S = 0.02  # clock and scheduling slack on a pause or a delay
# A gap between two arrivals at the server also carries the event-loop lag of the earlier send
# (Scrapy measures the delay from when it took the request, not from when the bytes left): up
# to 70 ms seen on a 2-core machine at load 9. Without the Crawl-delay a gap is 0.5-1.5 s, so
# four gaps all above 1.4 s by chance would be 1 in 10,000.
DELAY_TOLERANCE_S = 0.1


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# --- the pure parts ----------------------------------------------------------------------------


def test_a_host_pause_lasts_its_seconds_and_only_for_its_host() -> None:
    clock = FakeClock()
    pauses = HostPause(clock)
    assert pauses.remaining("a") == 0.0
    assert pauses.pause("a", 3.0) == 3.0
    clock.now += 1.0
    assert (pauses.remaining("a"), pauses.remaining("b")) == (2.0, 0.0)
    clock.now += 2.0
    assert pauses.remaining("a") == 0.0


def test_a_new_pause_only_lengthens_the_running_one() -> None:
    clock = FakeClock()
    pauses = HostPause(clock)
    pauses.pause("a", 5.0)
    clock.now += 1.0
    assert pauses.pause("a", 2.0) == 0.0  # ends at 103, before the running pause (105)
    assert pauses.remaining("a") == 4.0
    assert pauses.pause("a", 6.0) == 2.0  # to 107: two seconds more
    assert pauses.remaining("a") == 6.0
    clock.now += 10.0
    assert pauses.pause("a", 1.0) == 1.0  # after the end: a new pause, counted in full


def test_backoff_is_retry_after_capped_else_doubling() -> None:
    wait = Backoff(first=2.0, cap=30.0)
    assert [wait.seconds(n) for n in range(6)] == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert wait.seconds(0, retry_after=7.0) == 7.0
    assert wait.seconds(3, retry_after=0.0) == 0.0
    assert wait.seconds(0, retry_after=3600.0) == 30.0


@pytest.mark.parametrize(
    ("download_delay", "jitter", "crawl_delay", "expected"),
    [
        # below DOWNLOAD_DELAY: the delay stays; +-50% of 1 s never goes under 0.5 s
        (1.0, 0.5, 0.5, SiteDelay(delay=1.0, jitter=0.5, capped=False)),
        (1.0, 0.5, 0.8, SiteDelay(delay=1.0, jitter=0.19999999999999996, capped=False)),
        (1.0, 0.5, 1.5, SiteDelay(delay=1.5, jitter=0.0, capped=False)),
        (1.0, 0.5, 3600.0, SiteDelay(delay=60.0, jitter=0.0, capped=True)),
        (0.0, 0.5, 0.0, SiteDelay(delay=0.0, jitter=0.5, capped=False)),
    ],
)
def test_site_delay_is_the_larger_delay_never_jittered_below_crawl_delay(
    download_delay: float, jitter: float, crawl_delay: float, expected: SiteDelay
) -> None:
    assert site_delay(download_delay, jitter, crawl_delay, cap=60.0) == expected


# --- end to end --------------------------------------------------------------------------------


def after(requests: list[dict[str, Any]], moment: float) -> list[float]:
    """Seconds from ``moment`` to each request logged after it."""
    return [round(r["time"] - moment, 3) for r in requests if r["time"] > moment]


def gaps(requests: list[dict[str, Any]]) -> list[float]:
    """Seconds between consecutive requests."""
    times = sorted(r["time"] for r in requests)
    return [round(b - a, 3) for a, b in itertools.pairwise(times)]


def crawl_log(config: Config) -> str:
    return (config.var_dir / "log" / "crawl.log").read_text()


def test_a_429_with_retry_after_pauses_the_host_and_every_article_is_stored_once(
    config: Config, database: Database
) -> None:
    article = sorted(ARTICLES)[0]
    with ReplayServer(SITE, faults=[f"429,retry-after=1,times=1@{article}"]) as server:
        result = run_crawl(config, server.url)
        requests = server.requests
    assert result.code == 0, result.stderr
    [slow_down] = [r for r in requests if r["status"] == 429]
    later = after(requests, slow_down["time"])
    assert len([t for t in later if t <= IN_FLIGHT_S]) < NOT_POLITE["CONCURRENT_REQUESTS"]
    assert [t for t in later if IN_FLIGHT_S < t < 1.0 - TOLERANCE_S] == []
    assert len([t for t in later if t >= 1.0 - TOLERANCE_S]) >= 20  # the crawl went on after it
    counts = fetched(requests)
    assert {path: counts[path] for path in ARTICLES} == {
        path: 2 if path == article else 1 for path in ARTICLES
    }
    stored = sorted(d["url"] for d in database["articles"].find({}, {"url": 1}))
    assert stored == sorted(MAIN + path for path in ARTICLES)
    assert result.summary["retry_after_honoured"] == 1
    assert (result.summary["host_paused"], result.summary["host_paused_seconds"]) == (1, 1.0)
    assert result.summary["crawl_delay_s"] is None
    host = server.host
    assert f"host {host} paused for 1.0 s (HTTP 429, Retry-After)" in crawl_log(config)


@pytest.mark.slow
def test_a_polite_crawl_pauses_on_503_and_sends_nothing_queued_meanwhile(config: Config) -> None:
    """Polite: a 503 without Retry-After pauses the host for the first backoff (2 s), and the
    requests already queued in the downloader wait it out too. Each article answers 503 once;
    normal gaps are 1 s +-50%."""
    with ReplayServer(SITE, faults=["503,times=1@/*-*/"]) as server:
        result = run_crawl(config, server.url, "--max-pages", "4", polite=True, timeout=60)
        requests = server.requests
    assert result.code == 0, result.stderr
    slow_downs = [r for r in requests if r["status"] == 503]
    assert len(slow_downs) == 2  # --max-pages 4: two sitemaps, two articles
    for slow_down in slow_downs:
        assert min(after(requests, slow_down["time"])) >= 2.0 - TOLERANCE_S
    assert sorted(fetched(requests)[r["path"]] for r in slow_downs) == [2, 2]
    assert result.summary["article_pages"] == 2
    assert crawl_log(config).count(f"host {server.host} paused for 2.0 s (HTTP 503)") == 2


def crawl_delay_site(root: Path, seconds: float) -> Path:
    site = copy_site(root)
    robots = site / "robots.txt"
    text = robots.read_text()
    assert text.startswith("User-agent: *\n")
    robots.write_text(text.replace("User-agent: *\n", f"User-agent: *\nCrawl-delay: {seconds}\n"))
    return site


@pytest.mark.slow
def test_a_polite_crawl_keeps_to_robots_crawl_delay(config: Config, tmp_path: Path) -> None:
    """Crawl-delay 1.5 s, above DOWNLOAD_DELAY (1 s, +-50%): every gap at least 1.5 s."""
    site = crawl_delay_site(tmp_path / "site", 1.5)
    with ReplayServer(site) as server:
        result = run_crawl(config, server.url, "--max-pages", "4", polite=True, timeout=60)
        requests = server.requests
    assert result.code == 0, result.stderr
    assert len(requests) == 5  # robots.txt, two sitemaps, two articles
    assert min(gaps(requests)) >= 1.5 - DELAY_TOLERANCE_S
    assert result.summary["crawl_delay_s"] == 1.5
    assert "robots.txt Crawl-delay 1.5 s: 1.5 s between requests" in crawl_log(config)


def test_no_polite_ignores_crawl_delay(config: Config, tmp_path: Path) -> None:
    site = crawl_delay_site(tmp_path / "site", 1.5)
    with ReplayServer(site) as server:
        result = run_crawl(config, server.url, "--max-pages", "4")
        requests = server.requests
    assert result.code == 0, result.stderr
    assert len(requests) == 5
    assert max(gaps(requests)) < 0.5
    assert result.summary["crawl_delay_s"] is None
    assert "robots.txt Crawl-delay 1.5 s ignored (--no-polite)" in crawl_log(config)
