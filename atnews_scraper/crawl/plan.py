"""Everything a crawl run starts from: its options, the articles already stored, and the state
the previous run left (failed URLs, sitemap marks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pymongo.database import Database

from atnews_scraper.config import load_config
from atnews_scraper.crawl.known import KnownArticle, read_stored
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.state import CrawlState, load_state
from atnews_scraper.ingest.key_index import KeyIndex
from atnews_scraper.urls import UrlRules


@dataclass
class CrawlPlan:
    options: CrawlOptions = field(default_factory=CrawlOptions)
    known: dict[str, KnownArticle] = field(default_factory=dict)
    state: CrawlState = field(default_factory=CrawlState)
    # The store's key index from the read that made `known`, for the crawl's store pipeline
    # (ingest/session.py): the crawl reads the stored articles once.
    store_keys: KeyIndex | None = field(default=None, repr=False)

    @classmethod
    def from_store(cls, options: CrawlOptions, database: Database) -> CrawlPlan:
        """The plan of a crawl into `database`: what it stores and the previous run's state."""
        stored = read_stored(database)
        return cls(options, stored.known, load_state(database), stored.keys)

    def take_store_keys(self) -> KeyIndex | None:
        """The key index, once (the store changes it as it writes); later, None."""
        keys, self.store_keys = self.store_keys, None
        return keys

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
