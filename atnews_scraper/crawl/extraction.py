"""Extraction during a crawl: in-process for small runs, in a worker process for large ones.

``extract_article`` is pure CPU work. In the crawl process it stalls downloads and storage while
it runs; in a worker process (atnews_scraper/crawl/worker.py) it runs on another core at the same
time as them. Pages are sent to the worker as they arrive, without waiting for its answers (it
always has the next page queued), over a socket the crawl's event loop reads and writes without
blocking. Small runs (tests, a daily incremental crawl) never pay the worker's start-up: it starts
once more than WARMUP_ARTICLES article pages are queued (a first crawl's sitemaps queue
thousands before the first article arrives, so the worker's imports overlap the crawl's own
start), or were extracted in-process. If the worker dies or hangs, its pages, and every later
one, are extracted in-process.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import pickle
import socket
import subprocess
import sys
from typing import Any

from atnews_scraper.crawl.worker import HEADER, frame, peak_rss_mb
from atnews_scraper.extract import extract_article
from atnews_scraper.record import ArticleRecord
from atnews_scraper.urls import UrlRules

__all__ = ["CrawlExtractor", "ExtractionWorker", "WorkerFailed", "peak_rss_mb"]

logger = logging.getLogger(__name__)

WARMUP_ARTICLES = 50
WORKER_TIMEOUT_S = 120.0  # a page never takes this long: the worker is stuck


class WorkerFailed(Exception):
    """The worker process died, hung or could not start: extract in-process instead."""


class ExtractorRaised(Exception):
    """The extractor raised in the worker; the message names the original exception."""


class ExtractionWorker:
    """One extraction process, fed pages ahead of its answers (answers come back in order)."""

    def __init__(self, rules: UrlRules) -> None:
        self.rules = rules
        self.peak_mb = 0.0
        self._pending: collections.deque[asyncio.Future[ArticleRecord]] = collections.deque()
        self._process: subprocess.Popen[bytes] | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task[None] | None = None
        self.failed = False

    def waiting(self) -> int:
        """Pages sent and not answered yet."""
        return len(self._pending)

    async def start(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "atnews_scraper.crawl.worker", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        reader, self._writer = await asyncio.open_connection(sock=ours)
        self._writer.write(frame(self.rules))
        self._reading = asyncio.ensure_future(self._read_answers(reader))

    async def extract(self, html: bytes, url: str, content_type: str | None) -> ArticleRecord:
        if self.failed or self._writer is None:
            raise WorkerFailed("the extraction worker is not running")
        answer: asyncio.Future[ArticleRecord] = asyncio.get_running_loop().create_future()
        self._pending.append(answer)
        self._writer.write(frame((url, html, content_type)))
        try:
            return await asyncio.wait_for(asyncio.shield(answer), WORKER_TIMEOUT_S)
        except TimeoutError:
            self.fail(f"it did not answer within {WORKER_TIMEOUT_S:.0f} s")
            raise WorkerFailed("the extraction worker hung") from None

    async def _read_answers(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                (size,) = HEADER.unpack(await reader.readexactly(HEADER.size))
                ok, value, self.peak_mb = _unpickle(await reader.readexactly(size))
                answer = self._pending.popleft()
                if not answer.done():
                    answer.set_result(value) if ok else answer.set_exception(ExtractorRaised(value))
        except (asyncio.IncompleteReadError, ConnectionError, IndexError) as exc:
            if not self.failed and self._pending:
                self.fail(f"it stopped ({type(exc).__name__})")

    def fail(self, why: str) -> None:
        """Give up on the worker: every page waiting for it is extracted in-process."""
        if not self.failed:
            logger.warning("the extraction worker failed (%s): extracting in-process", why)
        self.failed = True
        while self._pending:
            answer = self._pending.popleft()
            if not answer.done():
                answer.set_exception(WorkerFailed(why))
        self.close()

    def close(self) -> None:
        if self._writer is not None:
            # The worker reads the end of its input and exits. Shut the socket down now: closing
            # the transport only takes effect on the event loop's next turn.
            with contextlib.suppress(OSError):
                self._writer.get_extra_info("socket").shutdown(socket.SHUT_RDWR)
            self._writer.close()
            self._writer = None
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None
        if self._process is not None:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


class CrawlExtractor:
    """Extracts the crawl's pages in ``workers`` worker processes (each page to the one with the
    fewest waiting), started once more than ``warmup`` pages were queued or extracted; before
    that, and with no workers, in-process."""

    def __init__(self, rules: UrlRules, workers: int = 1, warmup: int = WARMUP_ARTICLES) -> None:
        self.rules = rules
        self.workers = workers
        self.warmup = warmup
        self.extracted = 0
        self.queued = 0
        # slug -> name learned by the spider; in-process only: the worker is sent none
        self.category_names: dict[str, str] = {}
        self._pool: list[ExtractionWorker] = []
        self._starting: asyncio.Future[list[None]] | None = None

    @property
    def worker_peak_mb(self) -> float:
        """The workers' peak resident memory, added up (0 when none ran)."""
        return sum(worker.peak_mb for worker in self._pool)

    def queue(self) -> None:
        """One more article page will come: past ``warmup`` of them the workers start now, so
        they are ready by the time the pages arrive."""
        self.queued += 1
        if self.queued > self.warmup:
            self._start_workers()

    def _start_workers(self) -> None:
        if self._starting is not None or self.workers <= 0:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # not on the crawl's event loop: extract() starts them
            return
        logger.info(
            "starting %d extraction worker(s): %d article pages queued, %d extracted",
            self.workers,
            self.queued,
            self.extracted,
        )
        self._pool = [ExtractionWorker(self.rules) for _ in range(self.workers)]
        self._starting = asyncio.gather(*(worker.start() for worker in self._pool))

    async def extract(self, html: bytes, url: str, content_type: str | None) -> ArticleRecord:
        self.extracted += 1
        if self.extracted > self.warmup:
            self._start_workers()
        if self._starting is not None:
            try:
                await self._starting
            except OSError as exc:
                for worker in self._pool:
                    worker.fail(f"it could not start: {exc}")
            running = [worker for worker in self._pool if not worker.failed]
            if running:
                worker = min(running, key=ExtractionWorker.waiting)
                try:
                    return await worker.extract(html, url, content_type)
                except (WorkerFailed, OSError) as exc:
                    worker.fail(str(exc))
        return extract_article(
            html,
            url,
            rules=self.rules,
            content_type=content_type,
            category_names=self.category_names,
        )

    def close(self) -> None:
        for worker in self._pool:
            worker.close()


def _unpickle(payload: bytes) -> tuple[bool, Any, float]:
    ok, value, peak = pickle.loads(payload)
    return bool(ok), value, float(peak)
