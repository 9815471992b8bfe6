"""Downloader middlewares that keep the crawl on the site and within robots.txt.

The politeness components are one module each: host_pause.py (the pause after a 429 or 503),
retry.py (retries with backoff), crawl_delay.py (robots.txt Crawl-delay); their names used
across the project are imported from here too. Public Scrapy API only: process_request and
IgnoreRequest, as Scrapy's OffsiteMiddleware and RobotsTxtMiddleware use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from atnews_scraper.crawl.crawl_delay import apply_crawl_delay
from atnews_scraper.crawl.host_pause import HOST_PAUSED
from atnews_scraper.crawl.pacing import backoff, retry_after_seconds
from atnews_scraper.urls import UrlRules

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = [
    "HOST_PAUSED",
    "ROBOTS_EXEMPT",
    "RobotsTxtMiddleware",
    "SiteHostsMiddleware",
    "SiteSpider",
    "apply_crawl_delay",
    "backoff",
    "retry_after_seconds",
]

ROBOTS_EXEMPT = "atnews_robots_exempt"  # request meta: the robots.txt request itself


class RobotsRules(Protocol):
    def can_fetch(self, url: str, user_agent: str) -> bool: ...


class SiteSpider(Protocol):
    """What these middlewares need of the spider."""

    rules: UrlRules
    robots: RobotsRules | None
    robots_agent: str


def _spider(crawler: Crawler) -> SiteSpider:
    spider: Any = crawler.spider
    return spider


class _CrawlerMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _count(self, key: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key)


class SiteHostsMiddleware(_CrawlerMiddleware):
    """Every request goes to the crawl's --site-url host; requests anywhere else are dropped.

    Links and redirects to the site's other hosts (www., bare, .media) are moved to the fetch
    host, and so are requests a --jobdir queue kept from a run with another --site-url; requests
    to any other host (a redirect off the site) never leave the machine.
    """

    def process_request(self, request: Request) -> Request | None:
        rules = _spider(self.crawler).rules
        url = request.url
        if not rules.is_own(url) and not request.meta.get("redirect_urls"):
            url = request.meta.get("atnews_url", url)  # its canonical URL
        if not rules.is_own(url):
            self._count("atnews/skipped/offsite")
            raise IgnoreRequest(f"off-site URL not followed: {request.url}")
        fetch = rules.fetch_url(url)
        return request.replace(url=fetch) if fetch != request.url else None


class RobotsTxtMiddleware(_CrawlerMiddleware):
    """robots.txt as fetched by the spider at the start of the run (one request for both the
    rules and the ``Sitemap:`` lines). Until it is known, nothing else is requested."""

    def process_request(self, request: Request) -> None:
        if request.meta.get(ROBOTS_EXEMPT):
            return
        spider = _spider(self.crawler)
        if spider.robots is not None and not spider.robots.can_fetch(
            request.url, spider.robots_agent
        ):
            self._count("atnews/skipped/robots")
            raise IgnoreRequest(f"robots.txt forbids {request.url}")
