"""Everything a crawl run starts from: its options, the articles already stored, and the state
the previous run left (failed URLs, sitemap marks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from atnews_scraper.config import load_config
from atnews_scraper.crawl.known import KnownArticle
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.state import CrawlState
from atnews_scraper.urls import UrlRules


@dataclass
class CrawlPlan:
    options: CrawlOptions = field(default_factory=CrawlOptions)
    known: dict[str, KnownArticle] = field(default_factory=dict)
    state: CrawlState = field(default_factory=CrawlState)

    @property
    def rules(self) -> UrlRules:
        return UrlRules(hosts=self.options.hosts, site_url=self.options.site_url)

    @property
    def mode(self) -> str:
        """ "full" (--full), "first" (nothing stored yet) or "incremental"."""
        if self.options.full:
            return "full"
        return "incremental" if self.known else "first"


def standalone_plan(site_url: str | None) -> CrawlPlan:
    """The plan of `scrapy crawl atnews [-a site_url=URL]`: the configured site, nothing known.

    `atnews crawl` builds the full plan (stored articles, failed URLs, the lock); a bare Scrapy
    run fetches like a first crawl and leaves deduplication to the pipelines.
    """
    config = load_config(site_url=site_url)
    return CrawlPlan(options=CrawlOptions(site_url=config.site_url, hosts=config.hosts))
