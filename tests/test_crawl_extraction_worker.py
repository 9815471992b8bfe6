"""The crawl's extraction workers: same records as in-process, errors reported, a dead or hung
worker's pages extracted in-process, and no process left behind."""

from __future__ import annotations

import ast
import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys

import pytest

from atnews_scraper.crawl import extraction
from atnews_scraper.crawl.category_names import category_names_in
from atnews_scraper.crawl.extraction import CrawlExtractor, ExtractorRaised
from atnews_scraper.fixture_pages import FIXTURE_RULES, SavedPage, saved_pages
from atnews_scraper.record import ArticleRecord

PAGE_NAMES = ["cp1252-declared-flood-relief", "cp1252-no-charset-kankor"]


def _pages() -> list[tuple[SavedPage, bytes, str, str | None]]:
    found = []
    for page in saved_pages(names=PAGE_NAMES):
        meta = page.meta()
        found.append((page, page.html(), meta["url"], meta.get("content_type")))
    return found


def _worker_pids() -> list[int]:
    return [process.pid for process in multiprocessing.active_children() if process.pid]


def test_workers_answer_every_page_with_the_in_process_record() -> None:
    pages = _pages()

    async def run() -> tuple[list[ArticleRecord], float]:
        extractor = CrawlExtractor(FIXTURE_RULES, workers=2, warmup=0)
        try:
            # sent ahead of the answers, as the crawl does
            records = await asyncio.gather(*(extractor.extract(h, u, c) for _, h, u, c in pages))
            return list(records), extractor.worker_peak_mb
        finally:
            extractor.close()

    records, peak_mb = asyncio.run(run())
    assert records == [page.extract() for page, *_ in pages]
    assert peak_mb > 0  # reported by the workers with their answers
    assert _worker_pids() == []


def test_an_extractor_error_in_a_worker_is_raised_with_its_message() -> None:
    async def run() -> None:
        extractor = CrawlExtractor(FIXTURE_RULES, workers=1, warmup=0)
        try:
            await extractor.extract(b"", "https://www.afghanistantimes.af/a/", None)
        finally:
            extractor.close()

    with pytest.raises(ExtractorRaised) as raised:
        asyncio.run(run())
    assert str(raised.value) == "ExtractionError: empty input: the page has no content"


@pytest.mark.parametrize(
    "stop",
    [signal.SIGKILL, signal.SIGSTOP],  # dead; alive and never answering
    ids=["dead", "hung"],
)
def test_the_page_a_dead_or_hung_worker_holds_is_extracted_in_process(
    stop: signal.Signals, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = _pages()

    async def run() -> tuple[list[ArticleRecord], bool]:
        extractor = CrawlExtractor(FIXTURE_RULES, workers=1, warmup=0)
        first = await extractor.extract(pages[0][1], pages[0][2], pages[0][3])
        monkeypatch.setattr(extraction, "WORKER_TIMEOUT_S", 0.5)  # once the worker is up
        [pid] = _worker_pids()
        os.kill(pid, stop)
        second = await extractor.extract(pages[1][1], pages[1][2], pages[1][3])
        extractor.close()
        return [first, second], extractor.failed

    records, failed = asyncio.run(run())
    assert records == [page.extract() for page, *_ in pages]
    assert failed is True
    assert _worker_pids() == []


def test_workers_start_once_more_pages_are_queued_than_the_warmup() -> None:
    pages = _pages()

    async def run() -> tuple[list[bool], ArticleRecord, float]:
        extractor = CrawlExtractor(FIXTURE_RULES, workers=1, warmup=2)
        started = []
        for _ in range(3):
            extractor.queue()
            started.append(extractor.started)
        record = await extractor.extract(pages[0][1], pages[0][2], pages[0][3])
        extractor.close()
        return started, record, extractor.worker_peak_mb

    started, record, peak_mb = asyncio.run(run())
    assert started == [False, False, True]
    assert record == pages[0][0].extract()
    assert peak_mb > 0  # answered by the worker
    assert _worker_pids() == []


def test_queueing_outside_an_event_loop_leaves_the_start_to_extract() -> None:
    extractor = CrawlExtractor(FIXTURE_RULES, workers=1, warmup=0)
    extractor.queue()
    assert extractor.started is False
    assert extractor.queued == 1


def test_the_worker_names_class_only_categories_from_the_listings_the_crawl_read() -> None:
    (page,) = saved_pages(names=["class-only-categories-pul-e-khumri"])
    listing = (
        '<ul><li><a href="https://www.afghanistantimes.af/category/nation/">Nation</a></li>'
        '<li><a href="/category/provinces/baghlan/">Baghlan</a></li></ul>'
    )

    async def run() -> tuple[ArticleRecord, ArticleRecord]:
        extractor = CrawlExtractor(FIXTURE_RULES, workers=1, warmup=0)
        extractor.category_names.update(category_names_in(listing))
        try:
            in_worker = await extractor.extract(page.html(), page.meta()["url"], None)
            in_process = CrawlExtractor(FIXTURE_RULES, workers=0)
            in_process.category_names.update(extractor.category_names)
            return in_worker, await in_process.extract(page.html(), page.meta()["url"], None)
        finally:
            extractor.close()

    in_worker, in_process = asyncio.run(run())
    assert in_worker["categories"] == ["Nation", "Provinces", "Baghlan"]
    assert in_worker == in_process


def test_the_cli_a_worker_imports_again_loads_neither_the_database_driver_nor_rich() -> None:
    # A spawned worker imports the crawl's main module (the `atnews` CLI) before its first page.
    probe = "import sys, atnews_scraper.cli; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert {"pymongo", "bson", "rich", "scrapy", "twisted"} & set(ast.literal_eval(loaded)) == set()
