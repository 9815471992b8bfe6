"""The `atnews` spider: discovers the site's articles and fetches each once (docs/crawling.md).

Only discovery is here: the request gate (crawl/gate.py) decides the requests, the page outcomes
(crawl/outcomes.py) keep how each ended, crawl/articles.py makes an article page's item."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from protego import Protego
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from atnews_scraper.crawl import feeds, listings, sitemaps
from atnews_scraper.crawl.articles import ArticleReader
from atnews_scraper.crawl.backlog import RequestBacklog
from atnews_scraper.crawl.category_names import category_names_in
from atnews_scraper.crawl.context import PageContext
from atnews_scraper.crawl.extraction import CrawlExtractor
from atnews_scraper.crawl.gate import Fetch, RequestGate, listing_bounds
from atnews_scraper.crawl.jobdir import FinishedJobReset
from atnews_scraper.crawl.middleware import apply_crawl_delay
from atnews_scraper.crawl.outcomes import PageOutcomes, not_modified
from atnews_scraper.crawl.plan import CrawlPlan, standalone_plan
from atnews_scraper.crawl.responses import page_mark
from atnews_scraper.crawl.robots import read_robots
from atnews_scraper.crawl.xml import NotXml
from atnews_scraper.items import ArticlePage


class AtnewsSpider(Spider):
    name = "atnews"
    outcomes: PageOutcomes  # these two are built from_crawler
    articles: ArticleReader

    def __init__(
        self, plan: CrawlPlan | None = None, site_url: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.plan = plan or standalone_plan(site_url)
        self.rules = self.plan.rules
        self.gate = RequestGate(self.plan, self.count, lambda: self.extractor.queue())
        self.robots: Protego | None = None
        self.robots_agent = "atnews"
        self.unreachable: str | None = None  # "URL: error" when the site could not be reached
        self.sitemap_read = self.home_started = self.deep_started = False
        self.categories: dict[str, None] = {}
        self.extractor = CrawlExtractor(self.rules, workers=0)
        self.backlog: RequestBacklog | None = None  # None: sitemap requests are made at once
        self.job_reset: FinishedJobReset | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> AtnewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        spider.outcomes = PageOutcomes.from_crawler(crawler, spider.plan.state)
        spider.extractor = CrawlExtractor(spider.rules, settings.getint("ATNEWS_EXTRACT_WORKERS"))
        spider.articles = ArticleReader(spider.gate, spider.extractor, spider.outcomes)
        # --jobdir: the queue is on disk and a resumed run would miss a request held back here
        spider.backlog = None if settings.get("JOBDIR") else RequestBacklog(crawler)
        # Before the scheduler opens the --jobdir; kept: signals hold their receivers weakly.
        spider.job_reset = FinishedJobReset.install(crawler)
        spider.gate.listing_bounds = listing_bounds(settings)
        return spider

    def closed(self, reason: str) -> None:
        self.extractor.close()

    @property
    def state(self) -> dict[str, Any]:
        """What a --jobdir keeps for the resumed run (Scrapy's SpiderState pickles it)."""
        return {"scheduled": set(self.gate.scheduled)}

    @state.setter
    def state(self, saved: dict[str, Any]) -> None:
        self.gate.scheduled.update(saved.get("scheduled", ()))

    @property
    def scheduled(self) -> set[str]:
        """Canonical URLs of the articles requested in this crawl (kept across --jobdir resumes)."""
        return self.gate.scheduled

    @property
    def budget_hit(self) -> bool:
        return self.gate.budget_hit

    @property
    def deep(self) -> bool:
        return self.plan.options.full or not self.sitemap_read

    def count(self, key: str, amount: int = 1) -> None:
        self.outcomes.count(key, amount)

    def requests(self, fetches: Iterable[Fetch | None]) -> Iterator[Request]:
        """The requests of what the gate let through, each to the callback of its page kind."""
        return (fetch.request(self) for fetch in filter(None, fetches))

    async def start(self) -> AsyncIterator[Any]:
        yield self.gate.robots(self, self.settings.getfloat("ATNEWS_ROBOTS_TIMEOUT", 20.0))

    def parse_robots(self, response: Response) -> Iterator[Request]:
        listed: list[str] = []  # its Sitemap: lines
        if response.status == 200 and isinstance(response, TextResponse):
            self.robots, listed = read_robots(response.text)
            crawl_delay = self.robots.crawl_delay(self.robots_agent)
            if crawl_delay is not None:  # before any other request: only robots.txt went out
                apply_crawl_delay(self.crawler, response.meta["download_slot"], crawl_delay)
        elif response.status >= 500:
            self.unreachable = self.outcomes.robots_unavailable(response)
            return
        yield from self.requests(self.gate.first(listed))

    def robots_failed(self, failure: Failure) -> Iterator[Request]:
        self.unreachable = self.outcomes.robots_failed(failure)
        yield from [] if self.unreachable else self.requests(self.gate.first([]))

    def on_idle(self) -> None:
        """Discovery in phases, each once the previous one is done: robots.txt and sitemaps (so
        articles come with their lastmod), the feed and home page listing, then on deep runs
        (--full, or no sitemap read) each category's listing and feed."""
        if self.unreachable:
            return
        if self.backlog is not None and self.backlog.top_up():
            raise DontCloseSpider  # a sitemap's entries are not all requested yet
        fetches: list[Fetch | None] = []
        if not self.home_started:
            self.home_started = True
            fetches = self.gate.home()
        elif not self.deep_started and self.deep and self.categories:
            self.deep_started = True
            fetches = self.gate.deep(self.categories)
        requests = list(self.requests(fetches))
        assert self.crawler.engine is not None
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def parse_sitemap(self, response: Response, context: PageContext) -> Iterator[Request]:
        try:
            sitemap = sitemaps.parse_sitemap(response.body)
        except NotXml as exc:
            self.outcomes.unreadable(response, context, exc)
            self.outcomes.resolve(context)
            yield from self.requests([self.gate.next_candidate(context)])
            return
        self.sitemap_read = True
        self.outcomes.resolve(context, "sitemaps/read")
        self.outcomes.lastmods_dropped(response.url, sitemap.dropped_lastmods)
        mark = page_mark(response, context, context.lastmod, sitemap.is_index)
        requests = self.requests(self.gate.sitemap_entries(sitemap, context.depth, mark))
        # A batch now, the rest as the scheduler drains (a sitemap may list 50,000 URLs).
        yield from self.backlog.first(requests) if self.backlog is not None else requests

    def parse_feed(self, response: Response, context: PageContext) -> Iterator[Request]:
        try:
            entries = feeds.parse_feed(response.body)
        except NotXml as exc:  # a feed's failure from an earlier run is kept
            self.outcomes.unreadable(response, context, exc)
            return
        self.outcomes.resolve(context, "feeds/read")
        yield from self.requests(self.gate.feed_entries(entries, page_mark(response, context)))

    def parse_listing(self, response: Response, context: PageContext) -> Iterator[Request]:
        self.outcomes.resolve(context)
        if not isinstance(response, TextResponse):
            self.count("errors/not_html")
            return
        page = listings.parse_listing(response.text, response.url)
        self.count("listings/read")
        self.extractor.category_names.update(category_names_in(response.text))  # class-only ones
        self.categories.update(dict.fromkeys(self.gate.categories(page.category_links)))
        if not page.article_links:
            self.count("listings/empty")
            return
        mark = page_mark(response, context)
        yield from self.requests(self.gate.listing_links(context, page, mark))

    async def parse_article(self, response: Response, context: PageContext) -> AsyncIterator[Any]:
        item = await self.articles.read(response, context)  # the item, a retry, or nothing
        if item is not None:
            yield item
        if isinstance(item, ArticlePage):
            base = self.rules.canonical(response.url)
            for request in self.requests(self.gate.linked(item.record, base)):
                yield request

    def on_error(self, failure: Failure) -> Iterator[Request]:
        """A failed request, or a 304, 404 or 410 answer (crawl/outcomes.py)."""
        context = self.outcomes.on_error(failure)  # None: off-site or robots.txt, not a failure
        if context is not None and not_modified(failure):
            self.sitemap_read = self.sitemap_read or context.kind == "sitemap"
        elif context is not None:  # gone or failed: a guessed sitemap location, the next guess
            yield from self.requests([self.gate.next_candidate(context)])
