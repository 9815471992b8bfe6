"""Extraction during a crawl: in-process for small runs, in a process pool for large ones.

``extract_article`` is pure CPU work. In the crawl process it stalls downloads and storage while
it runs; in a worker process (a ``ProcessPoolExecutor`` running crawl/worker.py) it runs on
another core at the same time as them. Each page is submitted as it arrives and awaited through
``asyncio.wrap_future``, so the crawl's event loop never blocks on it. Small runs (tests, a daily
incremental crawl) never pay the workers' start-up: they start once more than WARMUP_ARTICLES
article pages are queued (a first crawl's sitemaps queue thousands before the first article
arrives, so the workers' imports overlap the crawl's own start), or were extracted in-process.
If a worker dies or hangs, the pool is shut down and its pages, and every later one, are
extracted in-process.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.context
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from atnews_scraper.crawl.worker import (
    ExtractorRaised,
    extract_page,
    ignore_interrupts,
    peak_rss_mb,
    process_id,
)
from atnews_scraper.extract import extract_article
from atnews_scraper.record import ArticleRecord
from atnews_scraper.urls import UrlRules

__all__ = ["CrawlExtractor", "ExtractorRaised", "peak_rss_mb"]

logger = logging.getLogger(__name__)

WARMUP_ARTICLES = 50
WORKER_TIMEOUT_S = 120.0  # a page never takes this long: the worker is stuck


class _WorkerStart(multiprocessing.context.SpawnContext):
    """Spawn (a fresh interpreter: forking a process with the reactor's threads is unsafe), and
    keep each process started, so that a hung worker can be killed: ProcessPoolExecutor has no
    public handle on its processes before Python 3.14."""

    def __init__(self) -> None:
        super().__init__()
        self.processes: list[multiprocessing.process.BaseProcess] = []

    def Process(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        process = super().Process(*args, **kwargs)
        self.processes.append(process)
        return process


class CrawlExtractor:
    """Extracts the crawl's pages in a pool of ``workers`` processes, started once more than
    ``warmup`` pages were queued or extracted; before that, and with no workers, in-process."""

    def __init__(self, rules: UrlRules, workers: int = 1, warmup: int = WARMUP_ARTICLES) -> None:
        self.rules = rules
        self.workers = workers
        self.warmup = warmup
        self.extracted = 0
        self.queued = 0
        # slug -> name learnt by the spider from the listings it read; sent with every page
        self.category_names: dict[str, str] = {}
        self.failed = False  # the pool was given up: everything is extracted in-process
        self._start = _WorkerStart()
        self._pool: ProcessPoolExecutor | None = None
        self._in_flight: set[Future[Any]] = set()
        self._peak_mb: dict[int, float] = {}  # worker process ID -> its peak resident MB

    @property
    def started(self) -> bool:
        """True once the worker processes were started."""
        return self._pool is not None

    @property
    def worker_peak_mb(self) -> float:
        """The workers' peak resident memory, added up (0 when none ran)."""
        return sum(self._peak_mb.values())

    def queue(self) -> None:
        """One more article page will come: past ``warmup`` of them the workers start now, so
        they are ready by the time the pages arrive."""
        self.queued += 1
        if self.queued > self.warmup:
            self._start_workers()

    def _start_workers(self) -> None:
        if self._pool is not None or self.failed or self.workers <= 0:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # not on the crawl's event loop (a unit test): extract() starts them
            return
        logger.info(
            "starting %d extraction worker(s): %d article pages queued, %d extracted",
            self.workers,
            self.queued,
            self.extracted,
        )
        self._pool = ProcessPoolExecutor(
            self.workers, mp_context=self._start, initializer=ignore_interrupts
        )
        # The pool starts a process per call while none is idle: one call each starts them all.
        try:
            for _ in range(self.workers):
                self._track(self._pool.submit(process_id))
        except OSError as exc:
            self._give_up(f"it could not start: {exc}")

    async def extract(self, html: bytes, url: str, content_type: str | None) -> ArticleRecord:
        self.extracted += 1
        if self.extracted > self.warmup:
            self._start_workers()
        if self._pool is not None and not self.failed:
            try:
                return await self._in_worker(self._pool, html, url, content_type)
            except BrokenProcessPool:
                self._give_up("a worker process stopped")
            except TimeoutError:
                self._give_up(f"a page got no answer within {WORKER_TIMEOUT_S:.0f} s")
            except OSError as exc:
                self._give_up(f"it could not start: {exc}")
            except asyncio.CancelledError:
                if not self.failed or _cancelled_from_outside():
                    raise
                # a page the pool had not begun when it was given up: extracted here
        return extract_article(
            html,
            url,
            rules=self.rules,
            content_type=content_type,
            category_names=self.category_names,
        )

    async def _in_worker(
        self, pool: ProcessPoolExecutor, html: bytes, url: str, content_type: str | None
    ) -> ArticleRecord:
        # The body is not copied: the pool holds the spider's own bytes until they are sent.
        # The names are: the spider adds to them while the pool's thread pickles this call.
        job = pool.submit(
            extract_page, html, url, self.rules, content_type, dict(self.category_names)
        )
        self._track(job)
        record, pid, peak_mb = await asyncio.wait_for(asyncio.wrap_future(job), WORKER_TIMEOUT_S)
        self._peak_mb[pid] = peak_mb
        return record

    def _track(self, job: Future[Any]) -> None:
        self._in_flight.add(job)
        job.add_done_callback(self._in_flight.discard)

    def _give_up(self, why: str) -> None:
        """Stop the pool: every page waiting for it, and every later one, is extracted
        in-process."""
        if self.failed:
            return
        logger.warning("the extraction worker failed (%s): extracting in-process", why)
        self.failed = True
        self._stop(kill=True)

    def close(self) -> None:
        """Stop the workers: the pages they are on may finish, within WORKER_TIMEOUT_S."""
        _, running = wait_for(self._in_flight.copy(), timeout=WORKER_TIMEOUT_S)
        self._stop(kill=bool(running))

    def _stop(self, kill: bool) -> None:
        if self._pool is None:
            return
        if kill:  # a hung worker would never read the pool's request to stop
            for process in self._start.processes:
                process.kill()
        # The pool's own thread reaps the processes; this waits for it.
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._start.processes.clear()


def _cancelled_from_outside() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
