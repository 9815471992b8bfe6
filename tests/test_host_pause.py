"""The host pause's parts on their own: the pause a 429 / 503 asks for, and the download handler
that holds the requests already queued in the downloader (end to end: test_crawl_politeness)."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import pytest
from scrapy.core.downloader import Slot
from scrapy.http import Request, Response
from scrapy.settings import Settings

from atnews_scraper.crawl.host_pause import HostPauseDownloadHandler, host_pause
from atnews_scraper.crawl.pacing import Backoff, SlowDown, slow_down

BACKOFF = Backoff(first=2.0, cap=300.0)


def answer(status: int, retry_after: str | None = None) -> Response:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Response("https://example.org/a/", status=status, headers=headers)


@pytest.mark.parametrize(
    ("status", "retry_after", "retry_times", "without_retry_after", "expected"),
    [
        (429, "7", 0, False, SlowDown(seconds=7.0, retry_after=True)),
        (503, "7", 2, True, SlowDown(seconds=7.0, retry_after=True)),
        (503, "3600", 0, True, SlowDown(seconds=300.0, retry_after=True)),  # capped
        (503, None, 2, True, SlowDown(seconds=8.0, retry_after=False)),  # the backoff: 2, 4, 8
        (503, None, 0, False, None),  # --no-polite: no pause without Retry-After
        (503, "²", 0, False, None),  # a Retry-After that is no number is none
        (500, "7", 0, True, None),
        (200, "7", 0, True, None),
    ],
)
def test_slow_down_is_retry_after_else_the_backoff_for_429_and_503_only(
    status: int,
    retry_after: str | None,
    retry_times: int,
    without_retry_after: bool,
    expected: SlowDown | None,
) -> None:
    request = Request("https://example.org/a/", meta={"retry_times": retry_times})
    response = answer(status, retry_after)
    assert slow_down(response, request, BACKOFF, without_retry_after) == expected


class Sent:
    """The wrapped HTTP handler: records what would have been sent."""

    urls: ClassVar[list[str]] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> Sent:
        return cls()

    async def download_request(self, request: Request) -> Response:
        self.urls.append(request.url)
        return Response(request.url, status=200)

    async def close(self) -> None:
        pass


class Downloader:
    def __init__(self, slots: dict[str, Slot]) -> None:
        self.slots = slots


class Engine:
    def __init__(self, downloader: Downloader) -> None:
        self.downloader = downloader


class Crawler:
    """What the handler reads of a crawler: its settings and the downloader's slots."""

    def __init__(self, slots: dict[str, Slot]) -> None:
        self.settings = Settings({"ATNEWS_HTTP_DOWNLOAD_HANDLER": f"{__name__}.Sent"})
        self.engine = Engine(Downloader(slots))


def queued(url: str, slot: str) -> Request:
    return Request(url, meta={"download_slot": slot})


def test_held_requests_leave_after_the_pause_one_per_slot_delay() -> None:
    """Two requests the slot let go during a pause: one leaves when it ends, the other a slot
    delay (100 s, no jitter) later; another host's request is not held."""
    crawler: Any = Crawler({"h": Slot(concurrency=2, delay=100.0, jitter=0.0)})
    Sent.urls = []
    handler = HostPauseDownloadHandler(crawler)
    pauses = host_pause(crawler)

    async def scenario() -> float:
        await handler.download_request(queued("https://other.example/", "g"))
        pauses.pause("h", 0.01)
        first = asyncio.ensure_future(handler.download_request(queued("https://h/1", "h")))
        second = asyncio.ensure_future(handler.download_request(queued("https://h/2", "h")))
        done, _ = await asyncio.wait({first, second}, return_when=asyncio.FIRST_COMPLETED)
        assert len(done) == 1
        left = pauses.remaining("h")
        second.cancel()
        return left

    left = asyncio.run(asyncio.wait_for(scenario(), timeout=10))
    other, held = Sent.urls  # which of the two held requests wakes first is the timer's choice
    assert (other, held in {"https://h/1", "https://h/2"}) == ("https://other.example/", True)
    assert 99.0 < left <= 100.0
