"""The host pause: a host that answers 429 or 503 is sent nothing until the pause ends.

Public Scrapy API only: the ``response_downloaded`` signal, ``Downloader.get_slot_key`` and
``Downloader.slots``, the ``download_slot`` request meta key, a Slot's ``download_delay()`` (its
delay, as AutoThrottle sets it, varied by its jitter), and a download handler
(DOWNLOAD_HANDLERS, ``BaseDownloadHandler``) that wraps Scrapy's own.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.utils.misc import build_from_crawler, load_object

from atnews_scraper.crawl.pacing import HostPause, backoff, slow_down

if TYPE_CHECKING:
    from typing import Self

    from scrapy.core.downloader import Downloader
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

HOST_PAUSED = "atnews_host_paused"  # request meta: its answer paused the host
HTTP_DOWNLOAD_HANDLER = "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"

_HOST_PAUSES: weakref.WeakKeyDictionary[Crawler, HostPause] = weakref.WeakKeyDictionary()


def host_pause(crawler: Crawler) -> HostPause:
    """The crawl's one HostPause, shared by the components that set and honour it."""
    return _HOST_PAUSES.setdefault(crawler, HostPause())


def downloader(crawler: Crawler) -> Downloader:
    assert crawler.engine is not None
    return crawler.engine.downloader


class HostPauseMiddleware:
    """A host that answers 429 or 503 is paused: no new request goes to it until the pause ends.

    The pause is the answer's Retry-After (capped at ATNEWS_RETRY_AFTER_MAX), else the retry's
    exponential backoff; without Retry-After only when ATNEWS_PAUSE_WITHOUT_RETRY_AFTER (off in
    `--no-polite` runs). It starts when the answer is downloaded, before the downloader can send
    the next request; requests already sent are not affected, and those already waiting in the
    downloader are held by HostPauseDownloadHandler. Must run after every other downloader
    middleware's process_request (priority above 900)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pauses = host_pause(crawler)
        self.backoff = backoff(crawler.settings)
        self.without_retry_after = crawler.settings.getbool("ATNEWS_PAUSE_WITHOUT_RETRY_AFTER")
        crawler.signals.connect(self.on_response, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        key = downloader(self.crawler).get_slot_key(request)
        while (left := self.pauses.remaining(key)) > 0:
            await asyncio.sleep(left)  # again if the pause was lengthened meanwhile

    def on_response(self, response: Response, request: Request) -> None:
        pause = slow_down(response, request, self.backoff, self.without_retry_after)
        if pause is None:
            return
        stats = self.crawler.stats
        assert stats is not None
        if pause.retry_after:
            stats.inc_value("atnews/retry_after_honoured")
        request.meta[HOST_PAUSED] = True
        key = request.meta.get("download_slot") or downloader(self.crawler).get_slot_key(request)
        added = self.pauses.pause(key, pause.seconds)
        if added <= 0:
            return
        stats.inc_value("atnews/host_paused")
        total = stats.get_value("atnews/host_paused_seconds", 0.0) + added
        stats.set_value("atnews/host_paused_seconds", round(total, 3))
        logger.info(
            "host %s paused for %.1f s (HTTP %d%s)",
            key,
            pause.seconds,
            response.status,
            ", Retry-After" if pause.retry_after else "",
        )


class HostPauseDownloadHandler(BaseDownloadHandler):
    """Scrapy's HTTP download handler (ATNEWS_HTTP_DOWNLOAD_HANDLER), holding back the requests
    the downloader sends to a paused host: those that passed HostPauseMiddleware before the pause
    and waited in the host's downloader slot (a polite crawl has up to 8 requests in the
    downloader, 2 at a time per host). After the pause they leave one per slot delay, as the
    slot itself would send them. Download latency and timeout are measured by the wrapped
    handler, so the wait counts in neither."""

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.pauses = host_pause(crawler)
        handler = load_object(
            crawler.settings.get("ATNEWS_HTTP_DOWNLOAD_HANDLER", HTTP_DOWNLOAD_HANDLER)
        )
        self.handler: BaseDownloadHandler = build_from_crawler(handler, crawler)

    async def download_request(self, request: Request) -> Response:
        key = request.meta.get("download_slot")
        if key is not None and self.pauses.remaining(key) > 0:
            while (left := self.pauses.remaining(key)) > 0:
                await asyncio.sleep(left)
            slot = downloader(self.crawler).slots.get(key)
            if slot is not None:  # the next one waits a delay more, varied as the slot varies it
                self.pauses.pause(key, slot.download_delay())
        return await self.handler.download_request(request)

    async def close(self) -> None:
        await self.handler.close()
