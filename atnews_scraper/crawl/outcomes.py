"""How each page request of a crawl ended, counted in the crawl's stats (``atnews/...``) and
recorded in the crawl state: resolved (read, unchanged, gone) or failed (tried again next run).

``PageOutcomes`` is the spider's bookkeeping: its errback, which also receives the 304, 404 and
410 answers (Scrapy's HttpErrorMiddleware passes callbacks 2xx answers only; ``settled_key``
names them), dropped requests (a redirect loop), retries of a page cut short, robots.txt
failures, and what each callback read.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from atnews_scraper.crawl.context import URL_META, PageContext, context_of
from atnews_scraper.crawl.failures import GONE_STATUSES, UNREACHABLE_KINDS, describe, error_kind
from atnews_scraper.crawl.state import CrawlState
from atnews_scraper.crawl.summary import WATCHED_FIELDS

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

NOT_MODIFIED = 304


def settled_key(status: int, kind: str) -> str | None:
    """The stats key of an answer that settles a page without a body to read, or None: 304
    (unchanged since the last run) and 404 / 410 (gone: an error for an article, "missing" for
    a discovery page)."""
    if status == NOT_MODIFIED:
        return f"{kind}s/not_modified"
    if status in GONE_STATUSES:
        return f"errors/http_{status}" if kind == "article" else f"{kind}s/missing"
    return None


def not_modified(failure: Failure) -> bool:
    """Whether a failure is a 304 answer: the page is unchanged since the last run."""
    exc = failure.value
    return isinstance(exc, HttpError) and exc.response.status == NOT_MODIFIED


class PageOutcomes:
    """The spider's bookkeeping of page outcomes: one per crawl, built ``from_crawler``."""

    def __init__(self, crawler: Crawler, state: CrawlState) -> None:
        self.crawler = crawler
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler, state: CrawlState) -> PageOutcomes:
        outcomes = cls(crawler, state)
        crawler.signals.connect(outcomes.on_dropped, signal=signals.request_dropped)
        return outcomes

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def count(self, key: str, amount: int = 1) -> None:
        self.stats.inc_value(f"atnews/{key}", amount)

    def resolve(self, context: PageContext, key: str | None = None) -> None:
        """The page is done with for this run (read, unchanged or gone); ``key`` is counted."""
        if key is not None:
            self.count(key)
        self.state.resolve(context.url)

    def extracted(self, context: PageContext, record: Any) -> None:
        """An article read: counted, with each watched field it left empty."""
        self.count("pages/articles")
        for name in WATCHED_FIELDS:
            if not record.get(name):
                self.count(f"fields_empty/{name}")
        self.state.resolve(context.url)

    def settled(self, status: int, context: PageContext) -> bool:
        """Resolve a 304 / 404 / 410 answer; False for any other status (a page to read)."""
        key = settled_key(status, context.kind)
        if key is None:
            return False
        self.resolve(context, key)
        return True

    def fail(self, context: PageContext, error: str) -> None:
        """The page failed: counted as ``errors/<error>``, and tried again by the next run."""
        self.count(f"errors/{error}")
        self.state.fail(context.url, context.kind, error)

    def retry_or_fail(
        self, response: Response, context: PageContext, reason: str
    ) -> Request | None:
        """A retry of a response that cannot be used (``reason``), until the retries run out."""
        spider = self.crawler.spider
        assert spider is not None and response.request is not None
        retry = get_retry_request(response.request, spider=spider, reason=reason)
        if retry is None:
            self.fail(context, reason)
            logger.warning("giving up on %s: %s", response.url, reason)
        return retry

    def on_error(self, failure: Failure) -> PageContext | None:
        """The errback's bookkeeping: the request's context, or None when the failure is not the
        page's (off-site, refused by robots.txt)."""
        exc = _exception(failure)
        request: Request = failure.request  # type: ignore[attr-defined]
        context = _context(request)
        if isinstance(exc, HttpError):
            if self.settled(exc.response.status, context):
                return context
        elif isinstance(exc, IgnoreRequest) and "redirections" not in str(exc):
            return None  # off-site or robots.txt: counted by the middleware, not a failure
        self.fail(context, error_kind(exc))
        logger.warning("failed: %s (%s)", request.url, describe(exc))
        return context

    def on_dropped(self, request: Request) -> None:
        """A redirect back to a URL of its own chain, dropped as a duplicate: a redirect loop."""
        chain: list[str] = list(request.meta.get("redirect_urls") or [])
        if request.url not in chain:
            return
        self.fail(_context(request), "redirect_loop")
        logger.warning("failed: %s (redirect loop)", chain[0])

    def unreadable(self, response: Response, context: PageContext, exc: Exception) -> None:
        """A sitemap or feed that is not one."""
        self.count(f"errors/bad_{context.kind}")
        logger.warning("not a %s: %s (%s)", context.kind, response.url, exc)

    def lastmods_dropped(self, url: str, dropped: Sequence[str]) -> None:
        """A sitemap's lastmod values that are no date: its entries are kept without them."""
        if dropped:
            self.count("sitemaps/lastmod_dropped", len(dropped))
            logger.warning(
                "sitemap %s: %d lastmod values are no date or out of range (%r): entries kept "
                "without them",
                url,
                len(dropped),
                dropped[0],
            )

    def robots_failed(self, failure: Failure) -> str | None:
        """Count a robots.txt failure; "URL: error" when it says the site is out of reach."""
        exc = _exception(failure)
        kind = error_kind(exc)
        self.count(f"errors/{kind}")
        if kind in UNREACHABLE_KINDS:
            unreachable = f"{failure.request.url}: {describe(exc)}"  # type: ignore[attr-defined]
            logger.info("site unreachable: %s", unreachable)  # the CLI says it, once
            return unreachable
        logger.warning("robots.txt failed (%s): crawling without it", describe(exc))
        return None

    def robots_unavailable(self, response: Response) -> str:
        """RFC 9309: a server error on robots.txt means "crawl nothing" until it recovers."""
        self.count("errors/robots_unavailable")
        return f"{response.url}: HTTP {response.status} (robots.txt unavailable)"


def _context(request: Request) -> PageContext:
    """The context of a request; one the spider did not make counts as an article."""
    return context_of(request) or PageContext(
        request.meta.get(URL_META, request.url), "article", ""
    )


def _exception(failure: Failure) -> BaseException:
    return failure.value if failure.value is not None else RuntimeError("unknown failure")
