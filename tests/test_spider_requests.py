"""The spider's request decisions, without a network: known, stale, off-site, budget, paging."""

from __future__ import annotations

import datetime as dt

from scrapy.http import HtmlResponse, Request
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from atnews_scraper.crawl.known import KnownArticle
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.spiders.atnews import KNOWN_RUN_STOP, AtnewsSpider

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


def stats(spider: AtnewsSpider) -> dict[str, object]:
    assert spider.crawler.stats is not None
    return spider.crawler.stats.get_stats()


def test_new_article_is_requested_once_at_the_site_url() -> None:
    spider = spider_for()
    request = spider.article_request("https://afghanistantimes.media/new-one", "sitemap")
    assert isinstance(request, Request)
    assert request.url == SITE + "new-one/"
    assert request.meta["atnews"] == {
        "url": MAIN + "/new-one/",
        "kind": "article",
        "via": "sitemap",
        "lastmod": None,
    }
    assert spider.article_request(MAIN + "/new-one/?utm_source=x", "link") is None


def test_known_article_is_skipped_unless_stale_or_refresh() -> None:
    spider = spider_for(known("/old/", etag='"v1"'))
    assert spider.article_request(MAIN + "/old/", "sitemap", STORED) is None
    assert stats(spider)["atnews/skipped/known"] == 1
    later = STORED + dt.timedelta(hours=1)
    request = spider.article_request(MAIN + "/old/", "sitemap", later)
    assert request is not None
    assert request.headers.get("If-None-Match") == b'"v1"'
    refreshed = spider_for(known("/old/"), refresh=True).article_request(MAIN + "/old/", "feed")
    assert refreshed is not None and "If-None-Match" not in refreshed.headers


def test_off_site_and_non_article_links_are_not_requested() -> None:
    spider = spider_for()
    assert spider.article_request("https://example.com/story/", "link") is None
    assert spider.article_request(MAIN + "/category/latest/", "link") is None
    assert spider.article_request(MAIN + "/wp-content/uploads/a.jpg", "link") is None
    assert stats(spider)["atnews/skipped/offsite"] == 1


def test_max_pages_is_a_budget_for_every_request() -> None:
    spider = spider_for(max_pages=2)
    assert spider.article_request(MAIN + "/a/", "sitemap") is not None
    assert spider.article_request(MAIN + "/b/", "sitemap") is not None
    assert spider.article_request(MAIN + "/c/", "sitemap") is None
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
    request = Request(SITE, meta={"atnews": {"url": MAIN + "/", "kind": "listing", "page": 1}})
    return HtmlResponse(SITE, body=html.encode(), encoding="utf-8", request=request)


def test_listing_stops_paging_after_a_run_of_known_articles() -> None:
    paths = [f"/known-{n}/" for n in range(KNOWN_RUN_STOP)]
    stored = {MAIN + p: KnownArticle(MAIN + p, STORED, STORED, None, None) for p in paths}
    spider = spider_for(stored)
    out = list(spider.parse_listing(listing(["/new-one/", *paths])))
    assert [r.url for r in out] == [SITE + "new-one/"]
    assert stats(spider)["atnews/listings/stopped_at_known"] == 1
    again = list(spider_for(stored).parse_listing(listing([*paths, "/new-one/"])))
    assert [r.url for r in again] == [SITE + "new-one/", SITE + "page/2/"]
