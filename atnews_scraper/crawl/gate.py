"""Which pages a crawl requests, and how: the request gate.

Every yes / no the spider makes before a request goes out is decided here, without Scrapy: the
page budget (``--max-pages``), off-site and non-article links, articles already requested this
run, stored articles that are still fresh (or stale by their sitemap ``lastmod``, or all with
``--refresh``), ``--since``, child sitemaps unchanged since the last run, the sitemap depth cap,
the discovery phases' pages and when a listing stops paging. What it lets through is a
``Fetch``; the spider turns it into a Scrapy request for the callback of its kind.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Request
from scrapy.settings import BaseSettings

from atnews_scraper.crawl.context import CONTEXT, URL_META, PageContext
from atnews_scraper.crawl.feeds import FeedEntry
from atnews_scraper.crawl.listings import ListingBounds, ListingPage
from atnews_scraper.crawl.middleware import ROBOTS_EXEMPT
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.crawl.sitemaps import SITEMAP_CANDIDATES, Sitemap, lists_posts
from atnews_scraper.crawl.state import PageMark
from atnews_scraper.crawl.xml import MAX_XML_BYTES
from atnews_scraper.urls import PageKind

logger = logging.getLogger(__name__)

KNOWN_RUN_STOP = 5  # listings stop paging after this many known articles in a row
MAX_SITEMAP_DEPTH = 3
MAX_LISTING_PAGES = 5000  # defaults of ATNEWS_MAX_LISTING_PAGES, ATNEWS_LISTING_STALL_PAGES
LISTING_STALL_PAGES = 5
CATEGORY_PATH = re.compile(r"^/category/[^/]+/$")
ARTICLE_KINDS = (PageKind.ARTICLE, PageKind.SHORTLINK)
# Priorities: articles before more discovery, so the queue stays short and results come early.
PRIORITY_ARTICLE = 10
PRIORITY_FEED = 5
PRIORITY_SITEMAP = 5
PRIORITY_LISTING = 0
CALLBACKS = {"sitemap": "parse_sitemap", "feed": "parse_feed", "article": "parse_article"}


@dataclass(frozen=True)
class Fetch:
    """A page the gate lets the spider request: where, how urgently, with which headers."""

    context: PageContext
    url: str  # the fetch URL (under --site-url)
    priority: int = 0
    headers: dict[str, str] | None = None  # conditional request headers
    maxsize: int | None = None  # a download size limit above DOWNLOAD_MAXSIZE

    def request(self, spider: Any) -> Request:
        """The Scrapy request, to the spider's callback for the page's kind (a listing's for a
        kind it does not name) and its ``on_error`` (which also gets 304, 404 and 410 answers, as
        Scrapy's HttpErrorMiddleware passes a callback 2xx answers only). The context goes to
        the callback; the middlewares need only the canonical URL, in the meta."""
        callback = getattr(spider, CALLBACKS.get(self.context.kind, "parse_listing"))
        meta: dict[str, Any] = {URL_META: self.context.url}
        if self.maxsize is not None:
            meta["download_maxsize"] = self.maxsize
        return Request(
            self.url,
            callback,
            errback=spider.on_error,
            priority=self.priority,
            headers=self.headers,
            meta=meta,
            cb_kwargs={CONTEXT: self.context},
        )


def listing_bounds(settings: BaseSettings) -> ListingBounds:
    """The listing bounds a crawl's settings ask for."""
    return ListingBounds(
        settings.getint("ATNEWS_MAX_LISTING_PAGES", MAX_LISTING_PAGES),
        settings.getint("ATNEWS_LISTING_STALL_PAGES", LISTING_STALL_PAGES),
    )


def _ignore(*args: Any) -> None:
    pass


class RequestGate:
    """The request decisions of one crawl run. ``count`` is given each skip's stats key;
    ``on_article`` is called for each article let through (the extractor's workers start ahead
    of the pages)."""

    def __init__(
        self,
        plan: CrawlPlan,
        count: Callable[[str], None] = _ignore,
        on_article: Callable[[], None] = _ignore,
        listing_bounds: ListingBounds | None = None,
    ) -> None:
        self.plan = plan
        self.rules = plan.rules
        self.count = count
        self.on_article = on_article
        self.listing_bounds = listing_bounds or ListingBounds(
            MAX_LISTING_PAGES, LISTING_STALL_PAGES
        )
        # The same links recur on every page (related, previous / next): canonicalise each once.
        self._canonical = functools.lru_cache(maxsize=1 << 16)(self.rules.canonical)
        self.kind = functools.lru_cache(maxsize=1 << 16)(self.rules.kind)
        self.scheduled: set[str] = set()  # canonical URLs of the articles requested this run
        self.late_lastmods: dict[str, dt.datetime] = {}  # listed by a sitemap once requested
        self.requests_made = 0
        self.budget_hit = False

    @property
    def options(self) -> CrawlOptions:
        return self.plan.options

    @property
    def reread(self) -> bool:
        """Read every discovery page in full, never trusting "unchanged since last run"."""
        return bool(self.options.full or self.options.refresh)

    def canonical(self, href: str, base: str | None = None) -> str:
        """``UrlRules.canonical``, cached. An absolute http(s) URL does not depend on the base, so
        a link is cached once for all the pages it appears on, not once per page."""
        if base is not None and href.startswith(("https://", "http://")):
            base = None
        return self._canonical(href, base)

    def too_old(self, when: dt.datetime | None) -> bool:
        since = self.options.since
        return since is not None and when is not None and when.date() < since

    def robots(self, spider: Any, timeout: float) -> Request:
        """robots.txt, fetched first and once: outside the budget, exempt from robots.txt."""
        url = self.rules.fetch_url("/robots.txt")
        meta: dict[str, Any] = {ROBOTS_EXEMPT: True, "handle_httpstatus_all": True}
        meta |= {"max_retry_times": 1, "download_timeout": timeout, URL_META: self.canonical(url)}
        callback, errback = spider.parse_robots, spider.robots_failed
        return Request(url, callback, errback=errback, dont_filter=True, meta=meta)

    # --- one page ------------------------------------------------------------------------

    def page(
        self,
        context: PageContext,
        priority: int = 0,
        headers: dict[str, str] | None = None,
        maxsize: int | None = None,
    ) -> Fetch | None:
        """A site page, fetched under --site-url, within the page budget."""
        limit = self.options.max_pages
        if limit is not None and self.requests_made >= limit:
            self.budget_hit = True
            self.count("skipped/budget")
            return None
        self.requests_made += 1
        return Fetch(context, self.rules.fetch_url(context.url), priority, headers, maxsize)

    def discovery(self, href: str, kind: str, via: str, **fields: Any) -> Fetch | None:
        """A sitemap, feed or listing page; conditional when the last run saw it unchanged."""
        url = self.canonical(href, self.rules.site_url)
        if not self.rules.is_own(url):
            self.count("skipped/offsite")
            return None
        mark = self.plan.state.marks.get(url)
        headers = mark.conditional_headers() if mark and not self.reread else None
        priority = {"sitemap": PRIORITY_SITEMAP, "feed": PRIORITY_FEED}.get(kind, PRIORITY_LISTING)
        maxsize = MAX_XML_BYTES if kind == "sitemap" else None
        return self.page(PageContext(url, kind, via, **fields), priority, headers, maxsize)

    def article(
        self, href: str, via: str, lastmod: dt.datetime | None = None, base: str | None = None
    ) -> Fetch | None:
        """An article, unless it was already requested or is stored and fresh."""
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
        if known is not None and not self.options.refresh:
            if not known.is_stale(lastmod):
                self.count("skipped/known")
                return None
            headers = known.conditional_headers()
        context = PageContext(url, "article", via, lastmod=lastmod)
        fetch = self.page(context, PRIORITY_ARTICLE, headers)
        if fetch is not None:
            self.scheduled.add(url)
            self.on_article()
        return fetch

    def linked(self, record: Any, base: str) -> Iterator[Fetch | None]:
        """The articles a record links to (Check Also, related, previous, next), unless this
        run follows no links (``--sources``, ``--since``)."""
        if "links" not in self.options.sources or self.options.since is not None:
            return
        related = record.get("related") or ()
        for link in (
            record.get("check_also"),
            *related,
            record.get("previous"),
            record.get("next"),
        ):
            if link and link.get("url"):
                yield self.article(link["url"], "link", base=base)

    def sitemap_lastmod(self, context: PageContext) -> dt.datetime | None:
        """An article's sitemap lastmod: its own, or one a sitemap gave after it was requested."""
        return context.lastmod or self.late_lastmods.pop(context.url, None)

    def seen(self, href: str) -> bool:
        """Whether an article is stored or already requested this run."""
        url = self.canonical(href)
        return url in self.plan.known or url in self.scheduled

    def categories(self, hrefs: Iterable[str]) -> Iterator[str]:
        """The canonical URLs of the site's category listings among ``hrefs``."""
        for href in hrefs:
            url = self.canonical(href)
            if self.rules.is_own(url) and CATEGORY_PATH.match(urlsplit(url).path):
                yield url

    # --- sitemaps ------------------------------------------------------------------------

    def candidate_sitemap(self, index: int) -> Fetch | None:
        """The ``index``-th guessed sitemap location, when robots.txt names none."""
        if index >= len(SITEMAP_CANDIDATES):
            return None
        path = SITEMAP_CANDIDATES[index]
        return self.discovery(path, "sitemap", "guess", candidate=index)

    def next_candidate(self, context: PageContext) -> Fetch | None:
        """The next guessed sitemap after a guessed one that is not there."""
        if context.kind != "sitemap" or context.candidate is None:
            return None
        return self.candidate_sitemap(context.candidate + 1)

    def child_sitemap(self, href: str, lastmod: dt.datetime | None, depth: int) -> Fetch | None:
        """A sitemap an index lists, unless its lastmod has not moved since the last run."""
        url = self.canonical(href)
        if depth > MAX_SITEMAP_DEPTH or not lists_posts(url):
            return None
        mark = self.plan.state.marks.get(url)
        unchanged = mark is not None and mark.lastmod is not None and lastmod is not None
        if unchanged and not self.reread and lastmod <= mark.lastmod:  # type: ignore[operator,union-attr]
            self.count("skipped/sitemap_unchanged")
            return None
        return self.discovery(url, "sitemap", "sitemap", lastmod=lastmod, depth=depth)

    def sitemap_entries(
        self, sitemap: Sitemap, depth: int, mark: PageMark
    ) -> Iterator[Fetch | None]:
        """The fetches of a sitemap's entries, decided one by one as they are asked for; the
        sitemap's mark is kept once every entry was decided."""
        for entry in sitemap.entries:
            if self.too_old(entry.lastmod):
                self.count("skipped/since")
                yield None
            elif sitemap.is_index:
                yield self.child_sitemap(entry.loc, entry.lastmod, depth + 1)
            else:
                yield self.article(entry.loc, "sitemap", entry.lastmod)
        self.keep_mark(mark)

    def feed_entries(self, entries: Iterable[FeedEntry], mark: PageMark) -> Iterator[Fetch | None]:
        """The articles a feed lists (not those before --since); its mark is kept once all are
        decided."""
        for entry in entries:
            if self.too_old(entry.published):
                self.count("skipped/since")
                yield None
            else:
                yield self.article(entry.link, "feed")
        self.keep_mark(mark)

    def keep_mark(self, mark: PageMark) -> None:
        """Keep a discovery page's validators (and sitemap lastmod) for the next run."""
        if self.options.since is not None or self.budget_hit:
            return  # this run did not read everything the page lists
        self.plan.state.new_marks[mark.url] = mark

    # --- discovery phases ----------------------------------------------------------------

    def retries(self) -> Iterator[Fetch]:
        """URLs that failed in earlier runs, tried again first."""
        for failed in self.plan.state.retryable():
            if failed.page_kind == "article":
                fetch = self.page(PageContext(failed.url, "article", "retry"), PRIORITY_ARTICLE)
                self.scheduled.add(failed.url)
            else:
                fetch = self.page(PageContext(failed.url, failed.page_kind, "retry"))
            if fetch is not None:
                self.count("retried_from_last_run")
                yield fetch

    def first(self, robots_sitemaps: Iterable[str]) -> Iterator[Fetch | None]:
        """After robots.txt: the earlier run's failures, then its sitemaps (or the first guess)."""
        yield from self.retries()
        if "sitemaps" not in self.options.sources:
            return
        hrefs = list(robots_sitemaps)
        for href in hrefs:
            yield self.discovery(href, "sitemap", "robots")
        if not hrefs:
            yield self.candidate_sitemap(0)

    def home(self) -> list[Fetch | None]:
        """The feed and the home page listing."""
        fetches = []
        if "feeds" in self.options.sources:
            fetches.append(self.discovery("/feed/", "feed", "start"))
        if self.reads_listings:
            fetches.append(self.discovery("/", "listing", "start"))
        return fetches

    def deep(self, categories: Iterable[str]) -> list[Fetch | None]:
        """Each category's listing and feed."""
        fetches = []
        for url in categories:
            if self.reads_listings:
                fetches.append(self.discovery(url, "listing", "category"))
            if "feeds" in self.options.sources:
                fetches.append(self.discovery(url + "feed/", "feed", "category"))
        return fetches

    @property
    def reads_listings(self) -> bool:
        # Listing pages carry no dependable dates: a --since run reads sitemaps and feeds only.
        return "listings" in self.options.sources and self.options.since is None

    def listing_links(
        self, context: PageContext, page: ListingPage, mark: PageMark
    ) -> Iterator[Fetch | None]:
        """A listing page's articles, then its next page unless paging stops there; the mark of
        a listing's first page is kept once its articles are decided."""
        known_run = context.known_run
        for href in page.article_links:
            known_run = known_run + 1 if self.seen(href) else 0
            yield self.article(href, "listing")
        if context.page == 1:
            self.keep_mark(mark)
        yield self.next_listing_page(context, page, known_run)

    def next_listing_page(
        self, context: PageContext, page: ListingPage, known_run: int
    ) -> Fetch | None:
        """Paging stops after KNOWN_RUN_STOP known articles in a row (not on --full runs), and
        at the listing's bounds (ListingBounds)."""
        listing = context.listing or context.url
        self.listing_bounds.read(listing, page.article_links)
        if not page.next_page or not self.rules.is_own(page.next_page):
            return None
        if not self.options.full and known_run >= KNOWN_RUN_STOP:
            self.count("listings/stopped_at_known")
            return None
        cut = self.listing_bounds.stop_reason(listing, context.page)
        if cut is not None:
            self.count(f"listings/stopped_{cut}")
            logger.warning("listing %s: not followed past page %d (%s)", listing, context.page, cut)
            return None
        fields = {"known_run": known_run, "page": context.page + 1, "listing": listing}
        return self.discovery(page.next_page, "listing", "pagination", **fields)
