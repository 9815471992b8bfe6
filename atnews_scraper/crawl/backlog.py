"""Requests made as the scheduler drains, not all at once.

A sitemap of 100,000 URLs built into 100,000 Request objects at once costs about half a
gigabyte; the same entries kept as a lazy iterator and turned into requests a batch at a time,
whenever the scheduler runs low, keep memory flat however long the sitemap.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.http import Request

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

LOW_WATER = 1000  # requests waiting in the scheduler below which the backlog tops it up
BATCH = 1000  # requests made from the backlog at a time


class RequestBacklog:
    def __init__(self, crawler: Crawler, low: int = LOW_WATER, batch: int = BATCH) -> None:
        self.crawler = crawler
        self.low = low
        self.batch = batch
        self._sources: deque[Iterator[Request | None]] = deque()
        crawler.signals.connect(self.top_up, signal=signals.request_reached_downloader)

    def __bool__(self) -> bool:
        return bool(self._sources)

    def first(self, requests: Iterable[Request | None]) -> list[Request]:
        """The first batch of ``requests``, to be yielded now; the rest wait in the backlog."""
        source = iter(requests)
        batch = self._take(source, self.batch)
        if len(batch) == self.batch:
            self._sources.append(source)
        return batch

    def waiting(self) -> int:
        """Requests in the scheduler (Scrapy's own counts)."""
        stats = self.crawler.stats
        assert stats is not None
        return int(stats.get_value("scheduler/enqueued", 0)) - int(
            stats.get_value("scheduler/dequeued", 0)
        )

    def top_up(self) -> int:
        """Schedule the next batch when the scheduler runs low; how many were scheduled."""
        if not self._sources or self.waiting() >= self.low:
            return 0
        engine = self.crawler.engine
        assert engine is not None
        scheduled = 0
        while self._sources and scheduled < self.batch:
            batch = self._take(self._sources[0], self.batch - scheduled)
            if len(batch) < self.batch - scheduled:
                self._sources.popleft()
            for request in batch:
                engine.crawl(request)
            scheduled += len(batch)
        return scheduled

    @staticmethod
    def _take(source: Iterator[Request | None], count: int) -> list[Request]:
        """Up to ``count`` requests, fewer only when the source has ended (Nones are skipped)."""
        taken: list[Request] = []
        if count <= 0:
            return taken
        for request in source:
            if request is not None:
                taken.append(request)
                if len(taken) == count:
                    break
        return taken
