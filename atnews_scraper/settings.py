"""Scrapy settings for `scrapy crawl atnews` and `atnews crawl` (which overrides some per run)."""

from __future__ import annotations

from atnews_scraper import __version__

BOT_NAME = "atnews"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = f"atnews/{__version__} (+https://github.com/atnews/atnews; archive crawler)"
ROBOTSTXT_OBEY = True

ITEM_PIPELINES: dict[str, int] = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.dedupe.DedupePipeline": 200,
    "pipelines.store.StorePipeline": 300,
}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
