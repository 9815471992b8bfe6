"""What the spider hands the item pipelines: one fetched article page and its extracted record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from atnews_scraper.record import ArticleRecord


@dataclass
class ArticlePage:
    record: ArticleRecord
    html: bytes  # the response body as received (for the `pages` collection and reparse)
    fetch_url: str  # the URL actually fetched (a mirror or replay host in tests)
    status: int
    fetched_at: dt.datetime  # tz-aware UTC
    encoding: str | None = None
    etag: str | None = None
    last_modified: str | None = None  # the HTTP Last-Modified header, as sent
    sitemap_lastmod: dt.datetime | None = None  # tz-aware, when a sitemap listed the URL
    discovered_via: str | None = None  # "sitemap", "feed", "listing", "link", "retry", "start"
    outcome: str | None = field(default=None)  # set by pipelines: new/updated/unchanged/...
