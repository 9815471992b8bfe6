"""DedupePipeline: one canonical URL per article, and one copy of it per run.

Dedupe against what is stored (post ID, same body, near-duplicate) happens in the store, in
bulk: atnews_scraper/ingest/article_store.py and docs/storage.md.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from atnews_scraper.items import ArticlePage
from atnews_scraper.pipelines.base import SessionPipeline


class DedupePipeline(SessionPipeline):
    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        record = item.record
        url = self.session.rules.canonical(record["url"])
        record["url"] = url
        if self.session.seen.get(url) == record["content_hash"]:
            self.session.count("duplicate")
            item.outcome = "duplicate"
            raise DropItem(f"duplicate in this run: {url}")
        self.session.seen[url] = record["content_hash"]
        return item
