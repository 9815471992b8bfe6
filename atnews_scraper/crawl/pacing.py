"""How fast the crawl may go to a host: pauses after "slow down" answers, robots.txt Crawl-delay.

Pure: no Scrapy here. The downloader middlewares (middleware.py) and the spider apply these.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# The answers that ask a client to slow down: the whole host pauses, not just the one request.
SLOW_DOWN_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class Backoff:
    """The wait before a retry: the server's Retry-After when it sent one, else ``first`` seconds
    doubled on each retry; never more than ``cap``."""

    first: float
    cap: float

    def seconds(self, retry_times: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.cap)
        return min(self.first * 2**retry_times, self.cap)


class HostPause:
    """Until when each host is paused. A new pause only ever lengthens the current one."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}

    def pause(self, host: str, seconds: float) -> float:
        """Pause ``host`` for ``seconds`` from now; returns how many seconds this added to the
        pause already running (0 when that one lasts longer)."""
        now = self._clock()
        until = now + seconds
        current = max(self._until.get(host, now), now)
        if until <= current:
            return 0.0
        self._until[host] = until
        return until - current

    def remaining(self, host: str) -> float:
        """Seconds until ``host`` may be sent a request again (0 when it is not paused)."""
        until = self._until.get(host)
        if until is None:
            return 0.0
        left = until - self._clock()
        if left <= 0:
            del self._until[host]
            return 0.0
        return left


@dataclass(frozen=True)
class SiteDelay:
    """The pace of requests to a site that asks for a robots.txt Crawl-delay."""

    delay: float  # the slot's delay, and AutoThrottle's minimum
    jitter: float  # the slot's random variation (a share of ``delay``, either way)
    capped: bool  # the Crawl-delay asked for was above the cap


def site_delay(download_delay: float, jitter: float, crawl_delay: float, cap: float) -> SiteDelay:
    """max(DOWNLOAD_DELAY, Crawl-delay) between requests, Crawl-delay capped at ``cap``.

    Scrapy varies each wait by +-``jitter`` of the delay; the jitter is narrowed so that no wait
    is shorter than the Crawl-delay (none at all when the Crawl-delay is the delay)."""
    asked = min(crawl_delay, cap)
    delay = max(download_delay, asked)
    if delay > 0:
        jitter = max(0.0, min(jitter, 1.0 - asked / delay))
    return SiteDelay(delay=delay, jitter=jitter, capped=crawl_delay > cap)
