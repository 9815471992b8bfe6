"""Sitemaps: robots.txt ``Sitemap:`` lines, sitemap indexes and URL sets (with ``lastmod``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from atnews_scraper.crawl.xml import MAX_XML_BYTES, NotXml, child_text, iter_elements, local_name
from atnews_scraper.crawl.xml import parse_w3c_datetime as parse_lastmod
from atnews_scraper.gunzip import GZIP_MAGIC, GzipCorrupt, GzipTooLarge, gunzip_capped
from atnews_scraper.sequences import unique

# Where WordPress sitemaps live when robots.txt names none: Yoast first (it replaces the core
# one when installed), then WordPress core, then Yoast's post sitemap on its own.
SITEMAP_CANDIDATES = ("/sitemap_index.xml", "/wp-sitemap.xml", "/post-sitemap.xml")
# Child sitemaps that list no posts (pages, taxonomies, authors) are not fetched.
NON_POST_SITEMAP = re.compile(
    r"(page|category|categories|tag|author|user|taxonom|attachment|format)[\w-]*\.xml", re.I
)


@dataclass(frozen=True, slots=True)  # a sitemap may hold 50,000 of them
class SitemapEntry:
    loc: str
    lastmod: dt.datetime | None


@dataclass(frozen=True)
class Sitemap:
    is_index: bool  # True: entries are sitemaps; False: entries are pages
    entries: tuple[SitemapEntry, ...]
    dropped_lastmods: tuple[str, ...] = ()  # lastmod values that were no date, or out of range


def robots_sitemaps(robots_txt: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, in order, without duplicates."""
    found: list[str] = []
    for line in robots_txt.splitlines():
        name, _, value = line.partition(":")
        url = value.strip()
        if name.strip().lower() == "sitemap" and url:
            found.append(url)
    return unique(found)


def gunzip_sitemap(body: bytes, max_bytes: int = MAX_XML_BYTES) -> bytes:
    """The decompressed body, refusing to inflate past max_bytes (a gzip bomb)."""
    try:
        inflated = gunzip_capped(body, max_bytes)
    except GzipCorrupt as exc:
        raise NotXml(f"bad gzip data ({exc})") from None
    except GzipTooLarge:
        raise NotXml(f"decompresses to over {max_bytes} bytes") from None
    if not inflated.complete:
        raise NotXml("bad gzip data (the stream is cut off)")
    return inflated.data


def parse_sitemap(body: bytes, max_bytes: int = MAX_XML_BYTES) -> Sitemap:
    """A sitemap index or URL set; raises NotXml for anything else (HTML, junk, bombs).

    Read an entry at a time (a 50 MB sitemap never becomes one big tree). A ``lastmod`` that is
    no date, or out of range (year 9999), is dropped from its entry and kept in
    ``dropped_lastmods``; the entry stays."""
    if body.startswith(GZIP_MAGIC):
        body = gunzip_sitemap(body, max_bytes)
    elements = iter_elements(body, max_bytes)
    root = next(elements)
    kind = local_name(root)
    if kind not in ("sitemapindex", "urlset"):
        raise NotXml(f"root element is <{kind}>, not <sitemapindex> or <urlset>")
    child = "sitemap" if kind == "sitemapindex" else "url"
    entries = []
    dropped = []
    for element in elements:
        if local_name(element) != child:
            continue
        loc = child_text(element, "loc")
        if loc:
            written = child_text(element, "lastmod")
            lastmod = parse_lastmod(written)
            if written and lastmod is None:
                dropped.append(written[:100])
            entries.append(SitemapEntry(loc, lastmod))
    return Sitemap(
        is_index=kind == "sitemapindex", entries=tuple(entries), dropped_lastmods=tuple(dropped)
    )


def lists_posts(sitemap_url: str) -> bool:
    """Whether a child sitemap of an index may list posts (pages, taxonomies, users do not)."""
    return not NON_POST_SITEMAP.search(sitemap_url.rsplit("/", 1)[-1])
