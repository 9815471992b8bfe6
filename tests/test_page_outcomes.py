"""How each request ended: 304 / 404 / 410 answers, failures, redirect loops, in the stats and in
the crawl state, as the spider's errback and signals record them (no network)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure

from atnews_scraper.crawl.context import PageContext
from atnews_scraper.crawl.gate import Fetch
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.outcomes import settled_key
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.crawl.state import FailedUrl
from atnews_scraper.spiders.atnews import AtnewsSpider

SITE = "http://127.0.0.1:8123/"
MAIN = "https://www.afghanistantimes.af"


@pytest.mark.parametrize(
    ("status", "kind", "key"),
    [
        (304, "article", "articles/not_modified"),
        (304, "sitemap", "sitemaps/not_modified"),
        (304, "feed", "feeds/not_modified"),
        (304, "listing", "listings/not_modified"),
        (404, "article", "errors/http_404"),
        (410, "article", "errors/http_410"),
        (404, "sitemap", "sitemaps/missing"),
        (410, "feed", "feeds/missing"),
        (404, "listing", "listings/missing"),
        (200, "article", None),
        (500, "sitemap", None),
        (403, "listing", None),
    ],
)
def test_the_one_rule_for_304_404_410(status: int, kind: str, key: str | None) -> None:
    assert settled_key(status, kind) == key


def spider() -> AtnewsSpider:
    crawler = get_crawler(AtnewsSpider)
    crawler.stats = MemoryStatsCollector(crawler)
    made = AtnewsSpider.from_crawler(crawler, plan=CrawlPlan(CrawlOptions(site_url=SITE)))
    crawler.spider = made
    return made


def stats(of: AtnewsSpider) -> dict[str, Any]:
    assert of.crawler.stats is not None
    return {k: v for k, v in of.crawler.stats.get_stats().items() if k.startswith("atnews/")}


def request(of: AtnewsSpider, context: PageContext) -> Request:
    return Fetch(context, SITE + "x/").request(of)


def answered(of: AtnewsSpider, context: PageContext, status: int) -> list[Request]:
    """What the errback makes of an answer Scrapy's HttpErrorMiddleware passes it."""
    sent = request(of, context)
    failure = Failure(HttpError(Response(sent.url, status=status, request=sent)))
    failure.request = sent  # type: ignore[attr-defined]  # as Scrapy sets it
    return list(of.on_error(failure))


def failed(of: AtnewsSpider, sent: Request, exc: Exception) -> list[Request]:
    failure = Failure(exc)
    failure.request = sent  # type: ignore[attr-defined]
    return list(of.on_error(failure))


def test_an_unchanged_article_and_a_gone_one_are_resolved_not_failed() -> None:
    crawl = spider()
    assert answered(crawl, PageContext(MAIN + "/a/", "article", "sitemap"), 304) == []
    assert answered(crawl, PageContext(MAIN + "/b/", "article", "link"), 410) == []
    assert stats(crawl) == {"atnews/articles/not_modified": 1, "atnews/errors/http_410": 1}
    assert crawl.plan.state.resolved == {MAIN + "/a/", MAIN + "/b/"}
    assert crawl.plan.state.new_failures == {}


def test_an_unchanged_sitemap_counts_as_read_and_a_missing_guess_leads_to_the_next() -> None:
    crawl = spider()
    unchanged = PageContext(MAIN + "/sitemap_index.xml", "sitemap", "guess", candidate=0)
    assert answered(crawl, unchanged, 304) == []
    assert crawl.sitemap_read is True
    crawl = spider()
    assert [r.url for r in answered(crawl, unchanged, 404)] == [SITE + "wp-sitemap.xml"]
    assert crawl.sitemap_read is False
    assert stats(crawl) == {"atnews/sitemaps/missing": 1}
    assert crawl.plan.state.resolved == {MAIN + "/sitemap_index.xml"}


def test_a_failed_page_is_counted_and_tried_again_next_run() -> None:
    crawl = spider()
    guess = PageContext(MAIN + "/wp-sitemap.xml", "sitemap", "guess", candidate=1)
    out = failed(crawl, request(crawl, guess), TxTimeoutError())
    assert [r.url for r in out] == [SITE + "post-sitemap.xml"]
    listing = PageContext(MAIN + "/category/nation/", "listing", "category")
    assert answered(crawl, listing, 503) == []
    assert stats(crawl) == {"atnews/errors/timeout": 1, "atnews/errors/http_5xx": 1}
    assert crawl.plan.state.new_failures == {
        guess.url: FailedUrl(guess.url, "sitemap", "timeout"),
        listing.url: FailedUrl(listing.url, "listing", "http_5xx"),
    }


def test_an_off_site_or_robots_refusal_is_not_a_failure() -> None:
    crawl = spider()
    sent = request(crawl, PageContext(MAIN + "/a/", "article", "link"))
    assert failed(crawl, sent, IgnoreRequest("off-site URL not followed")) == []
    assert stats(crawl) == {}
    assert crawl.plan.state.new_failures == {}


def test_a_redirect_back_into_its_own_chain_is_a_redirect_loop() -> None:
    crawl = spider()
    sent = request(crawl, PageContext(MAIN + "/loop/", "article", "sitemap"))
    looped = sent.replace(meta={**sent.meta, "redirect_urls": [sent.url, SITE + "y/"]})
    crawl.outcomes.on_dropped(looped)
    crawl.outcomes.on_dropped(sent)  # a duplicate, not a loop
    assert stats(crawl) == {"atnews/errors/redirect_loop": 1}
    assert crawl.plan.state.new_failures == {
        MAIN + "/loop/": FailedUrl(MAIN + "/loop/", "article", "redirect_loop")
    }


@pytest.mark.parametrize(
    ("status", "stat", "failures"),
    [
        (404, "atnews/errors/http_404", 0),
        (304, "atnews/articles/not_modified", 0),
        (500, "atnews/errors/http_5xx", 1),
    ],
)
def test_an_error_page_let_through_to_the_callback_is_never_an_article(
    status: int, stat: str, failures: int
) -> None:
    """With -s HTTPERROR_ALLOW_ALL=1 Scrapy hands every answer to the callback."""
    crawl = spider()
    context = PageContext(MAIN + "/a/", "article", "sitemap")
    sent = request(crawl, context)
    page = b"<html><head><title>Not Found</title></head><body>Nothing here</body></html>"
    response = HtmlResponse(sent.url, status=status, body=page, request=sent)
    assert asyncio.run(crawl.articles.read(response, context)) is None
    assert stats(crawl) == {stat: 1}
    assert len(crawl.plan.state.new_failures) == failures
