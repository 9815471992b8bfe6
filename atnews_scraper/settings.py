"""Scrapy settings for `scrapy crawl atnews` and `atnews crawl` (which overrides some per run,
see atnews_scraper/crawl/runner.py). Polite by default."""

from __future__ import annotations

import os

from atnews_scraper import __version__
from atnews_scraper.crawl.options import positive_int_env

BOT_NAME = "atnews"
SPIDER_MODULES = ["atnews_scraper.spiders"]
NEWSPIDER_MODULE = "atnews_scraper.spiders"

# Who is crawling and how to reach them: ATNEWS_CONTACT (an e-mail or URL) overrides the default.
CONTACT = os.environ.get("ATNEWS_CONTACT") or "https://github.com/atnews/atnews/issues"
USER_AGENT = f"atnews/{__version__} (archive crawler; +{CONTACT})"

# robots.txt is obeyed by atnews_scraper.crawl.middleware.RobotsTxtMiddleware: the spider fetches
# it once, for its rules and its Sitemap: lines. Scrapy's own middleware would fetch it again.
ROBOTSTXT_OBEY = False

DOWNLOADER_MIDDLEWARES = {
    "atnews_scraper.crawl.middleware.SiteHostsMiddleware": 50,
    "atnews_scraper.crawl.middleware.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "atnews_scraper.crawl.retry.BackoffRetryMiddleware": 550,
    # Last before the download: requests to a host that answered 429 / 503 wait here.
    "atnews_scraper.crawl.host_pause.HostPauseMiddleware": 950,
    # WordPress answers with HTTP redirects, not <meta refresh>; no site needs HTTP auth.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,  # SiteHostsMiddleware
}
# Scrapy's HTTP handler (ATNEWS_HTTP_DOWNLOAD_HANDLER, HTTP11DownloadHandler unless set), holding
# the requests that were already waiting in the downloader when their host was paused (see
# atnews_scraper.crawl.host_pause).
DOWNLOAD_HANDLERS = {
    "http": "atnews_scraper.crawl.host_pause.HostPauseDownloadHandler",
    "https": "atnews_scraper.crawl.host_pause.HostPauseDownloadHandler",
}
# Each spider middleware wraps every callback output; these do nothing this crawl needs
# (URLs are canonical and short, depth is unlimited).
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,  # a development aid
}

ITEM_PIPELINES: dict[str, int] = {
    "atnews_scraper.pipelines.validate.ValidatePipeline": 100,
    "atnews_scraper.pipelines.dedupe.DedupePipeline": 200,
    "atnews_scraper.pipelines.store.StorePipeline": 300,
}

# Politeness (`--no-polite` turns the delays, AutoThrottle, Crawl-delay and the back-off pauses
# without Retry-After off).
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # the spider logs each failure once, as a warning
ATNEWS_RETRY_BACKOFF = 2.0  # first wait before a retry; doubles each time
ATNEWS_RETRY_AFTER_MAX = 300.0  # the longest Retry-After honoured
# After a 429 or 503 the whole host pauses: for its Retry-After, or without one (when this is on)
# for the retry's backoff. See atnews_scraper.crawl.host_pause.HostPauseMiddleware.
ATNEWS_PAUSE_WITHOUT_RETRY_AFTER = True
# robots.txt Crawl-delay: the least time between two requests, max(DOWNLOAD_DELAY, Crawl-delay),
# also AutoThrottle's minimum; a Crawl-delay above ATNEWS_CRAWL_DELAY_MAX is capped (a warning).
ATNEWS_OBEY_CRAWL_DELAY = True
ATNEWS_CRAWL_DELAY_MAX = 60.0
REDIRECT_MAX_TIMES = 5
DOWNLOAD_TIMEOUT = 30
DNS_TIMEOUT = 15
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # an article page is ~100 KB; sitemaps ask for more
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
COOKIES_ENABLED = False
# Scrapy starts CONCURRENT_ITEMS tasks per callback output (the default, 100, costs ~200,000 idle
# asyncio tasks per 2,000 pages). An article callback yields one item, the pipelines never wait
# on the database (pipelines/store.py), so one task per output is enough.
CONCURRENT_ITEMS = 1
# Extraction worker processes (0: extract in the crawl process): two where there are two or more
# cores. Extraction is most of a crawl's CPU and the crawl process itself needs about half a core,
# so on 2 cores two workers keep both busy (bench_crawl: 20% faster than one). More would help
# only a --no-polite crawl on a bigger machine (a polite one fetches about a page a second), and
# each costs about 37 MB: set ATNEWS_EXTRACT_WORKERS there. They start once more than 50 article
# pages are queued, so small runs never start them. See atnews_scraper/crawl/extraction.py.
MAX_EXTRACT_WORKERS = 2
ATNEWS_EXTRACT_WORKERS = int(
    os.environ.get("ATNEWS_EXTRACT_WORKERS")
    or (min(os.cpu_count() or 1, MAX_EXTRACT_WORKERS) if (os.cpu_count() or 1) > 1 else 0)
)

# Nothing listens on a port or writes outside the var dir.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
LOG_FORMATTER = "atnews_scraper.crawl.logs.ShortItemLogFormatter"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"

# Listing pagination: a listing (home, category) is followed for at most this many pages, and
# stops after this many pages in a row that list nothing it had not listed (see
# atnews_scraper.crawl.listings.ListingBounds). The environment variables override them.
ATNEWS_MAX_LISTING_PAGES = positive_int_env("ATNEWS_MAX_LISTING_PAGES", 5000)
ATNEWS_LISTING_STALL_PAGES = positive_int_env("ATNEWS_LISTING_STALL_PAGES", 5)

# `-o/-O items.jsonl|json|csv|xml` write article records (atnews_scraper/crawl/feed_export.py).
FEED_EXPORTERS = {
    name: f"atnews_scraper.crawl.feed_export.{exporter}"
    for name, exporter in (
        ("json", "JsonRecordExporter"),
        ("jsonlines", "JsonLinesRecordExporter"),
        ("jsonl", "JsonLinesRecordExporter"),
        ("jl", "JsonLinesRecordExporter"),
        ("csv", "CsvRecordExporter"),
        ("xml", "XmlRecordExporter"),
    )
}
