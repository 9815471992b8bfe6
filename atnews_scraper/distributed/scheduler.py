"""scrapy-redis's scheduler with leases: a popped request stays in Redis, under its worker,
until the worker is done with it (its callback's requests queued, its item journalled).

- ``LeasedScheduler``: the shared frontier (scrapy-redis priority queue) and dupefilter under
  the run's keys; ``next_request`` leases, a request derived from a leased one (a retry, a
  redirect) takes its place in the queue and releases the lease; ``close`` puts unfinished
  leases back and never flushes the queue (SCHEDULER_PERSIST=False would wipe it for others).
- ``LeaseAckMiddleware``: acknowledges a lease when its response's callback is done.
- ``WorkerBeat``: the worker's heartbeat (its leases live while it beats), its stats for the
  run summary, and a prompt start on requests other workers queued meanwhile.
"""

from __future__ import annotations

import collections
import logging
import weakref
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from atnews_scraper.crawl.context import context_of
from atnews_scraper.distributed.run import Run

if TYPE_CHECKING:
    from typing import Self

log = logging.getLogger(__name__)

LEASE = "atnews_lease"  # request meta: the lease of the request it came from
PULLED = "atnews_pulled"  # request meta: leased by WorkerBeat, to be kept by this worker
BEAT_S = 0.5


_RUNS: weakref.WeakKeyDictionary[Crawler, Run] = weakref.WeakKeyDictionary()
_LOST: weakref.WeakKeyDictionary[Crawler, str] = weakref.WeakKeyDictionary()


def run_of(crawler: Crawler) -> Run:
    """The crawl's one ``Run``, from the REDIS_URL, ATNEWS_DB_NAME and ATNEWS_RUN_ID settings
    (distributed/worker.py sets them)."""
    found = _RUNS.get(crawler)
    if found is None:
        settings = crawler.settings
        client = redis.Redis.from_url(
            settings["REDIS_URL"], socket_connect_timeout=5, socket_timeout=30
        )
        found = _RUNS[crawler] = Run(client, settings["ATNEWS_DB_NAME"], settings["ATNEWS_RUN_ID"])
    return found


def lost_redis(crawler: Crawler) -> str | None:
    """Why this worker stopped for Redis; None when it did not."""
    return _LOST.get(crawler)


def worker_of(crawler: Crawler) -> str:
    return str(crawler.settings["ATNEWS_WORKER_ID"])


def redis_lost(crawler: Crawler, exc: Exception) -> None:
    """Stop this worker once: Redis holds the run, nothing can go on without it. Its leases
    stay in Redis and go back in the queue when its heartbeat has expired."""
    if crawler in _LOST:
        return
    _LOST[crawler] = str(exc)
    log.info("lost Redis: %s; stopping this worker", exc)  # the command says it, once
    engine = crawler.engine
    if engine is not None and engine.spider is not None:
        deferred_from_coro(engine.close_spider_async(reason="redis_unavailable"))


