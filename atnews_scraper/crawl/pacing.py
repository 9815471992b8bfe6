"""How fast the crawl may go to a host: pauses after "slow down" answers, robots.txt Crawl-delay.

Decisions only, no Scrapy machinery: the downloader middlewares (host_pause.py, retry.py,
crawl_delay.py, distributed/politeness.py) and the spider apply these.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from atnews_scraper.timestamps import parse_http_date

if TYPE_CHECKING:
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class SlowDown:
    """The host pause a "slow down" answer asks for."""

    seconds: float
    retry_after: bool  # the length is the answer's Retry-After (else the retry's backoff)


def slow_down(
    response: Response, request: Request, backoff: Backoff, without_retry_after: bool
) -> SlowDown | None:
    """The pause after ``response``: a 429 or 503 pauses the host for its Retry-After (capped),
    else, when ``without_retry_after``, for the retry's backoff; None for any other answer."""
    if response.status not in SLOW_DOWN_STATUSES:
        return None
    asked = retry_after_seconds(response.headers.get(b"Retry-After"))
    if asked is None and not without_retry_after:
        return None
    seconds = backoff.seconds(request.meta.get("retry_times", 0), asked)
    return SlowDown(seconds=seconds, retry_after=asked is not None)


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
