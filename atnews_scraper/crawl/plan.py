"""Everything a crawl run starts from: its options, the articles already stored, and the state
the previous run left (failed URLs, sitemap marks)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
