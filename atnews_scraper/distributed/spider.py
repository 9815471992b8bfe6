"""The `atnews` spider as one worker of a distributed run.

The single-process spider's discovery runs once per run, not once per worker: robots.txt and
the earlier run's failed URLs are queued by the worker that claims the "seed" phase; the feed
and home page listing ("home"), then the category listings ("deep"), by the worker that claims
each phase when the whole run is idle. What a worker learns that decides a phase (a sitemap was
read, the categories found, robots.txt, the site unreachable) is published in the run.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from atnews_scraper.crawl.context import PageContext
from atnews_scraper.distributed.politeness import SitePace
from atnews_scraper.distributed.run import Run
from atnews_scraper.distributed.scheduler import redis_lost, run_of, worker_of
from atnews_scraper.spiders.atnews import AtnewsSpider

log = logging.getLogger(__name__)


class SharedScheduled(set[str]):
    """The articles requested in this run by any worker: this worker's, then the run's in Redis
    (a listing stops paging at articles another worker requested, as in one process)."""

    def __init__(self, spider: DistributedAtnewsSpider) -> None:
        super().__init__()
        self.spider = spider

    def __contains__(self, url: object) -> bool:
        if super().__contains__(url):
            return True
        found = isinstance(url, str) and bool(self.spider.shared(self.spider.run.is_scheduled, url))
        if found:
            super().add(str(url))
        return found

    def add(self, url: str) -> None:
        # Shared only when its request is queued (the scheduler's push marks it in the same
        # Redis step): a worker killed in between must not leave it "requested" for all.
        super().add(url)

    def update(self, *others: Iterable[str]) -> None:
        urls = [url for other in others for url in other]
        super().update(urls)
        self.spider.shared(self.spider.run.mark_scheduled, *urls)


class DistributedAtnewsSpider(AtnewsSpider):
    name = "atnews"
    run: Run
    worker: str
    shared_scheduled: SharedScheduled

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DistributedAtnewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, DistributedAtnewsSpider)
        spider.run = run_of(crawler)
        spider.worker = worker_of(crawler)
        spider.shared_scheduled = spider.gate.scheduled = SharedScheduled(spider)
        # Redis is the run's frontier: sitemap entries held back in this process's backlog
        # would die with it, so every request goes to Redis at once (as with --jobdir).
        spider.backlog = None
        return spider

    @property
    def state(self) -> dict[str, Any]:
        """Nothing for a worker's --jobdir to keep: the articles requested are the run's, in
        Redis (marked there only once queued: a resumed worker must not mark them for all)."""
        return {}

    @state.setter
    def state(self, saved: dict[str, Any]) -> None:
        pass

    def shared(self, step: Callable[..., Any], *args: Any) -> Any:
        """A step on the run in Redis; when Redis is gone the worker stops (None here)."""
        try:
            return step(*args)
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)
            return None

    async def start(self) -> AsyncIterator[Any]:
        if self.shared(self.run.claim_phase, "seed", self.worker) != 1:
            return
        try:
            async for request in super().start():
                yield request
        finally:
            self.shared(self.run.phase_queued, "seed")

    def parse_robots(self, response: Response) -> Iterator[Request]:
        if response.status == 200 and isinstance(response, TextResponse):
            # Published before any request it allows is queued: other workers read it first.
            self.shared(self.run.set_text, "robots", response.text)
        requests = list(super().parse_robots(response))
        delay = self.crawler.stats.get_value("atnews/crawl_delay") if self.crawler.stats else None
        if delay:
            self.shared(SitePace(self.run).set_crawl_delay, float(delay))
        self.publish_unreachable()
        yield from requests

    def robots_failed(self, failure: Failure) -> Iterator[Request]:
        requests = list(super().robots_failed(failure))
        self.publish_unreachable()
        yield from requests

    def publish_unreachable(self) -> None:
        if self.unreachable:
            self.shared(self.run.set_text, "unreachable", self.unreachable)

    def parse_sitemap(self, response: Response, context: PageContext) -> Iterator[Request]:
        yield from super().parse_sitemap(response, context)
        self.publish_sitemap_read()

    def on_error(self, failure: Failure) -> Iterator[Request]:
        read = self.sitemap_read
        yield from super().on_error(failure)  # a sitemap unchanged since the last run is read
        if self.sitemap_read and not read:
            self.publish_sitemap_read()

    def publish_sitemap_read(self) -> None:
        if self.sitemap_read:
            self.shared(self.run.set_text, "sitemap_read", "1")

    def parse_listing(self, response: Response, context: PageContext) -> Iterator[Request]:
        yield from super().parse_listing(response, context)
        self.shared(self.run.add_categories, list(self.categories))

    def on_idle(self) -> None:
        """Close only when the whole run is done; start the next discovery phase when the
        whole run is idle (one worker does)."""
        try:
            self.next_phase_or_close()
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)

    def next_phase_or_close(self) -> None:
        run = self.run
        run.release_own(self.worker)  # idle: everything this worker took is done
        requeued = run.requeue_dead()
        if requeued:
            self.count("leases_requeued", requeued)
            log.warning("%d request(s) of stopped workers put back in the queue", requeued)
        self.unreachable = self.unreachable or run.text("unreachable")
        if self.unreachable:
            return
        if run.queued():
            raise DontCloseSpider
        self.home_started = run.phase_claimed("home")
        self.deep_started = run.phase_claimed("deep")
        self.sitemap_read = self.sitemap_read or run.text("sitemap_read") is not None
        for url in run.categories():
            self.categories.setdefault(url, None)
        phase = None
        if not self.home_started:
            phase = "home"
        elif not self.deep_started and self.deep and self.categories:
            phase = "deep"
        if phase is not None:
            claimed = run.claim_phase(phase, self.worker)
            if claimed == 1:
                try:
                    super().on_idle()
                except DontCloseSpider:
                    pass
                finally:
                    run.phase_queued(phase)
            raise DontCloseSpider
        if not run.is_drained():
            raise DontCloseSpider
