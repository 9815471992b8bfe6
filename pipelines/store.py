"""StorePipeline: articles, revisions and raw pages into MongoDB in bulk, or the journal.

An item's outcome (new, updated, unchanged, duplicate, journalled) is set, and counted, when its
batch is written: at the size or time bound, and at close.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from atnews_scraper.ingest.session import Batch, IngestSession
from atnews_scraper.items import ArticlePage
from pipelines.base import SessionPipeline

FLUSH_CHECK_S = 1.0

log = logging.getLogger(__name__)


class BackgroundFlusher:
    """In a crawl, due batches are written on a thread, so downloads and extraction go on while
    the database answers. One batch is in flight at a time; entries arriving meanwhile wait in
    the buffer (and the journal) for the next. Bookkeeping stays on the reactor thread."""

    def __init__(self, session: IngestSession) -> None:
        self.session = session
        self.pending: Any = None  # the Deferred of the batch being written

    def flush(self) -> None:
        if self.pending is not None:
            return
        batch = self.session.take_batch()
        if batch is None:
            return
        from twisted.internet.threads import deferToThread

        self.pending = deferToThread(self.session.write_batch, batch.entries)
        self.pending.addCallbacks(self._written, self._failed, (batch,), None, (batch,))

    def _written(self, outcomes: list[str] | None, batch: Batch) -> None:
        self.pending = None
        self.session.finish_batch(batch, outcomes)
        self.session.flush_if_due()

    def _failed(self, failure: Any, batch: Batch) -> None:
        log.error("store write crashed, %d record(s) journalled: %s", len(batch.entries), failure)
        self._written(None, batch)


class StorePipeline(SessionPipeline):
    timer: Any = None
    flusher: BackgroundFlusher | None = None

    def open_spider(self, spider: Any = None) -> None:
        super().open_spider(spider)
        if self.crawler is not None:
            from twisted.internet import task

            self.flusher = BackgroundFlusher(self.session)
            self.session.flush_due = self.flusher.flush
            # The time bound holds when items stop arriving too.
            self.timer = task.LoopingCall(self.session.flush_if_due)
            self.timer.start(FLUSH_CHECK_S, now=False)

    def close_spider(self, spider: Any = None) -> Any:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        if self.flusher is None:
            super().close_spider(spider)
            return None
        return self._close_when_written(self.flusher, spider)

    async def _close_when_written(self, flusher: BackgroundFlusher, spider: Any) -> None:
        self.session.flush_due = self.session.flush
        while flusher.pending is not None:
            await asyncio.sleep(0.05)
        super().close_spider(spider)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        self.session.add_page(item)
        return item
