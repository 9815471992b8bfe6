"""Downloader middlewares of the crawl: stay on the site, obey robots.txt, back off politely
(the whole host pauses after a 429 or 503), and keep to robots.txt Crawl-delay."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import weakref
from typing import TYPE_CHECKING, Any, Protocol

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Request, Response
from scrapy.utils.asyncio import call_later

from atnews_scraper.crawl.pacing import SLOW_DOWN_STATUSES, Backoff, HostPause, site_delay
from atnews_scraper.timestamps import parse_http_date
from atnews_scraper.urls import UrlRules

if TYPE_CHECKING:
    from typing import Self

    from scrapy.core.downloader import Downloader
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

ROBOTS_EXEMPT = "atnews_robots_exempt"  # request meta: the robots.txt request itself
HOST_PAUSED = "atnews_host_paused"  # request meta: its answer paused the host


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


def retry_after_seconds(value: bytes | str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent,
    and None, with a log line, for anything else (the header is then ignored)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isascii() and text.isdigit():  # str.isdigit() also takes "²" and "١٢"
        return float(text)
    when = parse_http_date(text)
    if when is None:
        logger.info("Retry-After %r is neither seconds nor an HTTP date: ignored", text[:80])
        return None
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def backoff(settings: BaseSettings) -> Backoff:
    """ATNEWS_RETRY_BACKOFF (first wait, seconds), ATNEWS_RETRY_AFTER_MAX (cap on any wait)."""
    return Backoff(
        first=settings.getfloat("ATNEWS_RETRY_BACKOFF", 1.0),
        cap=settings.getfloat("ATNEWS_RETRY_AFTER_MAX", 120.0),
    )


_HOST_PAUSES: weakref.WeakKeyDictionary[Crawler, HostPause] = weakref.WeakKeyDictionary()


def host_pause(crawler: Crawler) -> HostPause:
    """The crawl's one HostPause, shared by the middlewares that set and honour it."""
    return _HOST_PAUSES.setdefault(crawler, HostPause())


def _downloader(crawler: Crawler) -> Downloader:
    assert crawler.engine is not None
    return crawler.engine.downloader


def hold_slot(crawler: Crawler, key: str, seconds: float) -> None:
    """Stop the downloader slot ``key`` from sending the requests queued in it for ``seconds``.

    Requests that passed HostPauseMiddleware before the pause wait in the slot's queue (a polite
    crawl has up to 8 requests in the downloader, 2 at a time per host). Scrapy's own delay holds
    a slot the same way: ``slot.latercall`` blocks the queue until it fires."""
    downloader = _downloader(crawler)
    slot = downloader.slots.get(key)
    if slot is None:
        return
    if slot.latercall is not None:
        slot.latercall.cancel()  # a shorter delay's wake-up; the delay is checked again after
    slot.latercall = call_later(seconds, downloader._latercall, slot)


