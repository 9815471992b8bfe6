"""StorePipeline: articles, revisions and raw pages into MongoDB in bulk, or the journal.

An item's outcome (new, updated, unchanged, duplicate, journalled) is set, and counted, when its
batch is written: at the size or time bound, and at close.
"""

from __future__ import annotations

from typing import Any

from atnews_scraper.items import ArticlePage
from pipelines.base import SessionPipeline

FLUSH_CHECK_S = 1.0


class StorePipeline(SessionPipeline):
    timer: Any = None

    def open_spider(self, spider: Any = None) -> None:
        super().open_spider(spider)
        if self.crawler is not None:
            from twisted.internet import task

            # The time bound holds when items stop arriving too.
            self.timer = task.LoopingCall(self.session.flush_if_due)
            self.timer.start(FLUSH_CHECK_S, now=False)

    def close_spider(self, spider: Any = None) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        super().close_spider(spider)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        self.session.add_page(item)
        return item
