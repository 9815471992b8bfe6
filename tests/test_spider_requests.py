"""The spider's request decisions, without a network: known, stale, off-site, budget, paging."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse, Request
from scrapy.squeues import PickleFifoDiskQueue
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from atnews_scraper.crawl.context import PageContext
from atnews_scraper.crawl.gate import KNOWN_RUN_STOP
from atnews_scraper.crawl.known import KnownArticle
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.spiders.atnews import AtnewsSpider

SITE = "http://127.0.0.1:8123/"
MAIN = "https://www.afghanistantimes.af"
STORED = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


def spider_for(known: dict[str, KnownArticle] | None = None, **options: object) -> AtnewsSpider:
    plan = CrawlPlan(CrawlOptions(site_url=SITE, **options), known or {})  # type: ignore[arg-type]
    crawler = get_crawler(AtnewsSpider)
    crawler.stats = MemoryStatsCollector(crawler)
    spider = AtnewsSpider.from_crawler(crawler, plan=plan)
    return spider


def known(path: str, etag: str | None = None) -> dict[str, KnownArticle]:
    return {MAIN + path: KnownArticle(MAIN + path, STORED, STORED, etag, None)}


def article_request(
    spider: AtnewsSpider, href: str, via: str, lastmod: dt.datetime | None = None
) -> Request | None:
    """The spider's request for an article link, as its callbacks make it (None: not made)."""
    return next(spider.requests([spider.gate.article(href, via, lastmod)]), None)


def stats(spider: AtnewsSpider) -> dict[str, object]:
    assert spider.crawler.stats is not None
    return spider.crawler.stats.get_stats()


def test_new_article_is_requested_once_at_the_site_url() -> None:
    spider = spider_for()
    request = article_request(spider, "https://afghanistantimes.media/new-one", "sitemap")
    assert isinstance(request, Request)
    assert request.url == SITE + "new-one/"
    assert request.cb_kwargs == {
        "context": PageContext(url=MAIN + "/new-one/", kind="article", via="sitemap", lastmod=None)
    }
    assert request.meta["atnews_url"] == MAIN + "/new-one/"
    assert request.callback == spider.parse_article and request.errback == spider.on_error
    assert article_request(spider, MAIN + "/new-one/?utm_source=x", "link") is None


def test_known_article_is_skipped_unless_stale_or_refresh() -> None:
    spider = spider_for(known("/old/", etag='"v1"'))
    assert article_request(spider, MAIN + "/old/", "sitemap", STORED) is None
    assert stats(spider)["atnews/skipped/known"] == 1
    later = STORED + dt.timedelta(hours=1)
    request = article_request(spider, MAIN + "/old/", "sitemap", later)
    assert request is not None
    assert request.headers.get("If-None-Match") == b'"v1"'
    refreshed = article_request(spider_for(known("/old/"), refresh=True), MAIN + "/old/", "feed")
    assert refreshed is not None and "If-None-Match" not in refreshed.headers


def test_off_site_and_non_article_links_are_not_requested() -> None:
    spider = spider_for()
    assert article_request(spider, "https://example.com/story/", "link") is None
    assert article_request(spider, MAIN + "/category/latest/", "link") is None
    assert article_request(spider, MAIN + "/wp-content/uploads/a.jpg", "link") is None
    assert stats(spider)["atnews/skipped/offsite"] == 1


def test_max_pages_is_a_budget_for_every_request() -> None:
    spider = spider_for(max_pages=2)
    assert article_request(spider, MAIN + "/a/", "sitemap") is not None
    assert article_request(spider, MAIN + "/b/", "sitemap") is not None
    assert article_request(spider, MAIN + "/c/", "sitemap") is None
    assert spider.budget_hit is True
    assert stats(spider)["atnews/skipped/budget"] == 1


def listing(paths: list[str], next_page: str = "/page/2/") -> HtmlResponse:
    items = "".join(
        f'<article class="item-list"><h2 class="post-box-title"><a href="{MAIN}{p}">x</a></h2>'
        "</article>"
        for p in paths
    )
    html = (
        f'<html><body><div class="post-listing">{items}</div>'
        f'<span id="tie-next-page"><a href="{MAIN}{next_page}">next</a></span></body></html>'
    )
    return HtmlResponse(SITE, body=html.encode(), encoding="utf-8", request=Request(SITE))


LISTING = PageContext(MAIN + "/", "listing", "start", page=1)


def test_listing_stops_paging_after_a_run_of_known_articles() -> None:
    paths = [f"/known-{n}/" for n in range(KNOWN_RUN_STOP)]
    stored = {MAIN + p: KnownArticle(MAIN + p, STORED, STORED, None, None) for p in paths}
    spider = spider_for(stored)
    out = list(spider.parse_listing(listing(["/new-one/", *paths]), LISTING))
    assert [r.url for r in out] == [SITE + "new-one/"]
    assert stats(spider)["atnews/listings/stopped_at_known"] == 1
    again = list(spider_for(stored).parse_listing(listing([*paths, "/new-one/"]), LISTING))
    assert [r.url for r in again] == [SITE + "new-one/", SITE + "page/2/"]


def test_the_spider_file_keeps_only_discovery() -> None:
    """Issue 14: request decisions, bookkeeping and article reading live in crawl/."""
    source = Path(__file__).resolve().parents[1] / "spiders" / "atnews.py"
    assert len(source.read_text(encoding="utf-8").splitlines()) < 200


def test_a_request_and_its_context_survive_the_jobdir_disk_queue(tmp_path: Path) -> None:
    """--jobdir keeps requests pickled on disk (the distributed queue pickles them too)."""
    spider = spider_for()
    spider.crawler.spider = spider
    lastmod = dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    request = article_request(spider, MAIN + "/new-one/", "sitemap", lastmod)
    assert request is not None
    disk_queue: Any = PickleFifoDiskQueue  # typed as its base class, without the crawler
    queue = disk_queue(spider.crawler, str(tmp_path / "queue"))
    queue.push(request)
    queue.close()
    back = disk_queue(spider.crawler, str(tmp_path / "queue")).pop()
    assert back is not None
    assert back.cb_kwargs == {
        "context": PageContext(MAIN + "/new-one/", "article", "sitemap", lastmod)
    }
    assert (back.callback, back.errback) == (spider.parse_article, spider.on_error)
    assert (back.url, back.priority, back.meta) == (
        request.url,
        10,
        {"atnews_url": MAIN + "/new-one/"},
    )


def test_a_queued_request_pickles_as_small_as_with_the_dict_it_replaced() -> None:
    lastmod = dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC)
    full = PageContext(MAIN + "/page/3/", "listing", "pagination", lastmod, 2, 1, 3, MAIN + "/", 4)
    for context in (full, PageContext(MAIN + "/", "listing", "start", known_run=1)):
        assert pickle.loads(pickle.dumps(context, protocol=4)) == context
    spider = spider_for()
    request = article_request(spider, MAIN + "/a/", "sitemap")
    assert request is not None
    untyped = {"url": MAIN + "/a/", "kind": "article", "via": "sitemap", "lastmod": None}
    meta = {"handle_httpstatus_list": [304, 404, 410], "atnews": untyped}
    replaced = request.replace(cb_kwargs={}, meta=meta)
    size = len(pickle.dumps(request.to_dict(spider=spider), protocol=4))
    assert size <= len(pickle.dumps(replaced.to_dict(spider=spider), protocol=4))
