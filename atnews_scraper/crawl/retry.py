"""Scrapy's retry, waiting before each retry: exponential backoff, or the server's Retry-After.

Public Scrapy API only: the documented RETRY_* settings and request meta keys, and
``scrapy.downloadermiddlewares.retry.get_retry_request``, which Scrapy's RetryMiddleware (turned
off in settings.py) calls the same way.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from atnews_scraper.crawl.host_pause import HOST_PAUSED
from atnews_scraper.crawl.pacing import backoff, retry_after_seconds

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response


class BackoffRetryMiddleware:
    """Retries as Scrapy's RetryMiddleware does (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS,
    the ``dont_retry`` and ``max_retry_times`` meta keys), after the wait of ``backoff``. After a
    429 or 503 that paused the host (HostPauseMiddleware), the retry is returned at once: the
    pause holds it, with every other request to the host."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_http_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.priority_adjust = settings.getint("RETRY_PRIORITY_ADJUST")
        self.give_up_log_level = settings["RETRY_GIVE_UP_LOG_LEVEL"]
        self.exceptions_to_retry = tuple(
            load_object(name) if isinstance(name, str) else name
            for name in settings.getlist("RETRY_EXCEPTIONS")
        )
        self.backoff = backoff(settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def retry(self, request: Request, reason: str | Exception) -> Request | None:
        assert self.crawler.spider is not None
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    def wait_for(self, request: Request, response: Response | None) -> float:
        header = response.headers.get(b"Retry-After") if response is not None else None
        asked = retry_after_seconds(header)
        if asked is not None:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("atnews/retry_after_honoured")
        return self.backoff.seconds(request.meta.get("retry_times", 0), asked)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        paused = request.meta.pop(HOST_PAUSED, False)  # not carried over to the retry
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self.retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        if not paused:
            await asyncio.sleep(self.wait_for(request, response))
        return retry

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self.retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self.wait_for(request, None))
        return retry
