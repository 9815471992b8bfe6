"""Progress of a running crawl: a live line on a terminal (rich), else a log line now and then.

A Scrapy extension, enabled by the ATNEWS_PROGRESS setting ("rich", "plain" or "off").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger("atnews.progress")
RICH_INTERVAL_S = 0.5


def progress_line(stats: Mapping[str, Any]) -> str:
    def n(key: str) -> int:
        return int(stats.get(key, 0))

    errors = sum(int(v) for k, v in stats.items() if k.startswith("atnews/errors/"))
    queued = n("scheduler/enqueued") - n("scheduler/dequeued")
    return (
        f"pages {n('downloader/response_count')} | articles new {n('atnews/articles/new')} "
        f"updated {n('atnews/articles/updated')} unchanged {n('atnews/articles/unchanged')} "
        f"rejected {n('atnews/articles/rejected')} | errors {errors} | queued {queued}"
    )


class CrawlProgress:
    def __init__(self, crawler: Crawler, mode: str, interval: float) -> None:
        self.crawler = crawler
        self.mode = mode
        self.interval = RICH_INTERVAL_S if mode == "rich" else interval
        self.loop: task.LoopingCall | None = None
        self.live: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mode = crawler.settings.get("ATNEWS_PROGRESS", "off")
        if mode not in ("rich", "plain"):
            raise NotConfigured
        extension = cls(crawler, mode, crawler.settings.getfloat("ATNEWS_PROGRESS_INTERVAL", 30))
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self) -> None:
        if self.mode == "rich":
            from rich.console import Console
            from rich.live import Live

            self.live = Live(console=Console(stderr=True), transient=True, auto_refresh=False)
            self.live.start()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.interval, now=False)

    def tick(self) -> None:
        assert self.crawler.stats is not None
        line = progress_line(self.crawler.stats.get_stats())
        if self.live is not None:
            self.live.update(f"[bold]crawling[/bold] {line}", refresh=True)
        else:
            logger.info("progress: %s", line)

    def closed(self) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.live is not None:
            self.live.stop()
