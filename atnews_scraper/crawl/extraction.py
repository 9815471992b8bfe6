"""Extraction during a crawl: in-process for small runs, in a worker process for large ones.

``extract_article`` is pure CPU work. In the crawl process it would stall downloads and storage
while it runs; in one worker process it overlaps with them, so a large crawl runs at about the
extractor's own speed. Small runs (tests, a daily incremental crawl) never pay the worker's
start-up: it starts only after WARMUP_ARTICLES pages were extracted in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import resource
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from atnews_scraper.extract import extract_article
from atnews_scraper.record import ArticleRecord
from atnews_scraper.urls import UrlRules

logger = logging.getLogger(__name__)

WARMUP_ARTICLES = 50
WORKER_TIMEOUT_S = 120.0  # a page never takes this long: the worker is stuck


class CrawlExtractor:
    def __init__(self, rules: UrlRules, workers: int = 1, warmup: int = WARMUP_ARTICLES) -> None:
        self.rules = rules
        self.workers = workers
        self.warmup = warmup
        self.extracted = 0
        self.worker_peak_mb = 0.0  # the worker's peak resident memory, known after close()
        self._pool: ProcessPoolExecutor | None = None

    async def extract(self, html: bytes, url: str, content_type: str | None) -> ArticleRecord:
        self.extracted += 1
        if self._pool is None and self.workers > 0 and self.extracted > self.warmup:
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn")
            )
        if self._pool is not None:
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(self._pool, _extract, html, url, self.rules, content_type)
            try:
                return await asyncio.wait_for(future, WORKER_TIMEOUT_S)
            except (BrokenProcessPool, TimeoutError):
                logger.warning("the extraction worker failed: extracting in-process from now on")
                self.workers = 0
                pool, self._pool = self._pool, None
                pool.shutdown(wait=False, cancel_futures=True)
        return _extract(html, url, self.rules, content_type)

    def close(self) -> None:
        if self._pool is not None:
            with contextlib.suppress(Exception):
                self.worker_peak_mb = max(
                    self.worker_peak_mb, self._pool.submit(peak_rss_mb).result()
                )
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _extract(html: bytes, url: str, rules: UrlRules, content_type: str | None) -> ArticleRecord:
    return extract_article(html, url, rules=rules, content_type=content_type)
