"""What the three ingest pipelines share: one IngestSession per crawl, opened and closed."""

from __future__ import annotations

from typing import Any

from atnews_scraper.ingest.session import IngestSession, session_for_crawler


class SessionPipeline:
    def __init__(self, session: IngestSession, crawler: Any = None) -> None:
        self.session = session
        self.crawler = crawler  # None outside a crawl (tests, benchmarks)

    @classmethod
    def from_crawler(cls, crawler: Any) -> SessionPipeline:
        return cls(session_for_crawler(crawler), crawler)

    def open_spider(self, spider: Any = None) -> None:
        self.session.open()

    def close_spider(self, spider: Any = None) -> None:
        self.session.close()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        raise NotImplementedError
