"""robots.txt Crawl-delay as the least time between two requests to the site's downloader slot.

Public Scrapy API only: ``Downloader.slots`` and a Slot's ``delay`` and ``jitter``, set as
AutoThrottle itself sets them, from the ``request_reached_downloader`` signal (a slot made again
after it was idle) and the ``response_downloaded`` signal, received after AutoThrottle's
(connected later), so that its adjustment never goes below the Crawl-delay.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING

from scrapy import signals

from atnews_scraper.crawl.host_pause import downloader
from atnews_scraper.crawl.pacing import SiteDelay, site_delay

if TYPE_CHECKING:
    from scrapy.core.downloader import Downloader, Slot
    from scrapy.crawler import Crawler
    from scrapy.http import Request

logger = logging.getLogger(__name__)


class SlotDelays:
    """The Crawl-delay pace of downloader slots, kept on them for the rest of the crawl."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.paces: dict[str, SiteDelay] = {}
        self.paced: dict[str, Slot] = {}  # the slot objects given their pace
        crawler.signals.connect(self.on_reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(self.on_downloaded, signal=signals.response_downloaded)

    @property
    def downloader(self) -> Downloader:
        return downloader(self.crawler)

    def keep(self, key: str, pace: SiteDelay) -> None:
        """The slot ``key`` waits at least ``pace.delay`` between two requests from now on."""
        self.paces[key] = pace
        slot = self.downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, pace.delay)
            slot.jitter = pace.jitter
            self.paced[key] = slot

    def paced_slot(self, request: Request) -> tuple[Slot, SiteDelay] | None:
        """The downloader slot of a request to a host with a Crawl-delay, and its pace."""
        key = request.meta.get("download_slot")
        pace = self.paces.get(key) if key is not None else None
        if key is None or pace is None:
            return None
        slot = self.downloader.slots.get(key)
        return (slot, pace) if slot is not None else None

    def on_reached(self, request: Request) -> None:
        """A slot the downloader made again (it drops idle ones) starts at the Crawl-delay, as
        a DOWNLOAD_SLOTS entry would make it."""
        found = self.paced_slot(request)
        if found is None:
            return
        slot, pace = found
        key = request.meta["download_slot"]
        if self.paced.get(key) is not slot:
            slot.delay, slot.jitter = pace.delay, pace.jitter
            self.paced[key] = slot

    def on_downloaded(self, request: Request) -> None:
        """AutoThrottle (just before) keeps a slot's delay between DOWNLOAD_DELAY and
        AUTOTHROTTLE_MAX_DELAY; here the Crawl-delay is the least."""
        found = self.paced_slot(request)
        if found is not None and found[0].delay < found[1].delay:
            found[0].delay = found[1].delay


_SLOT_DELAYS: weakref.WeakKeyDictionary[Crawler, SlotDelays] = weakref.WeakKeyDictionary()


def apply_crawl_delay(crawler: Crawler, key: str, crawl_delay: float) -> float | None:
    """robots.txt Crawl-delay as the least time between two requests to the downloader slot
    ``key`` (the site's host): the slot's delay now, the delay of a slot made again for that host,
    and AutoThrottle's minimum for it. Returns that delay; None when ATNEWS_OBEY_CRAWL_DELAY is
    off."""
    settings = crawler.settings
    if not settings.getbool("ATNEWS_OBEY_CRAWL_DELAY"):
        logger.info("robots.txt Crawl-delay %g s ignored (--no-polite)", crawl_delay)
        return None
    delays = _SLOT_DELAYS.get(crawler) or _SLOT_DELAYS.setdefault(crawler, SlotDelays(crawler))
    slot = delays.downloader.slots.get(key)
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
    delays.keep(key, pace)
    assert crawler.stats is not None
    crawler.stats.set_value("atnews/crawl_delay", pace.delay)
    return pace.delay