class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue; requests are popped with ``pop_leased``."""

    def encode(self, request: Request) -> bytes:
        return bytes(self._encode_request(request))

    def decode(self, data: bytes) -> Request:
        request: Request = self._decode_request(data)
        return request


class LeasedScheduler(Scheduler):
    def __init__(self, crawler: Crawler, run: Run, worker: str, **kwargs: Any) -> None:
        super().__init__(server=run.client, persist=True, **kwargs)
        self.crawler = crawler
        self.run = run
        self.worker = worker
        self.pulled: collections.deque[Request] = collections.deque()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        run = run_of(crawler)
        instance = cls(
            crawler,
            run,
            worker_of(crawler),
        )
        instance.stats = crawler.stats
        return instance

    def open(self, spider: Any) -> None:
        """scrapy-redis's open, with the run's keys used as they are (not %-templates)."""
        self.spider = spider
        self.queue = LeasedQueue(self.server, spider, "", serializer=self.serializer)
        self.queue.key = self.run.queue_key
        self.df = RFPDupeFilter(self.server, key=self.run.dupefilter_key)

    def close(self, reason: str) -> None:
        """Unfinished leases (a SIGTERM, a lost connection) go back in the queue for the
        others; the queue and dupefilter are the run's and are never flushed here."""
        try:
            moved = self.run.requeue_own(self.worker)
        except redis.RedisError:
            return  # they go back when this worker's heartbeat expires
        if moved:
            log.info("%d unfinished request(s) put back in the queue", moved)
            if self.stats:
                self.stats.inc_value("atnews/leases_returned", moved)

    def has_pending_requests(self) -> bool:
        if self.pulled:
            return True
        try:
            return self.run.queued() > 0
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)
            return False

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.pop(PULLED, False):
            self.pulled.append(request)
            return True
        lease = request.meta.pop(LEASE, None)  # its successor takes its place (or is a duplicate)
        fingerprint = None if request.dont_filter else self.df.request_fingerprint(request)
        try:
            context = context_of(request)
            article = context.url if context and context.kind == "article" else None
            queued = self.run.push(
                self.queue.encode(request), -request.priority, fingerprint, lease, article
            )
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)
            return False
        if not queued:
            self.df.log(request, self.spider)
        elif self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return queued

    def next_request(self) -> Request | None:
        if self.pulled:
            return self.pulled.popleft()
        return self.pop_leased()

    def pop_leased(self) -> Request | None:
        try:
            found = self.run.pop_leased(self.worker)
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)
            return None
        if found is None:
            return None
        lease, data = found
        request = self.queue.decode(data)
        request.meta[LEASE] = lease
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


def lease_of(response: Response | None) -> str | None:
    if response is None:
        return None
    lease: str | None = response.meta.get(LEASE)
    return lease


class LeaseAckMiddleware:
    """Spider middleware, closest to the engine: a response's lease is acknowledged when every
    request its callback made is queued and, for an article, when its item went through the
    pipelines (journalled by the store: a killed worker's item is replayed from there)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = run_of(crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self.item_done, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def ack(self, response: Response | None) -> None:
        lease = lease_of(response)
        if lease is None:
            return
        try:
            self.run.ack(lease)
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)

    def item_done(self, item: Any, response: Response | None = None, **_: Any) -> None:
        self.ack(response)

    async def process_spider_output(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        items = 0
        async for output in result:
            if not isinstance(output, Request):
                items += 1
            yield output
        if not items:
            self.ack(response)


class WorkerBeat:
    """Extension: every BEAT_S, refresh this worker's alive key, save its stats for the run
    summary, and when its downloader is empty while requests wait in Redis, pull one: the
    engine otherwise looks at the scheduler again only on its 5-second heartbeat."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = run_of(crawler)
        self.worker = worker_of(crawler)
        self.loop = task.LoopingCall(self.beat)
        self.closing = False
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def opened(self) -> None:
        self.loop.start(BEAT_S, now=True)

    def closed(self) -> None:
        if self.loop.running:
            self.loop.stop()

    def beat(self) -> None:
        engine = self.crawler.engine
        try:
            self.run.beat(self.worker)
            self.save_stats()
            if engine is None or engine.downloader.active:
                return
            request = self.pull()
            if request is not None:
                engine.crawl(request)
            elif engine.spider_is_idle():
                self.next_phase()
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)

    def next_phase(self) -> None:
        """Claim the run's next discovery phase, or close when the run is over, now: not at
        the engine's next heartbeat (every 5 s)."""
        spider: Any = self.crawler.spider
        try:
            spider.next_phase_or_close()
        except DontCloseSpider:
            return
        engine = self.crawler.engine
        if not self.closing and engine is not None and engine.spider_is_idle():
            self.closing = True
            deferred_from_coro(engine.close_spider_async(reason="finished"))

    def pull(self) -> Request | None:
        found = self.run.pop_leased(self.worker)
        if found is None:
            return None
        lease, data = found
        request = LeasedQueue(self.run.client, self.crawler.spider, "unused").decode(data)
        request.meta[LEASE] = lease
        request.meta[PULLED] = True
        return request

    def save_stats(self) -> None:
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        self.run.record_stats(self.worker, stats, {"live": True})
