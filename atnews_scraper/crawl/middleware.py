"""Downloader middlewares of the crawl: stay on the site, obey robots.txt, back off politely."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
from typing import TYPE_CHECKING, Any, Protocol

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from atnews_scraper.urls import UrlRules

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

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
            url = request.meta.get("atnews", {}).get("url", url)  # its canonical URL
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


def retry_after_seconds(value: bytes | str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting before each retry: Retry-After when the server sends one (429,
    503), else exponential backoff. Settings: ATNEWS_RETRY_BACKOFF (first wait, seconds),
    ATNEWS_RETRY_AFTER_MAX (cap on any wait)."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff = settings.getfloat("ATNEWS_RETRY_BACKOFF", 1.0)
        self.max_wait = settings.getfloat("ATNEWS_RETRY_AFTER_MAX", 120.0)

    def _wait_for(self, request: Request, response: Response | None) -> float:
        header = response.headers.get(b"Retry-After") if response is not None else None
        asked = retry_after_seconds(header)
        if asked is not None:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("atnews/retry_after_honoured")
            return min(asked, self.max_wait)
        return min(self.backoff * 2 ** request.meta.get("retry_times", 0), self.max_wait)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        await asyncio.sleep(self._wait_for(request, response))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self._wait_for(request, None))
        return retry
