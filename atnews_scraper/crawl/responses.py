"""A fetched page's HTTP validators: read from its headers, kept as its mark for the next run."""

from __future__ import annotations

import datetime as dt

from scrapy.http import Response

from atnews_scraper.crawl.context import PageContext
from atnews_scraper.crawl.state import PageMark


def header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def page_mark(
    response: Response,
    context: PageContext,
    lastmod: dt.datetime | None = None,
    is_index: bool = False,
) -> PageMark:
    """A discovery page as read: its validators and sitemap lastmod, for the next run."""
    return PageMark(
        url=context.url,
        lastmod=lastmod,
        etag=header(response, b"ETag"),
        last_modified=header(response, b"Last-Modified"),
        is_index=is_index,
    )
