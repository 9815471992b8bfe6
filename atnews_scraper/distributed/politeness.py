"""One politeness budget for the site across all workers, kept in Redis.

- ``SharedRobotsMiddleware``: robots.txt is fetched by one worker (the spider publishes it);
  every other worker reads it from the run before its first request, so the same rules (and
  Crawl-delay) hold everywhere.
- ``SharedPaceMiddleware``: before each request a worker takes the site's token in a Lua
  script (a token bucket of one token: at most one request per interval, site-wide).
  The interval is max(1 / ATNEWS_SITE_RATE, robots.txt Crawl-delay); a 429 / 503 sets the
  host pause in Redis, and every worker waits it out (Retry-After, else the retry backoff).

Public Scrapy API only: process_request and the ``response_downloaded`` signal.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import redis
from protego import Protego
from scrapy import signals
from scrapy.http import Request, Response

from atnews_scraper.crawl.middleware import ROBOTS_EXEMPT
from atnews_scraper.crawl.pacing import backoff, slow_down
from atnews_scraper.distributed.run import Run
from atnews_scraper.distributed.scheduler import redis_lost, run_of

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

log = logging.getLogger(__name__)

# KEYS: next free send time (ms), pause end (ms), Crawl-delay (ms); ARGV[1]: interval (ms).
# Takes the site's one token when it is there (returns 0: send now) and the next one comes an
# interval later; else returns how long until it comes (ms), taking nothing. Taken when the
# request leaves, not reserved ahead: a worker whose event loop wakes late cannot send a burst.
TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = math.max(tonumber(ARGV[1]), tonumber(redis.call('GET', KEYS[3]) or '0'))
local at = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'),
                    tonumber(redis.call('GET', KEYS[2]) or '0'))
if at > now then return at - now end
if interval > 0 then
  redis.call('SET', KEYS[1], now + interval, 'PX', math.max(interval * 2, 60000))
end
return 0
"""

# KEYS[1]: pause end (ms); ARGV[1]: pause length (ms). Lengthens, never shortens; returns the
# milliseconds added.
PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local current = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local until_ms = now + tonumber(ARGV[1])
if until_ms <= current then return 0 end
redis.call('SET', KEYS[1], until_ms, 'PX', tonumber(ARGV[1]) + 60000)
return until_ms - current
"""


class SitePace:
    """The site's shared send schedule and host pause, in the run's keys."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.keys = [run.key("pace:next"), run.key("pace:pause"), run.key("pace:crawl_delay")]
        self._take = run.client.register_script(TAKE)
        self._pause = run.client.register_script(PAUSE)

    def take(self, interval_s: float) -> float:
        """0 when this caller may send now (the next send is ``interval_s`` later, site-wide);
        else the seconds to wait before asking again."""
        return int(self._take(keys=self.keys, args=[round(interval_s * 1000)])) / 1000

    def pause(self, seconds: float) -> float:
        return int(self._pause(keys=[self.keys[1]], args=[round(seconds * 1000)])) / 1000

    def set_crawl_delay(self, seconds: float) -> None:
        self.run.client.set(self.keys[2], round(seconds * 1000))


class SharedRobotsMiddleware:
    """Before RobotsTxtMiddleware: a worker that did not fetch robots.txt reads it from the run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.run = run_of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider: Any = self.crawler.spider
        if spider.robots is not None or request.meta.get(ROBOTS_EXEMPT):
            return
        try:
            text = self.run.text("robots")
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)
            return
        if text is not None:
            spider.robots = Protego.parse(text)


class SharedPaceMiddleware:
    """Last before the download: wait for the site's token in Redis."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pace = SitePace(run_of(crawler))
        settings = crawler.settings
        rate = settings.getfloat("ATNEWS_SITE_RATE")
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.backoff = backoff(settings)
        self.without_retry_after = settings.getbool("ATNEWS_PAUSE_WITHOUT_RETRY_AFTER")
        crawler.signals.connect(self.on_response, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        try:
            while (wait := self.pace.take(self.interval)) > 0:
                await asyncio.sleep(wait)
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)

    def on_response(self, response: Response, request: Request) -> None:
        pause = slow_down(response, request, self.backoff, self.without_retry_after)
        if pause is None:
            return
        try:
            added = self.pace.pause(pause.seconds)
        except redis.RedisError as exc:
            redis_lost(self.crawler, exc)
            return
        if added > 0:
            log.info(
                "site paused for every worker: %.1f s (HTTP %d)", pause.seconds, response.status
            )
