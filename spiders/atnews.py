"""The `atnews` spider: discovers the site's articles and fetches each once.

It only discovers and fetches: extraction is the pure ``extract_article`` and storage is the
item pipelines. Discovery, each source switchable (``CrawlOptions.sources``):

- ``sitemaps``: robots.txt ``Sitemap:`` lines, else Yoast / WordPress core sitemap locations;
  an index's child sitemaps are skipped when their ``lastmod`` has not moved since last run.
- ``feeds``: ``/feed/`` (and, on deep runs, each category's feed).
- ``listings``: the home page, then (on deep runs) every category listing with its pagination;
  paging stops after KNOWN_RUN_STOP articles in a row that are stored or already requested.
- ``links``: each article's Check Also, related and previous / next links.

Sources run in phases (see ``on_idle``): sitemaps, then the feed and the home page listing, then
the category listings and feeds on *deep* runs: ``--full``, or when no sitemap could be read.
Known articles are fetched only when a sitemap ``lastmod`` is newer than the stored copy, or
with ``--refresh``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from protego import Protego
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from atnews_scraper.config import load_config
from atnews_scraper.crawl.backlog import RequestBacklog
from atnews_scraper.crawl.canonical import checked_record_url
from atnews_scraper.crawl.category_names import category_names_in
from atnews_scraper.crawl.extraction import CrawlExtractor
from atnews_scraper.crawl.failures import GONE_STATUSES, UNREACHABLE_KINDS, describe, error_kind
from atnews_scraper.crawl.feeds import parse_feed
from atnews_scraper.crawl.jobdir import FinishedJobReset
from atnews_scraper.crawl.listings import ListingBounds, parse_listing
from atnews_scraper.crawl.middleware import ROBOTS_EXEMPT, apply_crawl_delay
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.crawl.robots import read_robots
from atnews_scraper.crawl.sitemaps import (
    SITEMAP_CANDIDATES,
    Sitemap,
    SitemapEntry,
    lists_posts,
    parse_sitemap,
)
from atnews_scraper.crawl.state import PageMark
from atnews_scraper.crawl.summary import WATCHED_FIELDS
from atnews_scraper.crawl.xml import MAX_XML_BYTES, NotXml
from atnews_scraper.items import ArticlePage
from atnews_scraper.urls import PageKind, UrlRules

logger = logging.getLogger(__name__)

KNOWN_RUN_STOP = 5  # listings stop paging after this many known articles in a row
ROBOTS_AGENT = "atnews"
CATEGORY_PATH = re.compile(r"^/category/[^/]+/$")
ARTICLE_KINDS = (PageKind.ARTICLE, PageKind.SHORTLINK)
# Priorities: articles before more discovery, so the queue stays short and results come early.
PRIORITY_ARTICLE = 10
PRIORITY_FEED = 5
PRIORITY_SITEMAP = 5
PRIORITY_LISTING = 0
MAX_SITEMAP_DEPTH = 3
MAX_LISTING_PAGES = 5000  # defaults of ATNEWS_MAX_LISTING_PAGES, ATNEWS_LISTING_STALL_PAGES
LISTING_STALL_PAGES = 5


def standalone_plan(site_url: str | None) -> CrawlPlan:
    """The plan of `scrapy crawl atnews [-a site_url=URL]`: the configured site, nothing known.

    `atnews crawl` builds the full plan (stored articles, failed URLs, the lock); a bare Scrapy
    run fetches like a first crawl and leaves deduplication to the pipelines.
    """
    config = load_config(site_url=site_url)
    return CrawlPlan(options=CrawlOptions(site_url=config.site_url, hosts=config.hosts))


class AtnewsSpider(scrapy.Spider):
    name = "atnews"

    def __init__(
        self, plan: CrawlPlan | None = None, site_url: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.plan = plan or standalone_plan(site_url)
        self.rules: UrlRules = self.plan.rules
        # The same links recur on every page (related, previous / next): canonicalise each once.
        self._canonical = functools.lru_cache(maxsize=1 << 16)(self.rules.canonical)
        self.kind = functools.lru_cache(maxsize=1 << 16)(self.rules.kind)
        self.robots: Protego | None = None
        self.robots_agent = ROBOTS_AGENT
        self.unreachable: str | None = None  # "URL: error" when the site could not be reached
        self.sitemap_read = False
        self.home_started = False
        self.deep_started = False
        self.categories: dict[str, None] = {}
        self.requests_made = 0
        self.late_lastmods: dict[str, dt.datetime] = {}
        self.budget_hit = False
        # SpiderState (with --jobdir) replaces this with the state saved by the interrupted run.
        self.state: dict[str, Any] = {}
        self.extractor = CrawlExtractor(self.rules, workers=0)
        self.backlog: RequestBacklog | None = None  # None: sitemap requests are made at once
        self.listing_bounds = ListingBounds(MAX_LISTING_PAGES, LISTING_STALL_PAGES)
        self.job_reset: FinishedJobReset | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> AtnewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_dropped, signal=signals.request_dropped)
        workers = crawler.settings.getint("ATNEWS_EXTRACT_WORKERS")
        spider.extractor = CrawlExtractor(spider.rules, workers=workers)
        # With a --jobdir the scheduler keeps its queue on disk, not in memory, and a request
        # held back in the backlog would be lost to the resumed run: all are scheduled at once.
        spider.backlog = None if crawler.settings.get("JOBDIR") else RequestBacklog(crawler)
        # Before the scheduler opens the --jobdir; kept: signals hold their receivers weakly.
        spider.job_reset = FinishedJobReset.install(crawler)
        spider.listing_bounds = ListingBounds(
            crawler.settings.getint("ATNEWS_MAX_LISTING_PAGES", MAX_LISTING_PAGES),
            crawler.settings.getint("ATNEWS_LISTING_STALL_PAGES", LISTING_STALL_PAGES),
        )
        return spider

    def closed(self, reason: str) -> None:
        self.extractor.close()

    # --- bookkeeping -----------------------------------------------------------------------

    @property
    def scheduled(self) -> set[str]:
        """Canonical URLs of the articles requested in this crawl (kept across --jobdir resumes)."""
        found: set[str] = self.state.setdefault("scheduled", set())
        return found

    @property
    def sources(self) -> frozenset[str]:
        return self.plan.options.sources

    @property
    def reread(self) -> bool:
        """Read every discovery page in full, never trusting "unchanged since last run"."""
        return self.plan.options.full or self.plan.options.refresh

    @property
    def deep(self) -> bool:
        return self.plan.options.full or not self.sitemap_read

    def canonical(self, href: str, base: str | None = None) -> str:
        """``UrlRules.canonical``, cached. An absolute http(s) URL does not depend on the base, so
        a link is cached once for all the pages it appears on, not once per page."""
        if base is not None and href.startswith(("https://", "http://")):
            base = None
        return self._canonical(href, base)

    def count(self, key: str, amount: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"atnews/{key}", amount)

    def too_old(self, when: dt.datetime | None) -> bool:
        since = self.plan.options.since
        return since is not None and when is not None and when.date() < since

    # --- requests ---------------------------------------------------------------------------

    def page_request(
        self,
        url: str,
        callback: Any,
        page_kind: str,
        via: str,
        *,
        priority: int = 0,
        headers: dict[str, str] | None = None,
        statuses: Iterable[int] = (304, 404, 410),
        **details: Any,
    ) -> Request | None:
        """A request for a site URL (fetched under --site-url), within the page budget."""
        limit = self.plan.options.max_pages
        if limit is not None and self.requests_made >= limit:
            self.budget_hit = True
            self.count("skipped/budget")
            return None
        self.requests_made += 1
        meta: dict[str, Any] = {"handle_httpstatus_list": list(statuses)}
        if "download_maxsize" in details:
            meta["download_maxsize"] = details.pop("download_maxsize")
        meta["atnews"] = {"url": url, "kind": page_kind, "via": via, **details}
        return Request(
            self.rules.fetch_url(url),
            callback=callback,
            errback=self.on_error,
            priority=priority,
            headers=headers,
            meta=meta,
        )

    def discovery_request(
        self, href: str, callback: Any, page_kind: str, via: str, **details: Any
    ) -> Request | None:
        """A sitemap, feed or listing page; conditional when the last run saw it unchanged."""
        url = self.canonical(href, self.rules.site_url)
        if not self.rules.is_own(url):
            self.count("skipped/offsite")
            return None
        mark = self.plan.state.marks.get(url)
        headers = mark.conditional_headers() if mark and not self.reread else None
        priority = {"sitemap": PRIORITY_SITEMAP, "feed": PRIORITY_FEED}.get(
            page_kind, PRIORITY_LISTING
        )
        if page_kind == "sitemap":
            details["download_maxsize"] = MAX_XML_BYTES
        return self.page_request(
            url, callback, page_kind, via, priority=priority, headers=headers, **details
        )

    def article_request(
        self, href: str, via: str, lastmod: dt.datetime | None = None, base: str | None = None
    ) -> Request | None:
        """A request for an article, unless it was already requested or is stored and fresh."""
        url = self.canonical(href, base)
        if url in self.scheduled:  # first: most links point at articles already requested
            if lastmod is not None:
                self.late_lastmods[url] = lastmod  # a sitemap listed it after a link did
            return None
        if not self.rules.is_own(url):
            self.count("skipped/offsite")
            return None
        if self.kind(url) not in ARTICLE_KINDS:
            return None
        known = self.plan.known.get(url)
        headers = None
        if known is not None and not self.plan.options.refresh:
            if not known.is_stale(lastmod):
                self.count("skipped/known")
                return None
            headers = known.conditional_headers()
        request = self.page_request(
            url,
            self.parse_article,
            "article",
            via,
            priority=PRIORITY_ARTICLE,
            headers=headers,
            lastmod=lastmod,
        )
        if request is not None:
            self.scheduled.add(url)
            self.extractor.queue()
        return request

    # --- start: robots.txt, then every discovery source --------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        url = self.rules.fetch_url("/robots.txt")
        yield Request(
            url,
            callback=self.parse_robots,
            errback=self.robots_failed,
            dont_filter=True,
            meta={
                ROBOTS_EXEMPT: True,
                "handle_httpstatus_all": True,
                "max_retry_times": 1,
                "download_timeout": self.settings.getfloat("ATNEWS_ROBOTS_TIMEOUT", 20.0),
                "atnews": {"url": self.canonical(url), "kind": "robots", "via": "start"},
            },
        )

    def parse_robots(self, response: Response) -> Iterator[Request]:
        sitemaps: list[str] = []
        if response.status == 200 and isinstance(response, TextResponse):
            self.robots, sitemaps = read_robots(response.text)
            crawl_delay = self.robots.crawl_delay(self.robots_agent)
            if crawl_delay is not None:  # before any other request: only robots.txt went out
                apply_crawl_delay(self.crawler, response.meta["download_slot"], crawl_delay)
        elif response.status >= 500:
            # RFC 9309: a server error on robots.txt means "crawl nothing" until it recovers.
            self.count("errors/robots_unavailable")
            self.unreachable = f"{response.url}: HTTP {response.status} (robots.txt unavailable)"
            return
        yield from self.first_requests(sitemaps)

    def robots_failed(self, failure: Failure) -> Iterator[Request]:
        exc = _exception(failure)
        kind = error_kind(exc)
        self.count(f"errors/{kind}")
        request = failure.request  # type: ignore[attr-defined]
        if kind in UNREACHABLE_KINDS:
            self.unreachable = f"{request.url}: {describe(exc)}"
            logger.info("site unreachable: %s", self.unreachable)  # the CLI says it, once
            return
        logger.warning("robots.txt failed (%s): crawling without it", describe(exc))
        yield from self.first_requests([])

    def first_requests(self, robots_sitemaps: list[str]) -> Iterator[Request]:
        yield from self.retry_requests()
        if "sitemaps" in self.sources:
            if robots_sitemaps:
                for href in robots_sitemaps:
                    request = self.discovery_request(href, self.parse_sitemap, "sitemap", "robots")
                    if request is not None:
                        yield request
            else:
                request = self.candidate_sitemap_request(0)
                if request is not None:
                    yield request

    def candidate_sitemap_request(self, index: int) -> Request | None:
        if index >= len(SITEMAP_CANDIDATES):
            return None
        return self.discovery_request(
            SITEMAP_CANDIDATES[index], self.parse_sitemap, "sitemap", "guess", candidate=index
        )

    def retry_requests(self) -> Iterator[Request]:
        """URLs that failed in earlier runs, tried again first."""
        callbacks = {"sitemap": self.parse_sitemap, "feed": self.parse_feed}
        for failed in self.plan.state.retryable():
            if failed.page_kind == "article":
                request = self.page_request(
                    failed.url, self.parse_article, "article", "retry", priority=PRIORITY_ARTICLE
                )
                self.scheduled.add(failed.url)
            else:
                callback = callbacks.get(failed.page_kind, self.parse_listing)
                request = self.page_request(
                    failed.url, callback, failed.page_kind, "retry", known_run=0
                )
            if request is not None:
                self.count("retried_from_last_run")
                yield request

    def on_idle(self) -> None:
        """Discovery in phases, each when the previous one is done: sitemaps first (so articles
        are requested with their lastmod), then the feed and the home page listing (which stops
        early as it meets articles already known or requested), then category listings and
        feeds when this run needs them (--full, or no sitemap could be read)."""
        if self.unreachable:
            return
        if self.backlog is not None and self.backlog.top_up():
            raise DontCloseSpider  # a sitemap's entries are not all requested yet
        requests: list[Request | None] = []
        if not self.home_started:
            self.home_started = True
            if "feeds" in self.sources:
                requests.append(self.discovery_request("/feed/", self.parse_feed, "feed", "start"))
            # Listing pages carry no dependable dates: a --since run reads sitemaps and feeds only.
            if "listings" in self.sources and self.plan.options.since is None:
                requests.append(
                    self.discovery_request("/", self.parse_listing, "listing", "start", known_run=0)
                )
        elif not self.deep_started and self.deep and self.categories:
            self.deep_started = True
            for url in self.categories:
                if "listings" in self.sources and self.plan.options.since is None:
                    requests.append(
                        self.discovery_request(
                            url, self.parse_listing, "listing", "category", known_run=0
                        )
                    )
                if "feeds" in self.sources:
                    requests.append(
                        self.discovery_request(url + "feed/", self.parse_feed, "feed", "category")
                    )
        scheduled = [r for r in requests if r is not None]
        assert self.crawler.engine is not None
        for request in scheduled:
            self.crawler.engine.crawl(request)
        if scheduled:
            raise DontCloseSpider

    # --- discovery pages ----------------------------------------------------------------------

    def unchanged_or_missing(self, response: Response) -> bool:
        """Handle 304 (unchanged since last run) and 404 / 410 (no such page); True if handled."""
        info = response.meta["atnews"]
        if response.status == 304:
            self.count(f"{info['kind']}s/not_modified")
            self.plan.state.resolve(info["url"])
            return True
        if response.status in GONE_STATUSES:
            self.count(f"{info['kind']}s/missing")
            self.plan.state.resolve(info["url"])
            return True
        return False

    def remember(
        self, response: Response, lastmod: dt.datetime | None = None, is_index: bool = False
    ) -> None:
        """Keep a discovery page's validators (and sitemap lastmod) for the next run."""
        self.keep_mark(self.page_mark(response, lastmod, is_index))

    def page_mark(
        self, response: Response, lastmod: dt.datetime | None = None, is_index: bool = False
    ) -> PageMark:
        url = response.meta["atnews"]["url"]
        return PageMark(
            url=url,
            lastmod=lastmod,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            is_index=is_index,
        )

    def keep_mark(self, mark: PageMark) -> None:
        if self.plan.options.since is not None or self.budget_hit:
            return  # this run did not read everything the page lists
        self.plan.state.new_marks[mark.url] = mark

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        info = response.meta["atnews"]
        if response.status == 304:
            self.sitemap_read = True
        if self.unchanged_or_missing(response):
            if response.status != 304 and "candidate" in info:
                yield from _some(self.candidate_sitemap_request(info["candidate"] + 1))
            return
        try:
            sitemap = parse_sitemap(response.body)
        except NotXml as exc:
            self.count("errors/bad_sitemap")
            logger.warning("not a sitemap: %s (%s)", response.url, exc)
            self.plan.state.resolve(info["url"])
            if "candidate" in info:
                yield from _some(self.candidate_sitemap_request(info["candidate"] + 1))
            return
        self.sitemap_read = True
        self.count("sitemaps/read")
        self.plan.state.resolve(info["url"])
        if sitemap.dropped_lastmods:
            self.count("sitemaps/lastmod_dropped", len(sitemap.dropped_lastmods))
            logger.warning(
                "sitemap %s: %d lastmod values are no date or out of range (%r): entries kept "
                "without them",
                response.url,
                len(sitemap.dropped_lastmods),
                sitemap.dropped_lastmods[0],
            )
        mark = self.page_mark(response, info.get("lastmod"), sitemap.is_index)
        requests = self.sitemap_requests(sitemap, info.get("depth", 0), mark)
        # A batch now, the rest as the scheduler drains (a sitemap may list 50,000 URLs).
        yield from self.backlog.first(requests) if self.backlog is not None else _present(requests)

    def sitemap_requests(
        self, sitemap: Sitemap, depth: int, mark: PageMark
    ) -> Iterator[Request | None]:
        """The requests of a sitemap's entries, made one by one as they are asked for; the
        sitemap's mark is kept once every entry was requested."""
        for entry in sitemap.entries:
            yield self.sitemap_entry_request(entry, sitemap.is_index, depth)
        self.keep_mark(mark)

    def sitemap_entry_request(
        self, entry: SitemapEntry, is_index: bool, depth: int
    ) -> Request | None:
        if self.too_old(entry.lastmod):
            self.count("skipped/since")
            return None
        if is_index:
            return self.child_sitemap_request(entry.loc, entry.lastmod, depth + 1)
        return self.article_request(entry.loc, "sitemap", entry.lastmod)

    def child_sitemap_request(
        self, href: str, lastmod: dt.datetime | None, depth: int
    ) -> Request | None:
        url = self.canonical(href)
        if depth > MAX_SITEMAP_DEPTH or not lists_posts(url):
            return None
        mark = self.plan.state.marks.get(url)
        unchanged = mark is not None and mark.lastmod is not None and lastmod is not None
        if unchanged and not self.reread and lastmod <= mark.lastmod:  # type: ignore[operator,union-attr]
            self.count("skipped/sitemap_unchanged")
            return None
        return self.discovery_request(
            url, self.parse_sitemap, "sitemap", "sitemap", lastmod=lastmod, depth=depth
        )

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if self.unchanged_or_missing(response):
            return
        info = response.meta["atnews"]
        try:
            entries = parse_feed(response.body)
        except NotXml as exc:
            self.count("errors/bad_feed")
            logger.warning("not a feed: %s (%s)", response.url, exc)
            return
        self.count("feeds/read")
        self.plan.state.resolve(info["url"])
        for entry in entries:
            if self.too_old(entry.published):
                self.count("skipped/since")
                continue
            yield from _some(self.article_request(entry.link, "feed"))
        self.remember(response)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if self.unchanged_or_missing(response):
            return
        info = response.meta["atnews"]
        self.plan.state.resolve(info["url"])
        if not isinstance(response, TextResponse):
            self.count("errors/not_html")
            return
        page = parse_listing(response.text, response.url)
        self.count("listings/read")
        # names for the categories an article shows only in its classes
        self.extractor.category_names.update(category_names_in(response.text))
        for href in page.category_links:
            url = self.canonical(href)
            if self.rules.is_own(url) and CATEGORY_PATH.match(_path(url)):
                self.categories.setdefault(url, None)
        if not page.article_links:
            self.count("listings/empty")
            return
        listing = info.get("listing", info["url"])
        self.listing_bounds.read(listing, page.article_links)
        known_run = info.get("known_run", 0)
        for href in page.article_links:
            canonical = self.canonical(href)
            seen = canonical in self.plan.known or canonical in self.scheduled
            known_run = known_run + 1 if seen else 0
            yield from _some(self.article_request(canonical, "listing"))
        if info.get("page", 1) == 1:
            self.remember(response)
        if not page.next_page or not self.rules.is_own(page.next_page):
            return
        if not self.plan.options.full and known_run >= KNOWN_RUN_STOP:
            self.count("listings/stopped_at_known")
            return
        cut = self.listing_bounds.stop_reason(listing, info.get("page", 1))
        if cut is not None:
            self.count(f"listings/stopped_{cut}")
            logger.warning(
                "listing %s: not followed past page %d (%s)", listing, info.get("page", 1), cut
            )
            return
        yield from _some(
            self.discovery_request(
                page.next_page,
                self.parse_listing,
                "listing",
                "pagination",
                known_run=known_run,
                page=info.get("page", 1) + 1,
                listing=listing,
            )
        )

    # --- articles ---------------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[ArticlePage | Request]:
        info = response.meta["atnews"]
        if response.status == 304:
            self.count("articles/not_modified")
            self.plan.state.resolve(info["url"])
            return
        if response.status in GONE_STATUSES:
            self.count(f"errors/http_{response.status}")
            self.plan.state.resolve(info["url"])
            return
        if not isinstance(response, TextResponse):
            self.count("errors/not_html")
            self.plan.state.resolve(info["url"])
            return
        if not _looks_complete(response.body):
            for retry in self.retry_or_fail(response, "truncated"):
                yield retry
            return
        url = self.rules.canonical(response.url)  # a fetch URL, seen once: not worth caching
        content_type = _header(response, b"Content-Type")
        try:
            record = await self.extractor.extract(response.body, url, content_type)
        except Exception as exc:  # the extractor must never stop the crawl
            self.count("errors/extract")
            logger.warning("extraction failed for %s: %s", url, describe(exc))
            self.plan.state.resolve(info["url"])
            return
        record = checked_record_url(record, url, self.rules)
        self.count("pages/articles")
        for name in WATCHED_FIELDS:
            if not record.get(name):
                self.count(f"fields_empty/{name}")
        self.plan.state.resolve(info["url"])
        self.scheduled.update((url, record["url"]))
        yield ArticlePage(
            record=record,
            html=response.body,
            fetch_url=response.url,
            status=response.status,
            fetched_at=dt.datetime.now(dt.UTC),
            encoding=response.encoding,
            etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            sitemap_lastmod=info.get("lastmod") or self.late_lastmods.pop(info["url"], None),
            discovered_via=info["via"],
        )
        if "links" in self.sources and self.plan.options.since is None:
            for href in _linked_urls(record):
                request = self.article_request(href, "link", base=url)
                if request is not None:
                    yield request

    def retry_or_fail(self, response: Response, kind: str) -> Iterator[Request]:
        retry = get_retry_request(response.request, spider=self, reason=kind)  # type: ignore[arg-type]
        if retry is not None:
            yield retry
            return
        info = response.meta["atnews"]
        self.count(f"errors/{kind}")
        self.plan.state.fail(info["url"], info["kind"], kind)
        logger.warning("giving up on %s: %s", response.url, kind)

    # --- failures -----------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[Request]:
        exc = _exception(failure)
        request: Request = failure.request  # type: ignore[attr-defined]
        info = request.meta.get("atnews", {})
        is_http_error = isinstance(exc, HttpError)
        if isinstance(exc, IgnoreRequest) and not is_http_error and "redirections" not in str(exc):
            return  # off-site or robots.txt: counted by the middleware, not a failure
        if isinstance(exc, HttpError) and exc.response.status in GONE_STATUSES:
            self.count(f"errors/http_{exc.response.status}")
            self.plan.state.resolve(info.get("url", request.url))
            return
        kind = error_kind(exc)
        self.count(f"errors/{kind}")
        self.plan.state.fail(info.get("url", request.url), info.get("kind", "article"), kind)
        logger.warning("failed: %s (%s)", request.url, describe(exc))
        if info.get("kind") == "sitemap" and "candidate" in info:
            yield from _some(self.candidate_sitemap_request(info["candidate"] + 1))

    def on_dropped(self, request: Request) -> None:
        """A redirect back to a URL of its own chain, dropped as a duplicate: a redirect loop."""
        chain: list[str] = list(request.meta.get("redirect_urls") or [])
        if request.url not in chain:
            return
        info = request.meta.get("atnews", {})
        self.count("errors/redirect_loop")
        self.plan.state.fail(
            info.get("url", request.url), info.get("kind", "article"), "redirect_loop"
        )
        logger.warning("failed: %s (redirect loop)", chain[0])


def _exception(failure: Failure) -> BaseException:
    return failure.value if failure.value is not None else RuntimeError("unknown failure")


def _present(requests: Iterable[Request | None]) -> Iterator[Request]:
    return (request for request in requests if request is not None)


def _some(request: Request | None) -> Iterator[Request]:
    if request is not None:
        yield request


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _path(url: str) -> str:
    return urlsplit(url).path


def _looks_complete(body: bytes) -> bool:
    """A whole HTML page ends with </html>; a body cut short by a dropped connection does not."""
    return b"</html>" in body[-4096:].lower()


def _linked_urls(record: Any) -> Iterator[str]:
    """The article URLs a record links to: Check Also, related, previous, next."""
    check_also = record.get("check_also")
    if check_also and check_also.get("url"):
        yield check_also["url"]
    for link in record.get("related") or ():
        if link.get("url"):
            yield link["url"]
    for name in ("previous", "next"):
        link = record.get(name)
        if link and link.get("url"):
            yield link["url"]
