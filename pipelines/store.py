"""StorePipeline: articles, revisions and raw pages into MongoDB in bulk, or the journal.

An item's outcome (new, updated, unchanged, duplicate, journalled, not_stored) is set, and
counted, when its batch is written: at the size or time bound, and at close. When the journal
cannot be written (a full disk), the crawl is stopped with the reason (docs/storage.md).

In a crawl, due batches are written on a thread (BackgroundWriter), so downloads and extraction
go on while the database answers; a written batch is finished on the reactor thread. Outside a
crawl they are written synchronously, or on the thread too with `background=True` (finished at
the next item and at close).
"""

from __future__ import annotations

import asyncio
from typing import Any

from atnews_scraper.ingest.background import BackgroundWriter
from atnews_scraper.ingest.session import IngestSession
from atnews_scraper.items import ArticlePage
from atnews_scraper.pipelines.base import SessionPipeline

FLUSH_CHECK_S = 1.0


class StorePipeline(SessionPipeline):
    timer: Any = None

    def __init__(
        self, session: IngestSession, crawler: Any = None, background: bool = False
    ) -> None:
        super().__init__(session, crawler)
        self.background = background  # outside a crawl (a crawl always writes on a thread)

    def open_spider(self, spider: Any = None) -> None:
        super().open_spider(spider)
        if self.crawler is not None:
            from twisted.internet import reactor, task

            self.session.writer = BackgroundWriter(self.session, deliver=reactor.callFromThread)
            self.session.on_journal_failure = self.stop_crawl
            # The time bound holds when items stop arriving too.
            self.timer = task.LoopingCall(self.session.flush_if_due)
            self.timer.start(FLUSH_CHECK_S, now=False)
        elif self.background:
            self.session.writer = BackgroundWriter(self.session)

    def close_spider(self, spider: Any = None) -> Any:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        writer = self.session.writer
        if self.crawler is None or writer is None:
            super().close_spider(spider)
            return None
        return self._close_when_written(writer, spider)

    async def _close_when_written(self, writer: BackgroundWriter, spider: Any) -> None:
        """The batch in flight written without blocking the reactor; then the rest, at close."""
        while not writer.collect():
            await asyncio.sleep(0.05)
        super().close_spider(spider)

    def stop_crawl(self, reason: str) -> None:
        """The journal cannot be written: stop fetching (the reason becomes the crawl's finish
        reason, so the run fails and keeps its discovery marks back)."""
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        self.session.add_page(item)
        return item
