"""A fetched article page to the item the pipelines store, each outcome counted: a page that is
no HTML or cut short (retried), extraction (which must never stop the crawl)."""

from __future__ import annotations

import datetime as dt
import logging

from scrapy.http import Request, Response, TextResponse

from atnews_scraper.crawl.canonical import checked_record_url
from atnews_scraper.crawl.context import PageContext
from atnews_scraper.crawl.extraction import CrawlExtractor
from atnews_scraper.crawl.failures import describe, status_kind
from atnews_scraper.crawl.gate import RequestGate
from atnews_scraper.crawl.outcomes import PageOutcomes
from atnews_scraper.crawl.responses import header
from atnews_scraper.items import ArticlePage

logger = logging.getLogger(__name__)


def looks_complete(body: bytes) -> bool:
    """A whole HTML page ends with </html>; a body cut short by a dropped connection does not."""
    return b"</html>" in body[-4096:].lower()


class ArticleReader:
    def __init__(
        self, gate: RequestGate, extractor: CrawlExtractor, outcomes: PageOutcomes
    ) -> None:
        self.gate = gate
        self.rules = gate.rules
        self.extractor = extractor
        self.outcomes = outcomes

    async def read(self, response: Response, context: PageContext) -> ArticlePage | Request | None:
        """The article's item; a retry of a page cut short; None when there is nothing to store."""
        if not 200 <= response.status < 300:  # only if HTTPERROR_ALLOW_ALL / _ALLOWED_CODES say so
            if not self.outcomes.settled(response.status, context):
                self.outcomes.fail(context, status_kind(response.status))
                logger.warning("failed: %s (HTTP %d)", response.url, response.status)
            return None
        if not isinstance(response, TextResponse):
            self.outcomes.resolve(context, "errors/not_html")
            return None
        if not looks_complete(response.body):
            return self.outcomes.retry_or_fail(response, context, "truncated")
        url = self.rules.canonical(response.url)  # a fetch URL, seen once: not worth caching
        content_type = header(response, b"Content-Type")
        try:
            record = await self.extractor.extract(response.body, url, content_type)
        except Exception as exc:  # the extractor must never stop the crawl
            logger.warning("extraction failed for %s: %s", url, describe(exc))
            self.outcomes.resolve(context, "errors/extract")
            return None
        record = checked_record_url(record, url, self.rules)
        self.outcomes.extracted(context, record)
        self.gate.scheduled.update((url, record["url"]))
        return ArticlePage(
            record=record,
            html=response.body,
            fetch_url=response.url,
            status=response.status,
            fetched_at=dt.datetime.now(dt.UTC),
            encoding=response.encoding,
            etag=header(response, b"ETag"),
            last_modified=header(response, b"Last-Modified"),
            sitemap_lastmod=self.gate.sitemap_lastmod(context),
            discovered_via=context.via,
        )
