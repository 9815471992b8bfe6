"""The crawl's extraction worker process: same records as in-process, errors reported, and a dead
worker's pages extracted in-process."""

from __future__ import annotations

import asyncio

import pytest

from atnews_scraper.crawl.extraction import CrawlExtractor, ExtractionWorker, ExtractorRaised
from atnews_scraper.fixture_pages import FIXTURE_RULES, SavedPage, saved_pages
from atnews_scraper.record import ArticleRecord

PAGE_NAMES = ["cp1252-declared-flood-relief", "cp1252-no-charset-kankor"]


def _pages() -> list[tuple[SavedPage, bytes, str, str | None]]:
    found = []
    for page in saved_pages(names=PAGE_NAMES):
        meta = page.meta()
        found.append((page, page.html(), meta["url"], meta.get("content_type")))
    return found


def test_worker_answers_every_page_in_order_with_the_in_process_record() -> None:
    pages = _pages()

    async def run() -> list[ArticleRecord]:
        worker = ExtractionWorker(FIXTURE_RULES)
        await worker.start()
        try:
            # sent ahead of the answers, as the crawl does
            return list(await asyncio.gather(*(worker.extract(h, u, c) for _, h, u, c in pages)))
        finally:
            worker.close()

    records = asyncio.run(run())
    assert records == [page.extract() for page, *_ in pages]


def test_an_extractor_error_in_the_worker_is_raised_with_its_message() -> None:
    async def run() -> None:
        worker = ExtractionWorker(FIXTURE_RULES)
        await worker.start()
        try:
            await worker.extract(b"", "https://www.afghanistantimes.af/a/", None)
        finally:
            worker.close()

    with pytest.raises(ExtractorRaised) as raised:
        asyncio.run(run())
    assert str(raised.value) == "ExtractionError: empty input: the page has no content"


def test_pages_of_a_dead_worker_are_extracted_in_process() -> None:
    pages = _pages()

    async def run() -> tuple[list[ArticleRecord], bool]:
        extractor = CrawlExtractor(FIXTURE_RULES, workers=1, warmup=0)
        first = await extractor.extract(pages[0][1], pages[0][2], pages[0][3])
        [worker] = extractor._pool
        assert worker._process is not None
        worker._process.kill()
        worker._process.wait()
        second = await extractor.extract(pages[1][1], pages[1][2], pages[1][3])
        extractor.close()
        return [first, second], worker.failed

    records, failed = asyncio.run(run())
    assert records == [page.extract() for page, *_ in pages]
    assert failed is True


def test_workers_start_once_more_pages_are_queued_than_the_warmup() -> None:
    pages = _pages()

    async def run() -> tuple[list[int], ArticleRecord, bool]:
        extractor = CrawlExtractor(FIXTURE_RULES, workers=1, warmup=2)
        pool_sizes = []
        for _ in range(3):
            extractor.queue()
            pool_sizes.append(len(extractor._pool))
        record = await extractor.extract(pages[0][1], pages[0][2], pages[0][3])
        [worker] = extractor._pool
        answered_by_worker = worker.peak_mb > 0  # set from the worker's answer
        extractor.close()
        return pool_sizes, record, answered_by_worker

    pool_sizes, record, answered_by_worker = asyncio.run(run())
    assert pool_sizes == [0, 0, 1]
    assert record == pages[0][0].extract()
    assert answered_by_worker is True


def test_queueing_outside_an_event_loop_leaves_the_start_to_extract() -> None:
    extractor = CrawlExtractor(FIXTURE_RULES, workers=1, warmup=0)
    extractor.queue()
    assert extractor._pool == []
    assert extractor.queued == 1