class HostPauseMiddleware(_CrawlerMiddleware):
    """A host that answers 429 or 503 is paused: no new request goes to it until the pause ends.

    The pause is the answer's Retry-After (capped at ATNEWS_RETRY_AFTER_MAX), else the retry's
    exponential backoff; without Retry-After only when ATNEWS_PAUSE_WITHOUT_RETRY_AFTER (off in
    `--no-polite` runs). It starts when the answer is downloaded, before the downloader can send
    the next request; requests already sent are not affected. Must run after every other
    downloader middleware's process_request (priority above 900)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.pauses = host_pause(crawler)
        self.backoff = backoff(crawler.settings)
        self.without_retry_after = crawler.settings.getbool("ATNEWS_PAUSE_WITHOUT_RETRY_AFTER")
        crawler.signals.connect(self.on_response, signal=signals.response_downloaded)

    async def process_request(self, request: Request) -> None:
        key = _downloader(self.crawler).get_slot_key(request)
        while (left := self.pauses.remaining(key)) > 0:
            await asyncio.sleep(left)  # again if the pause was lengthened meanwhile

    def on_response(self, response: Response, request: Request) -> None:
        if response.status not in SLOW_DOWN_STATUSES:
            return
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is None and not self.without_retry_after:
            return
        if asked is not None:
            self._count("atnews/retry_after_honoured")
        request.meta[HOST_PAUSED] = True
        seconds = self.backoff.seconds(request.meta.get("retry_times", 0), asked)
        key = request.meta.get("download_slot") or _downloader(self.crawler).get_slot_key(request)
        added = self.pauses.pause(key, seconds)
        if added <= 0:
            return
        hold_slot(self.crawler, key, self.pauses.remaining(key))
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("atnews/host_paused")
        total = stats.get_value("atnews/host_paused_seconds", 0.0) + added
        stats.set_value("atnews/host_paused_seconds", round(total, 3))
        logger.info(
            "host %s paused for %.1f s (HTTP %d%s)",
            key,
            seconds,
            response.status,
            ", Retry-After" if asked is not None else "",
        )


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, waiting before each retry: exponential backoff, or the server's Retry-After
    (see ``backoff``). After a 429 or 503 that paused the host (HostPauseMiddleware), the retry
    is returned at once: the pause holds it, with every other request to the host."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff = backoff(settings)

    def _wait_for(self, request: Request, response: Response | None) -> float:
        header = response.headers.get(b"Retry-After") if response is not None else None
        asked = retry_after_seconds(header)
        if asked is not None:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("atnews/retry_after_honoured")
        return self.backoff.seconds(request.meta.get("retry_times", 0), asked)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        paused = request.meta.pop(HOST_PAUSED, False)  # not carried over to the retry
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        if not paused:
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


def apply_crawl_delay(crawler: Crawler, key: str, crawl_delay: float) -> float | None:
    """robots.txt Crawl-delay as the least time between two requests to the downloader slot
    ``key`` (the site's host): the slot's delay, the delay of a slot made again for that host
    (DOWNLOAD_SLOTS), and AutoThrottle's minimum, which it reads from DOWNLOAD_DELAY only once
    when the crawl starts. Returns that delay; None when ATNEWS_OBEY_CRAWL_DELAY is off."""
    settings = crawler.settings
    if not settings.getbool("ATNEWS_OBEY_CRAWL_DELAY"):
        logger.info("robots.txt Crawl-delay %g s ignored (--no-polite)", crawl_delay)
        return None
    downloader = _downloader(crawler)
    slot = downloader.slots.get(key)
    pace = site_delay(
        download_delay=settings.getfloat("DOWNLOAD_DELAY"),
        jitter=slot.jitter if slot is not None else settings.getfloat("DOWNLOAD_DELAY_JITTER"),
        crawl_delay=crawl_delay,
        cap=settings.getfloat("ATNEWS_CRAWL_DELAY_MAX"),
    )
    if pace.capped:
        logger.warning(
            "robots.txt asks for a Crawl-delay of %g s; waiting %g s between requests "
            "(ATNEWS_CRAWL_DELAY_MAX)",
            crawl_delay,
            pace.delay,
        )
    else:
        logger.info("robots.txt Crawl-delay %g s: %g s between requests", crawl_delay, pace.delay)
    if slot is not None:
        slot.delay = max(slot.delay, pace.delay)
        slot.jitter = pace.jitter
    downloader.per_slot_settings[key] = {
        **downloader.per_slot_settings.get(key, {}),
        "delay": pace.delay,
        "jitter": pace.jitter,
    }
    assert crawler.extensions is not None
    for extension in crawler.extensions.middlewares:
        if isinstance(extension, AutoThrottle):
            extension.mindelay = max(extension.mindelay, pace.delay)
            extension.maxdelay = max(extension.maxdelay, pace.delay)
    assert crawler.stats is not None
    crawler.stats.set_value("atnews/crawl_delay", pace.delay)
    return pace.delay
